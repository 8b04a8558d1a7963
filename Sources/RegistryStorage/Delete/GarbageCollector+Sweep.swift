import Foundation

/// How a real run removes its paths: in batches handed to `StorageDriver.delete(batch:)` (one DeleteObjects request
/// per thousand keys on S3), with the journal entry's checkpoint rewritten as batches complete, so that a run stopped
/// by a signal, a crash or a failed request can be resumed (`GarbageCollector.resume`).
public struct GCSweepOptions: Sendable {
    /// Paths per `delete(batch:)` call: S3's DeleteObjects limit.
    public var batchSize: Int
    /// The checkpoint is rewritten after a batch once this many seconds passed since the last write (0: after every
    /// batch), and always when the run stops. A journal entry holds every removed path, so rewriting it after each
    /// of 48 batches of a large run would cost more than the deletes on a filesystem.
    public var checkpointInterval: Double
    /// Asked before each batch; true stops the run cleanly (checkpoint written, `DeleteError.interrupted`).
    public var shouldStop: @Sendable () -> Bool

    public init(batchSize: Int = 1000, checkpointInterval: Double = 2, shouldStop: @escaping @Sendable () -> Bool = { false }) {
        self.batchSize = max(1, batchSize)
        self.checkpointInterval = checkpointInterval
        self.shouldStop = shouldStop
    }
}

extension GarbageCollector {
    /// Removes `work` (indexes into the entry's `removed`, in order), batch by batch within each phase, moving the
    /// checkpoint past each completed batch. A batch with failures stops the run: the checkpoint stays before it.
    func sweep(
        _ work: [(index: Int, item: GCRemovals.Item)], entry: inout JournalEntry, journal: Journal, options: GCSweepOptions,
        progress: @Sendable (GCProgress) -> Void
    ) async throws(DeleteError) {
        var lastWrite = Date()
        func checkpoint(_ done: Int, force: Bool) async throws(DeleteError) {
            entry.sweep?.done = done
            guard force || Date().timeIntervalSince(lastWrite) >= options.checkpointInterval else { return }
            try await journal.write(entry)
            lastWrite = Date()
        }
        let resume = "`drydock gc --resume \(entry.id)` finishes the run (it marks again first)"
        for phase in [GCRemovals.Phase.manifests, .layerLinks, .blobs] {
            let part = work.filter { $0.item.phase == phase }
            let total = part.count
            guard total > 0 else { continue }
            progress(GCProgress(phase: phase.progressPhase, done: 0, total: total))
            for start in stride(from: 0, to: total, by: options.batchSize) {
                let batch = part[start..<min(start + options.batchSize, total)]
                if options.shouldStop() {
                    try await checkpoint(entry.sweep?.done ?? 0, force: true)
                    throw .interrupted("stopped after \(entry.sweep?.done ?? 0) of \(entry.removed.count) removals; journal entry \(entry.id) holds the checkpoint: \(resume)")
                }
                let failures = await store.driver.delete(batch: batch.map { $0.item.path })
                if phase == .blobs {
                    store.blobCache.invalidate(Set(batch.compactMap { StoreEntry($0.item.path.appending("data")).flatMap(Self.blobDigest) }))
                }
                if let first = failures.first {
                    try await checkpoint(entry.sweep?.done ?? 0, force: true)
                    let more = failures.count > 1 ? " (and \(failures.count - 1) more in the batch)" : ""
                    throw .driver(first.error, done: "journal \(entry.id): \(entry.sweep?.done ?? 0) of \(entry.removed.count) removals done\(more); \(resume), or `drydock undo \(entry.id)` restores the links")
                }
                try await checkpoint((batch.last?.index ?? 0) + 1, force: false)
                progress(GCProgress(phase: phase.progressPhase, done: start + batch.count, total: total))
            }
        }
        entry.sweep?.done = entry.removed.count
    }

    static func blobDigest(_ entry: StoreEntry) -> Digest? {
        if case .blobData(let d) = entry { return d }
        return nil
    }
}
