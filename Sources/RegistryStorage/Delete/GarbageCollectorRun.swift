import Foundation

/// How far a garbage collection run is, for a progress line: `done` of `total` paths removed in `phase`.
public struct GCProgress: Sendable, Equatable {
    public enum Phase: String, Sendable {
        case manifests = "untagged manifests"
        case blobs
        case layerLinks = "layer links"
    }

    public var phase: Phase
    public var done: Int
    public var total: Int

    public var description: String { "removing \(phase.rawValue): \(done)/\(total)" }

    /// `swept 12 300/48 000 blobs · 2 100/s · ETA 17 s`, with the rate since the phase began.
    public func text(rate: ProgressRate, now: Date = Date()) -> String {
        switch phase {
        case .manifests: rate.text("vacuumed", done: done, total: total, unit: "manifest paths", now: now)
        case .layerLinks: rate.text("removed", done: done, total: total, unit: "layer links", now: now)
        case .blobs: rate.text("swept", done: done, total: total, unit: "blobs", now: now)
        }
    }
}

public struct GCResult: Sendable, Equatable {
    public var journalID: String
    public var manifestsRemoved: Int
    public var blobsRemoved: Int
    public var layerLinksRemoved: Int
    public var bytes: Int64
    /// A resumed run: paths of the plan that the fresh mark found referenced again, left in place.
    public var kept: [String] = []
}

extension GarbageCollector {
    /// Runs a plan: the manifests are vacuumed as the registry does (their tag history entries and their whole
    /// `revisions/<alg>/<hex>/` folder), then the `_layers` links of the blobs to sweep go, then the blobs (links
    /// before data: see `GCRemovals`). Everything is journaled first; the link files can be restored by undo while
    /// their blobs exist, swept blobs cannot. Removals go in batches (`GCSweepOptions`) and the journal entry keeps a
    /// checkpoint, so a run that stops part way can be resumed with `resume`.
    ///
    /// - Parameter registryStopped: the caller's confirmation that no registry writes to the store (stopped or
    ///   read-only): a push in progress has blobs no manifest references yet, and the sweep would delete them.
    public func collect(
        _ plan: GCPlan, policy: DeletePolicy, registryStopped: Bool, now: Date = Date(), options: GCSweepOptions = GCSweepOptions(),
        progress: @escaping @Sendable (GCProgress) -> Void = { _ in }
    ) async throws(DeleteError) -> GCResult {
        try policy.checkWrite()
        try store.requireVerifiedReads()
        guard registryStopped else {
            throw .notConfirmed("a garbage collection needs the registry stopped or in read-only mode (a push in progress would lose its blobs); confirm that it is")
        }
        guard plan.blockers.isEmpty else { throw .blocked(plan.blockers) }
        let removals = try GCRemovals(plan)
        let linkPaths = removals.paths(.manifests) + removals.paths(.layerLinks)
        let captured = try await RemovalCapture.capture(linkPaths, driver: store.driver)
        var entry = JournalEntry(
            id: JournalEntry.makeID(now), created: now, operation: .garbageCollection,
            targets: ["garbage collection\(plan.deleteUntagged ? " (delete untagged)" : "")"],
            links: captured.links, blobs: plan.blobs.map(\.digest.description), unrestorable: captured.unrestorable,
            removed: removals.items.map(\.path.description))
        entry.sweep = GCCheckpoint(
            deleteUntagged: plan.deleteUntagged, manifestLinks: removals.count(.manifests),
            layerLinks: removals.count(.layerLinks), plannedBytes: plan.bytes)
        let journal = Journal(driver: store.driver)
        try await journal.write(entry)
        try await sweep(removals.items.enumerated().map { (index: $0.offset, item: $0.element) }, entry: &entry, journal: journal, options: options, progress: progress)
        entry.completed = true
        try await journal.write(entry)
        return GCResult(
            journalID: entry.id, manifestsRemoved: plan.manifests.count, blobsRemoved: plan.blobs.count,
            layerLinksRemoved: removals.count(.layerLinks), bytes: plan.bytes)
    }
}
