/// Facts that need every repository at once: how many repositories and manifests share each blob, and therefore
/// which part of a repository's size is its own (what deleting it and collecting garbage would free).
public struct StoreIndex: Sendable {
    public struct Usage: Sendable, Equatable {
        public var repositories: Int
        public var manifests: Int
    }

    public struct RepositorySizes: Sendable, Equatable {
        public var total: Int64
        /// Bytes of blobs no other repository references.
        public var unique: Int64

        public init(total: Int64, unique: Int64) {
            self.total = total
            self.unique = unique
        }
    }

    /// What one repository contributes to the index: its blobs with their sizes, and how many of its manifests use
    /// each. Compact (no manifests), so a store-wide pass can drop each repository once it is reduced to this.
    public struct BlobUse: Sendable {
        public var repository: String
        /// Every blob the repository keeps alive (manifests, their references, seed-era signatures), with its size.
        public var blobs: [Digest: Int64]
        /// Per blob, the number of the repository's manifests that reference it.
        public var manifestReferences: [Digest: Int]

        public init(_ repo: RepositoryContents) {
            repository = repo.name
            var blobs: [Digest: Int64] = [:]
            for d in repo.referencedBlobs.union(repo.revisions.flatMap(\.signatureLinks)) { blobs[d] = repo.blobSize(d) ?? 0 }
            self.blobs = blobs
            var refs: [Digest: Int] = [:]
            for r in repo.revisions {
                for d in Set(r.manifest?.blobReferences.compactMap(\.digest) ?? []) { refs[d, default: 0] += 1 }
            }
            manifestReferences = refs
        }
    }

    public private(set) var usage: [Digest: Usage] = [:]
    public private(set) var sizes: [String: RepositorySizes] = [:]

    public init(_ repositories: [RepositoryContents]) {
        self.init(uses: repositories.map(BlobUse.init))
    }

    public init(uses: [BlobUse]) {
        for use in uses {
            for d in use.blobs.keys { usage[d, default: Usage(repositories: 0, manifests: 0)].repositories += 1 }
            for (d, n) in use.manifestReferences { usage[d, default: Usage(repositories: 0, manifests: 0)].manifests += n }
        }
        for use in uses {
            var s = RepositorySizes(total: 0, unique: 0)
            for (d, size) in use.blobs {
                s.total += size
                if usage[d]?.repositories == 1 { s.unique += size }
            }
            sizes[use.repository] = s
        }
    }
}
