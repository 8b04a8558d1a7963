import ArgumentParser
import Foundation
import RegistryStorage

/// `drydock gc --online`: the online protocol (`OnlineCollector`) behind the command's refusals, confirmation and output.
struct OnlineGCRun {
    var registry: RegistryStore
    var policy: DeletePolicy
    var cache: RegistryCacheState
    var options: OnlineGCOptions
    var dryRun: Bool
    var json: Bool
    var yes: Bool

    func run() async throws {
        if let refusal = cache.refusal {
            FileHandleOutput.standardError("drydock: refused: online collection: \(refusal)")
            throw ExitCode(1)
        }
        if !dryRun, let refusal = policy.writeRefusal {
            FileHandleOutput.standardError("drydock: refused: \(refusal)")
            throw ExitCode(1)
        }
        // A wrong redis address, password or database stops the run here, before anything moves.
        if case .redis(let purger) = cache, let redis = purger as? RedisBlobDescriptorCache {
            do {
                try await redis.check()
            } catch {
                FileHandleOutput.standardError("drydock: refused: the registry's redis cache (\(redis.settings)) cannot be reached: \(error). Nothing was changed.")
                throw ExitCode(1)
            }
        }
        let collector = OnlineCollector(store: registry, policy: policy, cache: cache, options: options)
        let plan: OnlineGCPlan
        do {
            plan = try await collector.plan()
        } catch {
            FileHandleOutput.standardError("drydock: \(error)")
            throw ExitCode(1)
        }
        if dryRun {
            if json {
                FileHandleOutput.json(JSONOutput.string(OnlineGCReport(plan: plan, result: nil, options: options)))
            } else {
                FileHandleOutput.standardOutput(GCReport.text(plan.gc, dryRun: true))
                FileHandleOutput.standardOutput(Self.graceLine(plan, options))
            }
            guard plan.gc.blockers.isEmpty else {
                FileHandleOutput.standardError("drydock: a real run would refuse: \(DeleteError.blocked(plan.gc.blockers))")
                throw ExitCode(1)
            }
            return
        }
        guard plan.gc.blockers.isEmpty else {
            if !json { FileHandleOutput.standardOutput(GCReport.text(plan.gc, dryRun: false)) }
            FileHandleOutput.standardError("drydock: \(DeleteError.blocked(plan.gc.blockers))")
            throw ExitCode(1)
        }
        try Confirm.require(
            yes: yes,
            question: "Collect while the registry serves? \(plan.gc.blobs.count) blob(s) go into the quarantine (undo restores them until a later run deletes them).",
            what: "collect garbage online")
        let interrupt = SweepInterrupt(message: SweepInterrupt.onlineMessage)
        interrupt.install()
        defer { interrupt.uninstall() }
        var running = collector
        running.stopRequested = { interrupt.isRequested }
        let result: OnlineGCResult
        do {
            result = try await running.run(plan) { p in FileHandleOutput.standardError("drydock: \(p.message)") }
        } catch {
            FileHandleOutput.standardError("drydock: \(error)")
            throw ExitCode(1)
        }
        if json {
            FileHandleOutput.json(JSONOutput.string(OnlineGCReport(plan: plan, result: result, options: options)))
        } else {
            FileHandleOutput.standardOutput(Self.summary(plan, result, options))
        }
        if result.interrupted {
            FileHandleOutput.standardError("drydock: interrupted: \(result.quarantined.count) blob(s) quarantined before the stop; the next `gc --online` re-checks them\(result.journalID.map { " (`drydock undo \($0)` restores this run)" } ?? "")")
            throw ExitCode(130)
        }
    }

    static func graceLine(_ plan: OnlineGCPlan, _ options: OnlineGCOptions) -> String {
        "left alone (written within the \(Int(options.grace))s grace): \(plan.youngBlobs) blob(s), \(plan.youngManifests) untagged manifest(s)"
    }

    static func summary(_ plan: OnlineGCPlan, _ r: OnlineGCResult, _ options: OnlineGCOptions) -> String {
        var lines: [String] = []
        if let id = r.journalID {
            lines.append(
                "Online collection \(id): quarantined \(r.quarantined.count) blob(s) (\(ByteCount.format(r.quarantinedBytes))), "
                    + "unlinked \(r.manifestsUnlinked) manifest(s) and \(r.layerLinksRemoved) layer link(s).")
            lines.append("Restored (referenced again after T0): \(r.restoredBlobs.count) blob(s), \(r.restoredManifests.count) manifest(s).")
        } else {
            lines.append("Nothing new to collect.")
        }
        lines.append("Purged \(r.cacheKeysPurged) key(s) from the registry's cache.")
        lines.append(graceLine(plan, options))
        for s in r.skipped { lines.append("skipped: \(SafeText.escaping(s))") }
        if !r.finishedInterrupted.isEmpty {
            lines.append("Finished \(r.finishedInterrupted.count) earlier run(s) that stopped part way: \(r.finishedInterrupted.map(SafeText.escaping).joined(separator: ", ")).")
        }
        if !r.quarantinesChecked.isEmpty {
            lines.append(
                "Quarantines re-checked: \(r.quarantinesChecked.count); restored \(r.restoredFromEarlier.count) blob(s) referenced again, "
                    + "deleted \(r.deletedForGood.count) blob(s) for good (\(ByteCount.format(r.deletedBytes))).")
        }
        if let id = r.journalID, !r.quarantined.isEmpty {
            lines.append("`drydock undo \(id)` restores this collection, blobs included, until a run deletes its quarantine (after \(Int(options.quarantinePeriod))s).")
        }
        return lines.joined(separator: "\n")
    }
}

/// `drydock gc --online --json`.
struct OnlineGCReport: Encodable {
    var dryRun: Bool
    var online = true
    var deleteUntagged: Bool
    var graceSeconds: Double
    var quarantineSeconds: Double
    var candidates: Candidates
    var journal: String?
    var quarantined: [String]
    var quarantinedBytes: Int64
    var skipped: [String]
    var restoredBlobs: [String]
    var restoredManifests: [String]
    var cacheKeysPurged: Int
    var restoredFromEarlier: [String]
    var deletedForGood: [String]
    var deletedBytes: Int64
    var quarantinesChecked: [String]
    /// Earlier runs that stopped part way, finished by this run's re-check.
    var finishedInterrupted: [String]
    /// This run stopped on request (SIGINT, SIGTERM) before re-checking the quarantines (exit status 130).
    var interrupted: Bool
    var blockers: [String]

    struct Candidates: Encodable {
        var blobs: [String]
        var manifests: [GCReport.Ref]
        var layerLinks: Int
        var bytes: Int64
        var youngBlobs: Int
        var youngManifests: Int
    }

    init(plan: OnlineGCPlan, result: OnlineGCResult?, options: OnlineGCOptions) {
        dryRun = result == nil
        deleteUntagged = options.deleteUntagged
        graceSeconds = options.grace
        quarantineSeconds = options.quarantinePeriod
        candidates = Candidates(
            blobs: plan.gc.blobs.map(\.digest.description),
            manifests: plan.gc.manifests.map { GCReport.Ref(repository: $0.repository, digest: $0.digest.description) },
            layerLinks: plan.gc.layerLinks.count, bytes: plan.gc.bytes, youngBlobs: plan.youngBlobs, youngManifests: plan.youngManifests)
        let r = result ?? OnlineGCResult()
        journal = r.journalID
        quarantined = r.quarantined.map(\.description)
        quarantinedBytes = r.quarantinedBytes
        skipped = r.skipped
        restoredBlobs = r.restoredBlobs.map(\.description)
        restoredManifests = r.restoredManifests
        cacheKeysPurged = r.cacheKeysPurged
        restoredFromEarlier = r.restoredFromEarlier.map(\.description)
        deletedForGood = r.deletedForGood.map(\.description)
        deletedBytes = r.deletedBytes
        quarantinesChecked = r.quarantinesChecked
        finishedInterrupted = r.finishedInterrupted
        interrupted = r.interrupted
        blockers = plan.gc.blockers
    }
}
