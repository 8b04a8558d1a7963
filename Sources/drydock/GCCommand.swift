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
            With --config, a real run first asks the configuration's http.addr for /v2/ and is refused if anything \
            answers (--registry-stopped when that address is another server). \
            A real run asks for that confirmation (--yes in scripts) and journals what it removes; swept blobs cannot \
            be restored. Like the registry's collector it ignores storage.delete.enabled; --read-only and \
            storage.maintenance.readonly.enabled refuse a real run.

            Anything the walk skipped or could not read blocks a real run, and makes the dry run exit 1: a symlink \
            not followed under repositories/ or on a manifest blob, an unreadable or non-regular manifest, link or \
            folder. What lies there is unknown, so the sweep would delete the blobs only it references. The blockers \
            are named; --follow-symlinks collects a store spread over symlinks on purpose.

            --online collects while the registry serves pushes: nothing written within --grace is touched, candidate \
            blobs are unlinked and moved into a quarantine inside the store (not deleted), the registry's redis cache \
            is purged, and after a short settle everything referenced again is restored. Quarantined data is deleted \
            for good by a later run once older than --quarantine, after the same re-check; until then `drydock undo` \
            restores the collection, blobs included. It is refused when the registry caches blob descriptors in memory, \
            and with a bare STORE (no configuration to check the cache in) unless --no-cache-check vouches that the \
            registry runs without a cache. The protocol is described in the README.

            A real run removes in batches (one DeleteObjects request per thousand keys on S3) and keeps a checkpoint \
            in its journal entry. A run stopped part way (SIGINT or SIGTERM after the current batch, a crash, a failed \
            request) is finished with --resume ID: the store is marked again first, and what is referenced now stays.

            Exit status: 0 done, 1 refused (blocked, also for --dry-run) or failed, 2 usage, 130 interrupted (resumable).
            """
    )

    @OptionGroup var runMode: RunModeOptions<CollectionHelp>

    @Flag(name: .long, help: "Also remove manifests no tag points at (index children and referrers of kept manifests stay).")
    var deleteUntagged = false

    @Flag(name: .long, help: "Collect while the registry serves pushes (quarantine, re-check, restore; see the README).")
    var online = false

    @Option(name: .long, help: ArgumentHelp("--online: leave alone anything written within DURATION (2s, 30m, 1h, 2d). Default 1h.", valueName: "DURATION"))
    var grace: String?

    @Option(name: .long, help: ArgumentHelp("--online: delete quarantined data for good once older than DURATION. Default 24h.", valueName: "DURATION"))
    var quarantine: String?

    @Option(name: .long, help: ArgumentHelp("--online: wait DURATION between quarantining and the re-scan; longer than a registry request. Default 2s.", valueName: "DURATION"))
    var settle: String?

    @Flag(name: .long, help: "--online with a bare STORE: vouch that the registry runs with no blob-descriptor cache (no storage.cache).")
    var noCacheCheck = false

    @Option(name: .long, help: ArgumentHelp("Finish the collection of journal entry ID that stopped part way (marks again first).", valueName: "ID"))
    var resume: String?

    @Flag(name: .long, help: "Offline with --config: run although the configuration's http.addr answers (it is not this registry).")
    var registryStopped = false

    @OptionGroup var target: StoreArgument
    @OptionGroup var deleteOptions: GCWriteOptions
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        try target.requireStore(command: "gc")
        if resume != nil, online || runMode.dryRun || deleteUntagged {
            throw ValidationError("--resume goes with neither --online, --dry-run nor --delete-untagged (it resumes in the mode the run had)")
        }
        if online && registryStopped { throw ValidationError("--registry-stopped goes with an offline run, not --online") }
        if !online {
            for (given, name) in [(grace != nil, "--grace"), (quarantine != nil, "--quarantine"), (settle != nil, "--settle"), (noCacheCheck, "--no-cache-check")] where given {
                throw ValidationError("\(name) goes with --online")
            }
        }
        for (text, name) in [(grace, "--grace"), (quarantine, "--quarantine"), (settle, "--settle")] {
            if let text, (try? RetentionDuration.seconds(text)) == nil {
                throw ValidationError("\(name): not a duration: \(text) (use e.g. 2s, 30m, 1h, 2d)")
            }
        }
    }

    /// The options of an online run, from the flags (already validated).
    var onlineOptions: OnlineGCOptions {
        func seconds(_ text: String?, _ fallback: Double) -> Double { text.flatMap { try? RetentionDuration.seconds($0) } ?? fallback }
        let settleSeconds = seconds(settle, 2)
        return OnlineGCOptions(
            grace: seconds(grace, OnlineGCOptions.defaultGrace), quarantinePeriod: seconds(quarantine, OnlineGCOptions.defaultQuarantinePeriod),
            settle: .milliseconds(Int64(settleSeconds * 1000)), deleteUntagged: deleteUntagged)
    }

    mutating func run() async throws {
        let (dryRun, json, yes) = (runMode.dryRun, runMode.json, runMode.yes)
        let registry = try await target.open()
        // A dry run deletes nothing, so it may mark from cached facts; a real run marks from hashed bytes only.
        registry.trustsCachedFacts = dryRun
        defer { SkippedKeysWarning.report(registry.driver) }
        let policy = deleteOptions.policy(for: registry, storeOptions: target.options)
        if deleteOptions.deleteEnabled {
            FileHandleOutput.standardError("drydock: note: gc does not consult storage.delete.enabled (nor does the registry's garbage-collect); --delete-enabled changes nothing here")
        }
        if online {
            let cache = OnlineGCCache.state(of: registry, noCacheCheck: noCacheCheck)
            try await OnlineGCRun(
                registry: registry, policy: policy, cache: cache, options: onlineOptions, dryRun: dryRun, json: json, yes: yes
            ).run()
            return
        }
        if !dryRun, let refusal = policy.writeRefusal {
            try CommandExit.refuse(refusal)
        }
        if !dryRun, !registryStopped, let configuration = registry.configuration,
            case .answering(let url, let status) = await RegistryLiveness.probe(configuration.http)
        {
            // storage-format §7.4: a push in progress has blobs nothing references yet; a sweep now deletes them.
            FileHandleOutput.standardError(
                "drydock: refused: a registry answers \(url) (HTTP \(status)), the http.addr of \(SafeText.escaping(target.options.config ?? "the configuration")): "
                    + "an offline collection would sweep the blobs of pushes in progress. Stop the registry (or make it read-only), "
                    + "or run `drydock gc --online`; pass --registry-stopped only if that address is not this registry. Nothing was changed.")
            throw ExitCode(1)
        }
        if let resume {
            try await GCResumeRun(registry: registry, policy: policy, id: resume, json: json, yes: yes, progressOptions: progressOptions).run()
            return
        }
        if !dryRun { await GCUnfinishedRuns.note(registry) }
        let collector = GarbageCollector(store: registry)
        let progress = progressOptions.line()
        let plan: GCPlan
        do {
            plan = try await collector.plan(deleteUntagged: deleteUntagged) { done, total in
                progress.update("indexed \(done)/\(total) repositories")
            }
            progress.finish()
        } catch {
            progress.finish()
            try CommandExit.fail("\(error)")
        }
        if dryRun {
            if json { FileHandleOutput.jsonBytes(GCReport.json(plan, dryRun: true, journal: nil)) } else { FileHandleOutput.standardOutput(GCReport.text(plan, dryRun: true)) }
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
            if json { FileHandleOutput.jsonBytes(GCReport.json(plan, dryRun: false, journal: nil)) } else { FileHandleOutput.standardOutput("Nothing to collect.") }
            return
        }
        try Confirm.require(
            yes: yes,
            question: "Is the registry stopped or read-only? Swept blobs cannot be restored (undo brings back links only).",
            what: "collect garbage")
        let interrupt = SweepInterrupt()
        interrupt.install()
        defer { interrupt.uninstall() }
        let sweep = SweepProgress(progressOptions.line())
        do {
            let result = try await collector.collect(
                plan, policy: policy, registryStopped: true, options: GCSweepOptions(shouldStop: { interrupt.isRequested })
            ) { sweep.update($0) }
            sweep.finish()
            if json {
                FileHandleOutput.jsonBytes(GCReport.json(plan, dryRun: false, journal: result.journalID))
            } else {
                FileHandleOutput.standardOutput("Removed \(result.manifestsRemoved) manifest(s), \(result.blobsRemoved) blob(s) (\(ByteCount.format(result.bytes))) and \(result.layerLinksRemoved) layer link(s); journal entry \(result.journalID).")
                FileHandleOutput.standardOutput("Blob deletion cannot be undone; `drydock undo` restores only links whose blobs still exist.")
            }
        } catch {
            sweep.finish()
            try GCSweepFailure.exit(error)
        }
    }
}
