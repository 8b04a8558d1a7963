import RegistryStorage

/// Where the store's space goes: the repositories that hold the most, the layers shared most, and what each kind of
/// garbage collection would free. Pure: built from the repositories the browser read and the index over them.
public struct SpaceReport: Equatable, Sendable {
    public struct RepositoryUse: Equatable, Sendable {
        public var name: String
        /// Bytes only this repository references: what deleting it (then a gc) frees (`StoreIndex.RepositorySizes`).
        public var unique: Int64
        public var total: Int64
    }

    public struct SharedBlob: Equatable, Sendable {
        public var digest: Digest
        public var size: Int64
        public var repositories: Int
        public var manifests: Int
    }

    /// Largest first by unique bytes (what removing the repository gives back), then by total, then by name.
    public var largest: [RepositoryUse]
    /// Blobs manifests reference (layers, configs) that more than one manifest uses: most repositories first, then
    /// most manifests, then the largest.
    public var shared: [SharedBlob]
    /// Distinct blobs the repositories reference, and their bytes (each blob counted once however many use it).
    public var referencedBlobs: Int
    public var referencedBytes: Int64

    /// The report over `repositories` (by name) and their `index`; `limit` rows per list.
    public static func make(_ repositories: [String: RepositoryContents], index: StoreIndex, limit: Int = 10) -> SpaceReport {
        var uses = index.sizes.map { RepositoryUse(name: $0.key, unique: $0.value.unique, total: $0.value.total) }
        uses.sort { a, b in
            if a.unique != b.unique { return a.unique > b.unique }
            if a.total != b.total { return a.total > b.total }
            return a.name < b.name
        }
        // Sizes of every referenced blob, each once: a blob's size is the same in every repository that links it.
        var sizes: [Digest: Int64] = [:]
        for name in repositories.keys.sorted() {
            guard let repo = repositories[name] else { continue }
            for d in repo.referencedBlobs.union(repo.revisions.flatMap(\.signatureLinks)) where sizes[d] == nil {
                sizes[d] = repo.blobSize(d) ?? 0
            }
        }
        var shared: [SharedBlob] = []
        for (digest, usage) in index.usage where usage.manifests > 1 || (usage.manifests > 0 && usage.repositories > 1) {
            shared.append(SharedBlob(digest: digest, size: sizes[digest] ?? 0, repositories: usage.repositories, manifests: usage.manifests))
        }
        shared.sort { a, b in
            if a.repositories != b.repositories { return a.repositories > b.repositories }
            if a.manifests != b.manifests { return a.manifests > b.manifests }
            if a.size != b.size { return a.size > b.size }
            return a.digest.description < b.digest.description
        }
        return SpaceReport(
            largest: Array(uses.prefix(limit)), shared: Array(shared.prefix(limit)),
            referencedBlobs: sizes.count, referencedBytes: sizes.values.saturatingSum())
    }
}

/// The garbage collection figures the space view shows: planned once per scan, when the view opens.
public enum SpacePlan: Equatable, Sendable {
    case planning(generation: Int)
    case planned(GCModes, generation: Int)
    case failed(String, generation: Int)

    public var generation: Int {
        switch self {
        case .planning(let g), .planned(_, let g), .failed(_, let g): g
        }
    }
}
