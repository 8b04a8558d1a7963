import Foundation

/// Resuming a garbage collection that stopped part way (signal, crash, failed request): its journal entry says what
/// the run planned and how far it got. The store may have changed since (a push, a retag), so the resumed run marks
/// again and removes only what the fresh plan also removes: what is referenced now stays (listed as `kept`).
extension GarbageCollector {
    /// What a resumption would do, read from the entry and a fresh plan. Reads only.
    public struct Resumption: Sendable {
        public let entry: JournalEntry
        /// The fresh plan, in the run's mode (its blockers refuse the resumption).
        public let plan: GCPlan
        /// Removals left, in order, each with its index in the entry's `removed`.
        let work: [(index: Int, item: GCRemovals.Item)]
        /// Paths left that the fresh plan no longer removes: referenced again since the run stopped.
        public let kept: [String]

        public var remaining: Int { work.count }
        public var done: Int { entry.sweep?.done ?? 0 }
    }

    /// Reads the entry `id` and checks that it is an unfinished collection with a sound checkpoint; then marks the
    /// store again. A forged or damaged entry is refused before anything is read from the store, with what is wrong.
    public func prepareResume(_ id: String, onLoaded: (Int, Int) -> Void = { _, _ in }) async throws(DeleteError) -> Resumption {
        try store.requireVerifiedReads()
        let journal = Journal(driver: store.driver)
        let entry = try await journal.entry(id)
        let name = "journal entry \(SafeText.escaping(id))"
        func refuse(_ why: String) -> DeleteError { .journal("\(name) \(why); nothing was changed") }
        guard entry.operation == .garbageCollection else { throw refuse("is not a garbage collection (it is \(entry.operation.rawValue))") }
        guard !entry.isUndone else { throw refuse("was undone") }
        guard !entry.completed else { throw refuse("is a collection that finished: nothing to resume") }
        guard let checkpoint = entry.sweep else {
            throw refuse("has no checkpoint (written by a Drydock before runs were resumable): run `drydock gc` again instead")
        }
        guard (0...entry.removed.count).contains(checkpoint.done) else {
            throw refuse("is damaged or forged: its checkpoint says \(checkpoint.done) of \(entry.removed.count) removals are done")
        }
        let removals: GCRemovals
        switch GCRemovals.read(removed: entry.removed, blobs: entry.blobs, manifestLinks: checkpoint.manifestLinks, layerLinks: checkpoint.layerLinks) {
        case .success(let r): removals = r
        case .failure(let f):
            let what = f.index.map { "removal \($0 + 1), \(SafeText.escaping(f.path)), is nothing a collection removes" } ?? SafeText.escaping(f.path)
            throw refuse("is damaged or forged: \(what)")
        }
        let fresh = try await plan(deleteUntagged: checkpoint.deleteUntagged, onLoaded: onLoaded)
        guard fresh.blockers.isEmpty else { throw .blocked(fresh.blockers) }
        let now = Set(try GCRemovals(fresh).items.map(\.path))
        var work: [(index: Int, item: GCRemovals.Item)] = []
        var kept: [String] = []
        for (i, item) in removals.items.enumerated().dropFirst(checkpoint.done) {
            if now.contains(item.path) {
                work.append((i, item))
            } else if await exists(item.path) {
                // Still there, and no longer garbage: referenced again since the run stopped.
                kept.append(item.path.description)
            }
        }
        return Resumption(entry: entry, plan: fresh, work: work, kept: kept)
    }

    /// Finishes the run `prepareResume` read, in the same journal entry (so one undo restores the whole run).
    public func resume(
        _ resumption: Resumption, policy: DeletePolicy, registryStopped: Bool, now: Date = Date(),
        options: GCSweepOptions = GCSweepOptions(), progress: @escaping @Sendable (GCProgress) -> Void = { _ in }
    ) async throws(DeleteError) -> GCResult {
        try policy.checkWrite()
        try store.requireVerifiedReads()
        guard registryStopped else {
            throw .notConfirmed("resuming a garbage collection needs the registry stopped or in read-only mode; confirm that it is")
        }
        var entry = resumption.entry
        entry.sweep?.kept += resumption.kept
        entry.sweep?.resumed.append(now)
        let journal = Journal(driver: store.driver)
        try await journal.write(entry)
        try await sweep(resumption.work, entry: &entry, journal: journal, options: options, progress: progress)
        entry.completed = true
        try await journal.write(entry)
        let kept = Set(entry.sweep?.kept ?? [])
        let checkpoint = entry.sweep
        let manifestLinks = checkpoint?.manifestLinks ?? 0, layerLinks = checkpoint?.layerLinks ?? 0
        func removed(_ part: ArraySlice<String>) -> [String] { part.filter { !kept.contains($0) } }
        let revisions = removed(entry.removed.prefix(manifestLinks)).filter { $0.contains("/_manifests/revisions/") }.count
        let layerDone = removed(entry.removed.dropFirst(manifestLinks).prefix(layerLinks)).count
        let blobsDone = removed(entry.removed.dropFirst(manifestLinks + layerLinks)).count
        var bytes = checkpoint?.plannedBytes ?? 0
        for path in kept {
            // Kept blobs are stored (referenced again), so their size can be read back.
            let parts = path.split(separator: "/").map(String.init)
            if parts.first == "blobs", let dir = StoragePath(validating: parts),
                let info = try? await store.driver.withRetries({ try await store.driver.stat(dir.appending("data")) }) {
                bytes -|= info.size
            }
        }
        return GCResult(
            journalID: entry.id, manifestsRemoved: revisions, blobsRemoved: blobsDone, layerLinksRemoved: layerDone,
            bytes: max(0, bytes), kept: entry.sweep?.kept ?? [])
    }

    private func exists(_ path: StoragePath) async -> Bool {
        do {
            _ = try await store.driver.withRetries { try await store.driver.stat(path) }
            return true
        } catch {
            return false
        }
    }
}
