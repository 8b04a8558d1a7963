import ArgumentParser
import Foundation
import RegistryStorage

struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete tags, manifests, layer links, repositories or stale uploads, as the registry deletes them.",
        discussion: """
            TARGET is REPO:TAG (untag), REPO@DIGEST (the manifest, and every tag pointing at it), REPO --repository \
            (the whole repository), or REPO --layer DIGEST (the repository's layer link). --uploads-older-than \
            DURATION (a Go duration such as 168h) removes unfinished uploads of every repository.

            Deletes are soft: blobs stay until `drydock gc`. Each delete is previewed first, journaled inside the store \
            (docker/registry/v2/drydock/journal/) and can be undone with `drydock undo` until a garbage collection runs.

            Deletion follows storage.delete.enabled: with --config, the configuration's value (after \
            REGISTRY_STORAGE_DELETE_ENABLED); with a bare STORE, REGISTRY_STORAGE_DELETE_ENABLED or --delete-enabled. \
            --read-only and storage.maintenance.readonly.enabled refuse everything.

            Without --yes it asks on a terminal, and refuses without one. Exit status: 0 done, 1 refused or failed, 2 usage.
            """
    )

    @OptionGroup var runMode: RunModeOptions<PlannedDeleteHelp>

    @Flag(name: .long, help: "A bare REPO target deletes the whole repository (required for that).")
    var repository = false

    @Flag(name: .long, help: "With --repository: also delete the repositories nested inside it (content no listed repository accounts for stays).")
    var nested = false

    @Option(name: .long, help: ArgumentHelp("Delete REPO's layer link to DIGEST (repeatable).", valueName: "DIGEST"))
    var layer: [String] = []

    @Option(name: .long, help: ArgumentHelp("Delete unfinished uploads started longer ago than this (e.g. 168h).", valueName: "DURATION"))
    var uploadsOlderThan: String?

    @Flag(name: .long, help: "When deleting an index, also delete its child manifests nothing else references.")
    var deleteChildren = false

    @Flag(name: .long, help: "When deleting an index, keep its children without asking.")
    var keepChildren = false

    @Flag(name: .long, help: "Delete index children that kept tags still need (their pull breaks for that platform).")
    var force = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var deleteOptions: DeleteOptions

    @Argument(
        help: ArgumentHelp("The store root or s3://BUCKET/ROOTDIRECTORY (omit with --config), then the targets.", valueName: "STORE | TARGET"),
        completion: .custom { words, index, prefix in await TargetCompletion.storeOrTargets(words, index, prefix) })
    var arguments: [String] = []

    func validate() throws {
        _ = try parsedTargets()
    }

    /// The store argument and the targets, or a usage error.
    func parsedTargets(includeChildren: Bool? = nil) throws -> (store: String?, targets: [DeleteTarget]) {
        var words = arguments[...]
        var store: String?
        if storeOptions.config == nil {
            guard let first = words.popFirst() else { throw ValidationError("name a store: drydock rm STORE TARGET..., or --config FILE TARGET...") }
            store = first
        }
        if deleteChildren && keepChildren { throw ValidationError("give --delete-children or --keep-children, not both") }
        if nested && !repository { throw ValidationError("--nested goes with --repository") }
        if repository && !layer.isEmpty { throw ValidationError("give --repository or --layer, not both") }
        let layers = try layer.map { text -> Digest in
            switch Digest.parse(text) {
            case .success(let d): return d
            case .failure(let e): throw ValidationError("--layer \(SafeText.escaping(text)): \(e)")
            }
        }
        var targets: [DeleteTarget] = []
        var sawRepository = false
        for word in words {
            let reference: TargetReference
            switch TargetReference.parse(word) {
            case .success(let r): reference = r
            case .failure(let e): throw ValidationError("\(SafeText.escaping(word)): \(e)")
            }
            switch reference.selector {
            case .tag(let t):
                targets.append(.tag(repository: reference.repository, tag: t))
            case .digest(let d):
                targets.append(.manifest(repository: reference.repository, digest: d, includeChildren: includeChildren ?? deleteChildren))
            case .repository:
                sawRepository = true
                if !layers.isEmpty {
                    targets += layers.map { .layer(repository: reference.repository, digest: $0) }
                } else if repository {
                    targets.append(.repository(reference.repository, includeNested: nested))
                } else {
                    throw ValidationError(
                        "\(SafeText.escaping(word)) names a whole repository: add --repository to delete it, or name REPO:TAG, REPO@DIGEST or REPO --layer DIGEST")
                }
            }
        }
        if !layers.isEmpty && !sawRepository { throw ValidationError("--layer needs a REPO target whose layer link goes") }
        if let text = uploadsOlderThan {
            guard let seconds = GoDuration.seconds(text), seconds >= 0 else {
                throw ValidationError("--uploads-older-than \(SafeText.escaping(text)) is not a duration such as 168h, 90m or 1h30m")
            }
            targets.append(.staleUploads(olderThanSeconds: seconds))
        }
        if targets.isEmpty { throw ValidationError("name what to delete: REPO:TAG, REPO@DIGEST, REPO --repository, REPO --layer DIGEST or --uploads-older-than DURATION") }
        return (store, targets)
    }

    mutating func run() async throws {
        let (dryRun, json, yes) = (runMode.dryRun, runMode.json, runMode.yes)
        var (storeArgument, targets) = try parsedTargets()
        let registry = try await storeOptions.open(store: storeArgument)
        defer { SkippedKeysWarning.report(registry.driver) }
        let policy = deleteOptions.policy(for: registry, storeOptions: storeOptions)
        if !dryRun, let refusal = policy.refusal {
            try CommandExit.refuse(refusal, report: json ? RemoveReport(plan: nil, refusal: refusal, dryRun: dryRun) : nil)
        }
        let loaded = try await StoreSelection.load(registry, reference: nil, detail: .full)
        let deleter = StoreDeleter(store: registry, policy: policy)
        var plan = try makePlan(deleter, targets, loaded.all)
        if !plan.orphanedChildren.isEmpty && !keepChildren && !dryRun && !yes && Confirm.isInteractive {
            let list = plan.orphanedChildren.map { "  \(SafeText.escaping($0.repository))@\($0.digest)" }.joined(separator: "\n")
            FileHandleOutput.standardError("The deleted index leaves \(plan.orphanedChildren.count) child manifest(s) that nothing else references:\n\(list)")
            if Confirm.ask("Delete those children too?") {
                targets = try parsedTargets(includeChildren: true).targets
                plan = try makePlan(deleter, targets, loaded.all)
            }
        }
        if !json { FileHandleOutput.standardOutput(RemoveReport.text(plan, dryRun: dryRun, force: force)) }
        if dryRun {
            if json { FileHandleOutput.json(JSONOutput.string(RemoveReport(plan: plan, refusal: plan.refusal, dryRun: true))) }
            return
        }
        if plan.breaksPulls && !force {
            let refusal = "the delete removes index children that kept tags need (listed above); nothing was changed. "
                + "Delete or untag the index first, or pass --force to break those pulls"
            try CommandExit.refuse(refusal, report: json ? RemoveReport(plan: plan, refusal: refusal, dryRun: false) : nil)
        }
        try Confirm.require(yes: yes, question: "Delete \(plan.removals.count) item(s) listed above?", what: "delete")
        do {
            let result = try await deleter.execute(plan, force: force)
            if json {
                var report = RemoveReport(plan: plan, refusal: nil, dryRun: false)
                report.journal = result.journalID
                FileHandleOutput.json(JSONOutput.string(report))
            } else {
                FileHandleOutput.standardOutput("Removed \(result.removed.count) item(s); journal entry \(result.journalID).")
                FileHandleOutput.standardOutput("Undo with: drydock undo \(undoHint) \(result.journalID)  (possible until a garbage collection sweeps the blobs)")
                if !result.unrestorable.isEmpty {
                    FileHandleOutput.standardOutput("\(result.unrestorable.count) removed file(s) cannot be restored by undo (upload data, stray files).")
                }
            }
        } catch {
            try CommandExit.fail("\(error)")
        }
    }

    private var undoHint: String { storeOptions.commandWords(store: arguments.first) }

    private func makePlan(_ deleter: StoreDeleter, _ targets: [DeleteTarget], _ all: [RepositoryContents]) throws -> DeletePlan {
        do {
            return try deleter.plan(targets, repositories: all)
        } catch {
            try CommandExit.fail("\(error)")
        }
    }
}
