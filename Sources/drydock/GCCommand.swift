import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RegistryStorage

struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Collect garbage: remove unreferenced blobs (and, with --delete-untagged, untagged manifests).",
        discussion: """
            Marks and sweeps as `docker-registry garbage-collect` does, but keeps what that collector would wrongly \
            remove: children of a tagged index and OCI referrers of kept manifests (with --delete-untagged), manifests \
            linked under _layers by registries up to 2.1.0, and their schema1 signatures. It also removes the _layers \
            links of swept blobs, as registry 3.0 does.

            Run it only with the registry stopped or read-only: a push in progress has blobs no manifest references yet. \
            A real run asks for that confirmation (--yes in scripts) and journals what it removes; swept blobs cannot \
            be restored. Like the registry's collector it ignores storage.delete.enabled; --read-only and \
            storage.maintenance.readonly.enabled refuse a real run.

            Anything the walk skipped or could not read blocks a real run, and makes the dry run exit 1: a symlink \
            not followed under repositories/ or on a manifest blob, an unreadable or non-regular manifest, link or \
            folder. What lies there is unknown, so the sweep would delete the blobs only it references. The blockers \
            are named; --follow-symlinks collects a store spread over symlinks on purpose.

            Exit status: 0 done, 1 refused (blocked, also for --dry-run) or failed, 2 usage.
            """
    )

    @Flag(name: .long, help: "Show what would be removed and the bytes freed; change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Also remove manifests no tag points at (index children and referrers of kept manifests stay).")
    var deleteUntagged = false

    @Flag(name: .long, help: "Print JSON: {blobs, manifests, layerLinks, bytes, ...}.")
    var json = false

    @Flag(name: .long, help: "Confirm that the registry is stopped or read-only; do not ask.")
    var yes = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var deleteOptions: DeleteOptions

    @Argument(help: ArgumentHelp("The store root (folder holding docker/registry/v2) or s3://BUCKET/ROOTDIRECTORY; omit with --config.", valueName: "STORE"))
    var store: String?

    mutating func run() async throws {
        if storeOptions.config != nil, store != nil { throw ValidationError("give either STORE or --config, not both") }
        let registry = try await storeOptions.open(store: store)
        defer { SkippedKeysWarning.report(registry.driver) }
        let policy = deleteOptions.policy(for: registry, storeOptions: storeOptions)
        if deleteOptions.deleteEnabled {
            FileHandleOutput.standardError("drydock: note: gc does not consult storage.delete.enabled (nor does the registry's garbage-collect); --delete-enabled changes nothing here")
        }
        if !dryRun, let refusal = policy.writeRefusal {
            try CommandExit.refuse(refusal)
        }
        let collector = GarbageCollector(store: registry)
        let progress = isatty(2) == 1
        let plan: GCPlan
        do {
            plan = try await collector.plan(deleteUntagged: deleteUntagged) { done, total in
                if progress && (done % 50 == 0 || done == total) { FileHandleOutput.progress("indexed \(done)/\(total) repositories") }
            }
            if progress { FileHandleOutput.progress(nil) }
        } catch {
            if progress { FileHandleOutput.progress(nil) }
            try CommandExit.fail("\(error)")
        }
        if dryRun {
            if json { FileHandleOutput.json(JSONOutput.string(GCReport(plan, dryRun: true, journal: nil))) } else { FileHandleOutput.standardOutput(GCReport.text(plan, dryRun: true)) }
            // A dry run of a store that cannot be collected says so in its status too.
            guard plan.blockers.isEmpty else {
                try CommandExit.fail("a real run would refuse: \(DeleteError.blocked(plan.blockers))")
            }
            return
        }
        if !json { FileHandleOutput.standardOutput(GCReport.text(plan, dryRun: false)) }
        guard plan.blockers.isEmpty else {
            try CommandExit.fail("\(DeleteError.blocked(plan.blockers))")
        }
        if plan.isEmpty {
            if json { FileHandleOutput.json(JSONOutput.string(GCReport(plan, dryRun: false, journal: nil))) } else { FileHandleOutput.standardOutput("Nothing to collect.") }
            return
        }
        try Confirm.require(
            yes: yes,
            question: "Is the registry stopped or read-only? Swept blobs cannot be restored (undo brings back links only).",
            what: "collect garbage")
        do {
            let showProgress = !json && isatty(2) == 1
            let result = try await collector.collect(plan, policy: policy, registryStopped: true) { p in
                if showProgress { FileHandleOutput.progress(p.description) }
            }
            if showProgress { FileHandleOutput.progress(nil) }
            if json {
                FileHandleOutput.json(JSONOutput.string(GCReport(plan, dryRun: false, journal: result.journalID)))
            } else {
                FileHandleOutput.standardOutput("Removed \(result.manifestsRemoved) manifest(s), \(result.blobsRemoved) blob(s) (\(ByteCount.format(result.bytes))) and \(result.layerLinksRemoved) layer link(s); journal entry \(result.journalID).")
                FileHandleOutput.standardOutput("Blob deletion cannot be undone; `drydock undo` restores only links whose blobs still exist.")
            }
        } catch {
            try CommandExit.fail("\(error)")
        }
    }
}
