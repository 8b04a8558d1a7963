import Foundation

/// How far a garbage collection's removals got, kept in its journal entry so an interrupted run can be resumed
/// (`GarbageCollector.resume`) instead of started over. Rewritten as batches complete; a checkpoint that lags
/// behind the store is harmless, since a resumed run removes only what a fresh mark still finds unreferenced.
public struct GCCheckpoint: Codable, Sendable, Equatable {
    /// The mode of the run, which its resumption marks with again.
    public var deleteUntagged: Bool
    /// `removed[0..<done]` are removed, or were kept by a resumed run's re-check (listed in `kept`).
    public var done: Int
    /// Where the phases of `removed` end: the first `manifestLinks` paths vacuum manifests, the next `layerLinks`
    /// are `_layers` links of swept blobs, the rest blob folders.
    public var manifestLinks: Int
    public var layerLinks: Int
    /// The bytes of the blobs the run planned to sweep.
    public var plannedBytes: Int64
    /// Paths of the plan a resumed run left in place because a fresh mark found them referenced again.
    public var kept: [String]
    /// When the run was resumed, once per resumption.
    public var resumed: [Date]

    public init(deleteUntagged: Bool, manifestLinks: Int, layerLinks: Int, plannedBytes: Int64) {
        self.deleteUntagged = deleteUntagged
        self.manifestLinks = manifestLinks
        self.layerLinks = layerLinks
        self.done = 0
        self.plannedBytes = plannedBytes
        self.kept = []
        self.resumed = []
    }
}
