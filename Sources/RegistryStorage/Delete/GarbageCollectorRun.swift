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
}

public struct GCResult: Sendable, Equatable {
    public var journalID: String
    public var manifestsRemoved: Int
    public var blobsRemoved: Int
    public var layerLinksRemoved: Int
    public var bytes: Int64
}

extension GarbageCollector {
    /// Runs a plan: the manifests are vacuumed as the registry does (their tag history entries and their whole
    /// `revisions/<alg>/<hex>/` folder), then the unmarked blobs are swept, then the `_layers` links of swept blobs go.
    /// Everything is journaled first; the link files can be restored by undo while their blobs exist, swept blobs cannot.
    ///
    /// - Parameter registryStopped: the caller's confirmation that no registry writes to the store (stopped or
    ///   read-only): a push in progress has blobs no manifest references yet, and the sweep would delete them.
    public func collect(
        _ plan: GCPlan, policy: DeletePolicy, registryStopped: Bool, now: Date = Date(),
        progress: @escaping @Sendable (GCProgress) -> Void = { _ in }
    ) async throws(DeleteError) -> GCResult {
        try policy.checkWrite()
        guard registryStopped else {
            throw .notConfirmed("a garbage collection needs the registry stopped or in read-only mode (a push in progress would lose its blobs); confirm that it is")
        }
        guard plan.blockers.isEmpty else { throw .blocked(plan.blockers) }

        var linkPaths: [StoragePath] = []
        for m in plan.manifests {
            for tag in m.tagIndexEntries where StoragePath.isSafeComponent(tag) {
                linkPaths.append(StoreLayout.tagIndexDirectory(m.repositoryPath, tag, m.digest))
            }
            linkPaths.append(StoreLayout.revisionDirectory(m.repositoryPath, m.digest))
            if m.seedEraLink { linkPaths.append(StoreLayout.layerLink(m.repositoryPath, m.digest)) }
        }
        let swept = Set(plan.blobs.map(\.digest))
        let vacuumed = Set(linkPaths)
        let layerPaths = plan.layerLinks.map { StoreLayout.layerLink($0.repositoryPath, $0.digest) }
            .filter { !vacuumed.contains($0) }
        let blobPaths = plan.blobs.map { StoreLayout.blobDirectory($0.digest) }
        for p in linkPaths + layerPaths where !(p.hasPrefix(StoreLayout.repositories) && p.components.count > 1) {
            throw .invalidTarget("refusing to remove \(p): not inside a repository")
        }

        let captured = try await RemovalCapture.capture(linkPaths + layerPaths, driver: store.driver)
        var entry = JournalEntry(
            id: JournalEntry.makeID(now), created: now, operation: .garbageCollection,
            targets: ["garbage collection\(plan.deleteUntagged ? " (delete untagged)" : "")"],
            links: captured.links, blobs: plan.blobs.map(\.digest.description), unrestorable: captured.unrestorable,
            removed: (linkPaths + blobPaths + layerPaths).map(\.description))
        let journal = Journal(driver: store.driver)
        try await journal.write(entry)
        // A progress report every 1% (and at the ends) keeps a terminal line or the browser's banner current.
        func reporter(_ phase: GCProgress.Phase, _ total: Int) -> (Int) -> Void {
            let step = max(1, total / 100)
            return { done in if done % step == 0 { progress(GCProgress(phase: phase, done: done, total: total)) } }
        }
        try await RemovalCapture.remove(linkPaths, driver: store.driver, journalID: entry.id, progress: reporter(.manifests, linkPaths.count))
        try await RemovalCapture.remove(blobPaths, driver: store.driver, journalID: entry.id, progress: reporter(.blobs, blobPaths.count))
        store.blobCache.invalidate(swept)
        try await RemovalCapture.remove(layerPaths, driver: store.driver, journalID: entry.id, progress: reporter(.layerLinks, layerPaths.count))
        progress(GCProgress(phase: .layerLinks, done: layerPaths.count, total: layerPaths.count))
        entry.completed = true
        try await journal.write(entry)
        return GCResult(
            journalID: entry.id, manifestsRemoved: plan.manifests.count, blobsRemoved: plan.blobs.count,
            layerLinksRemoved: layerPaths.count, bytes: plan.bytes)
    }
}
