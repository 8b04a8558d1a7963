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

    public private(set) var usage: [Digest: Usage] = [:]
    public private(set) var sizes: [String: RepositorySizes] = [:]

    public init(_ repositories: [RepositoryContents]) {
        var sets: [(String, Set<Digest>, RepositoryContents)] = []
        for repo in repositories {
            let blobs = repo.referencedBlobs.union(repo.revisions.flatMap(\.signatureLinks))
            sets.append((repo.name, blobs, repo))
            for d in blobs { usage[d, default: Usage(repositories: 0, manifests: 0)].repositories += 1 }
            for r in repo.revisions {
                for d in Set(r.manifest?.blobReferences.compactMap(\.digest) ?? []) {
                    usage[d, default: Usage(repositories: 0, manifests: 0)].manifests += 1
                }
            }
        }
        for (name, blobs, repo) in sets {
            var s = RepositorySizes(total: 0, unique: 0)
            for d in blobs {
                let size = repo.blobSize(d) ?? 0
                s.total += size
                if usage[d]?.repositories == 1 { s.unique += size }
            }
            sizes[name] = s
        }
    }
}
