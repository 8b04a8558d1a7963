import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RegistryStorage

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove tags by retention rules (keep the last N, those pushed within a time, those matching a pattern).",
        discussion: """
            Candidates are the tags of the repositories in scope (--repository GLOB: * within a path segment, ** \
            across segments; default every repository) that match --tag REGEX (default every tag). Any retain rule \
            keeps a candidate: --keep-last N (the N newest by --order), --keep-within DURATION (90d, 2w, 12h), \
            --keep-tag REGEX. Every other candidate is untagged, as the registry's untag does. A prune with no retain \
            rule is refused. Push time is when the tag's current/link was last written (mtime on disk, LastModified \
            on S3). cosign signature tags (sha256-<hex>.sig, .att, .sbom) are never candidates: they stay while their \
            manifest is stored. --untagged also removes the manifests nothing reaches afterwards (not tagged, not a \
            child of a kept index, not a referrer of a kept manifest), and their signature tags.

            --policy FILE gives the rules as YAML (see the README). Every prune is planned first and shown; --plan-out \
            FILE saves the plan with a fingerprint of every tag link read, and --apply FILE runs exactly that plan, \
            refusing when any of those tags moved since or when it was made for another store location \
            (--allow-other-store runs it anyway). Caps fail closed: a plan that leaves a repository in scope with no \
            tag needs --allow-empty; --max-delete N or P% limits the tags removed. With --apply the caps given are \
            checked against the saved plan, counted again in the store.

            Applying goes through the delete gate (storage.delete.enabled, --delete-enabled, --read-only), asks for \
            confirmation unless --yes, and writes one journal entry: `drydock undo ID` restores the whole prune. \
            Blobs stay until `drydock gc`.

            Exit status: 0 done (or planned), 1 refused or failed (a dry run that a cap would refuse too), 2 usage.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Repositories in scope (repeatable): * within a segment, ** across segments.", valueName: "GLOB"))
    var repository: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only tags matching this regular expression are candidates (repeatable).", valueName: "REGEX"))
    var tag: [String] = []

    @Option(name: .long, help: ArgumentHelp("Keep the N newest candidates of each repository.", valueName: "N"))
    var keepLast: Int?

    @Option(name: .long, help: ArgumentHelp("Keep candidates pushed within this long (90d, 2w, 12h, 1h30m).", valueName: "DURATION"))
    var keepWithin: String?

    @Option(name: .long, help: ArgumentHelp("Keep candidates matching this regular expression (repeatable).", valueName: "REGEX"))
    var keepTag: [String] = []

    @Option(name: .long, help: ArgumentHelp("What --keep-last counts as newest: pushed, created or semver.", valueName: "ORDER"))
    var order: String = TagOrder.pushed.rawValue

    @Option(name: .long, help: ArgumentHelp("Retention rules as YAML (instead of the rule flags).", valueName: "FILE"))
    var policy: String?

    @Flag(name: .long, help: "Also remove the manifests nothing reaches once the tags are gone.")
    var untagged = false

    @OptionGroup var runMode: RunModeOptions<PlannedDeleteHelp>

    @Option(name: .long, help: ArgumentHelp("Write the plan, with a fingerprint of every tag link read, to FILE; change nothing.", valueName: "FILE"))
    var planOut: String?

    @Option(name: .long, help: ArgumentHelp("Apply the plan saved in FILE by --plan-out, if nothing it read has moved.", valueName: "FILE"))
    var apply: String?

    @Option(name: .long, help: ArgumentHelp("Refuse a plan that removes more than N tags, or P% of the tags in scope.", valueName: "N|P%"))
    var maxDelete: String?

    @Flag(name: .long, help: "Allow a plan that leaves a repository in scope with no tag.")
    var allowEmpty = false

    @Flag(name: .long, help: "With --apply: run a plan made for another store location (moved, or mounted elsewhere).")
    var allowOtherStore = false

    @OptionGroup var target: StoreArgument
    @OptionGroup var deleteOptions: DeleteOptions

    private var ruleFlagsGiven: Bool {
        !repository.isEmpty || !tag.isEmpty || keepLast != nil || keepWithin != nil || !keepTag.isEmpty || order != TagOrder.pushed.rawValue
    }

    func validate() throws {
        try target.requireStore(command: "prune")
        if let apply {
            if ruleFlagsGiven || policy != nil || untagged || planOut != nil {
                throw ValidationError("--apply \(SafeText.escaping(apply)) runs the saved plan as it is: give no rules, --untagged or --plan-out with it")
            }
            if runMode.dryRun { throw ValidationError("--apply and --dry-run contradict each other") }
            _ = try caps()
            return
        }
        if allowOtherStore { throw ValidationError("--allow-other-store goes with --apply") }
        if policy != nil, ruleFlagsGiven { throw ValidationError("give rule flags or --policy, not both") }
        if planOut != nil, runMode.dryRun { throw ValidationError("--plan-out changes nothing already; drop --dry-run") }
        _ = try caps()
        _ = try ruleSets()
    }

    func caps() throws -> RetentionCaps {
        do {
            return RetentionCaps(maxDelete: try maxDelete.map { text throws(RetentionRuleError) in try RetentionCaps.MaxDelete(parsing: text) }, allowEmpty: allowEmpty)
        } catch {
            throw ValidationError("--max-delete: \(error)")
        }
    }

    /// The rule sets from the flags or the policy file; a bad pattern, duration or file is a usage error.
    func ruleSets() throws -> [RetentionRuleSet] {
        do {
            if let policy {
                let text: String
                do {
                    text = try String(contentsOfFile: policy, encoding: .utf8)
                } catch {
                    throw RetentionRuleError.policy("cannot read \(SafeText.escaping(policy)): \(error.localizedDescription)")
                }
                return try RetentionPolicyFile.parse(text)
            }
            guard let order = TagOrder(rawValue: order) else {
                throw RetentionRuleError.policy("--order \(SafeText.escaping(order)) is not one of pushed, created, semver")
            }
            if let n = keepLast, n < 0 { throw RetentionRuleError.invalidCount(String(n)) }
            return [
                try RetentionRuleSet(
                    repositories: try repository.map { p throws(RetentionRuleError) in try RepositoryGlob(p) },
                    tags: try tag.map { p throws(RetentionRuleError) in try TagPattern(p) },
                    keepLast: keepLast,
                    keepWithin: try keepWithin.map { d throws(RetentionRuleError) in (d, try RetentionDuration.seconds(d)) },
                    keepTags: try keepTag.map { p throws(RetentionRuleError) in try TagPattern(p) },
                    order: order)
            ]
        } catch let error as RetentionRuleError {
            throw ValidationError(error.description)
        }
    }

    mutating func run() async throws {
        let (dryRun, json, yes, storeWords) = (runMode.dryRun, runMode.json, runMode.yes, target.words)
        let registry = try await target.open()
        defer { SkippedKeysWarning.report(registry.driver) }
        let gate = deleteOptions.policy(for: registry, storeOptions: target.options)
        let changes = !dryRun && planOut == nil
        // Only a dry run may plan from cached facts: a plan written out (--plan-out) is applied later.
        registry.trustsCachedFacts = dryRun
        if changes, let refusal = gate.refusal { try CommandExit.refuse(refusal) }

        let saved = try apply.map(readPlan)
        if let saved, !allowOtherStore, let mismatch = saved.mismatch(appliedTo: registry.driver.location) {
            try CommandExit.refuse("\(mismatch); nothing was changed. Pass --allow-other-store if it is the same store moved or mounted elsewhere")
        }
        let rules = saved == nil ? try ruleSets() : []
        let needsConfigs = rules.contains { $0.order == .created }
        let progress = isatty(2) == 1 && !json
        let all = try await load(registry, detail: needsConfigs ? .listing : .marking, progress: progress)
        let inScope = saved.map { s in Set(s.plan.repositories.map(\.name)) }
        let scoped = all.filter { repo in inScope.map { $0.contains(repo.name) } ?? rules.contains { $0.covers(repository: repo.name) } }
        var read: [String: [TagFingerprint]] = [:]
        for (i, repo) in scoped.enumerated() {
            if progress && (i % 50 == 0 || i == scoped.count - 1) { FileHandleOutput.progress("read tag links of \(i + 1)/\(scoped.count) repositories") }
            read[repo.name] = await TagLinkReader.fingerprints(repo, driver: registry.driver)
        }
        if progress { FileHandleOutput.progress(nil) }

        let plan: RetentionPlan
        if let saved {
            let moved = saved.plan.changes(current: read, repositories: scoped)
            if !moved.isEmpty {
                try CommandExit.refuse("the store changed since the plan was made; nothing was changed:\n" + moved.map { "  " + $0 }.joined(separator: "\n"))
            }
            // The caps and the report count what is stored, not what the file says.
            plan = saved.plan.recounted(against: scoped)
        } else {
            plan = RetentionPlan.make(all, rules: rules, fingerprints: read, untagged: untagged, now: Date())
        }
        let deleter = StoreDeleter(store: registry, policy: gate)
        let deletePlan: DeletePlan?
        do {
            deletePlan = plan.isEmpty ? nil : try deleter.plan(plan.deleteTargets, repositories: all)
        } catch {
            try CommandExit.fail("\(error)")
        }
        var report = PruneReport(plan: plan, deletePlan: deletePlan, dryRun: !changes)
        report.gc = "drydock gc " + storeWords
        if !json { FileHandleOutput.standardOutput(PruneReport.text(plan, deletePlan: deletePlan, dryRun: !changes)) }

        // A saved plan is capped as a fresh one: the caps given now, over the plan as recounted.
        var refusals = try caps().refusals(plan)
        if deletePlan?.breaksPulls == true {
            refusals.append("the prune would remove index children that kept tags need")
        }
        if !refusals.isEmpty {
            report.refusal = refusals.joined(separator: "; ")
            try CommandExit.refuse(refusals.joined(separator: "\n  "), report: json ? report : nil)
        }
        if let planOut {
            try writePlan(plan, to: planOut, location: registry.driver.location)
            if json { FileHandleOutput.json(JSONOutput.string(report)) } else { FileHandleOutput.standardOutput("Plan written to \(Shellish.quote(planOut)); apply it with: drydock prune \(storeWords) --apply \(Shellish.quote(planOut))") }
            return
        }
        guard changes, let deletePlan else {
            if json { FileHandleOutput.json(JSONOutput.string(report)) }
            if !json && deletePlan == nil { FileHandleOutput.standardOutput("Nothing to prune.") }
            return
        }
        try Confirm.require(
            yes: yes, question: "Remove \(plan.removedTagCount) tag(s) and \(plan.removedManifestCount) manifest(s) listed above?", what: "prune")
        let result: DeleteResult
        do {
            result = try await deleter.execute(deletePlan)
        } catch {
            try CommandExit.fail("\(error)")
        }
        report.executed = true
        report.journal = result.journalID
        if json {
            FileHandleOutput.json(JSONOutput.string(report))
        } else {
            FileHandleOutput.standardOutput("Pruned \(plan.removedTagCount) tag(s) and \(plan.removedManifestCount) manifest(s); journal entry \(result.journalID).")
            FileHandleOutput.standardOutput("Undo with: drydock undo \(storeWords) \(result.journalID)  (possible until a garbage collection sweeps the blobs)")
            FileHandleOutput.standardOutput("Free the space with: drydock gc \(storeWords)")
        }
    }

    private func load(_ registry: RegistryStore, detail: LoadDetail, progress: Bool) async throws -> [RepositoryContents] {
        let listing = try await StoreSelection.repositories(registry)
        let loaded = await registry.loadAll(listing.repositories, detail: detail, reduce: { $0 }) { done, total in
            if progress && (done % 50 == 0 || done == total) { FileHandleOutput.progress("indexed \(done)/\(total) repositories") }
        }
        return loaded
    }

    private func readPlan(_ path: String) throws -> PrunePlanFile {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("--apply \(SafeText.escaping(path)): a folder, not a plan file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("--apply \(SafeText.escaping(path)): cannot read it: \(SafeText.escaping(error.localizedDescription))")
        }
        do {
            return try PrunePlanFile.decode(data)
        } catch {
            throw ValidationError("--apply \(SafeText.escaping(path)): \(error.description)")
        }
    }

    private func writePlan(_ plan: RetentionPlan, to path: String, location: String) throws {
        // The location normalized, so --apply from another working directory compares like with like.
        let file = PrunePlanFile(store: StoreLocation.normalized(location), created: Date(), plan: plan)
        do {
            try file.encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            try CommandExit.fail("cannot write the plan to \(SafeText.escaping(path)): \(error.localizedDescription)")
        }
    }
}
