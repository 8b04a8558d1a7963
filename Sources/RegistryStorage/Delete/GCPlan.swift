/// What a garbage collection would remove (`GarbageCollector.plan`), for `--dry-run`, `--json` and the UI.
public struct GCPlan: Sendable, Equatable {
    public struct ManifestDeletion: Sendable, Equatable {
        public internal(set) var repository: String
        public internal(set) var repositoryPath: StoragePath
        public internal(set) var digest: Digest
        /// Tags whose history (`index/`) lists the manifest: those entries go too.
        public internal(set) var tagIndexEntries: [String]
        /// Also linked under `_layers` (seed era): that link goes too.
        public internal(set) var seedEraLink: Bool
    }

    public struct Blob: Sendable, Equatable {
        public internal(set) var digest: Digest
        public internal(set) var size: Int64?
    }

    public struct LayerLinkDeletion: Sendable, Equatable {
        public internal(set) var repository: String
        public internal(set) var repositoryPath: StoragePath
        public internal(set) var digest: Digest
    }

    public internal(set) var deleteUntagged: Bool
    public internal(set) var markedCount: Int
    public internal(set) var manifests: [ManifestDeletion] = []
    public internal(set) var blobs: [Blob] = []
    /// `_layers` links of swept blobs (registry 3.0 removes them too).
    public internal(set) var layerLinks: [LayerLinkDeletion] = []
    public internal(set) var bytes: Int64 = 0
    /// Manifests registry 2.8.2's own collector would delete that Drydock keeps.
    public internal(set) var keptAgainstRegistry: [DeletePlan.ManifestRef] = []
    /// Blobs registry 2.8.2's own collector would sweep that Drydock keeps.
    public internal(set) var blobsKeptAgainstRegistry: [Digest] = []
    /// Reasons a real run is refused.
    public internal(set) var blockers: [String] = []
    public internal(set) var notes: [String] = []

    init(deleteUntagged: Bool, markedCount: Int) {
        self.deleteUntagged = deleteUntagged
        self.markedCount = markedCount
    }

    public var isEmpty: Bool { manifests.isEmpty && blobs.isEmpty && layerLinks.isEmpty }
}
