/// Facts that need every repository at once: how many repositories and manifests share each blob, and therefore
/// which part of a repository's size is its own (what deleting it and collecting garbage would free).
public struct StoreIndex: Sendable {
    public struct Usage: Sendable, Equatable {
        public var repositories: Int
        public var manifests: Int

        /// One more repository keeps the blob, used by `blob.manifests` of its manifests (one table lookup per blob).
        mutating func add(_ blob: BlobUse.Blob) {
            repositories += 1
            manifests += blob.manifests
        }
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
        /// One blob the repository keeps alive, its size, and how many of the repository's manifests reference it.
        public struct Blob: Sendable, Equatable {
            public var digest: Digest
            public var size: Int64
            public var manifests: Int
        }

        public var repository: String
        /// Every blob the repository keeps alive (manifests, their references, seed-era signatures). A flat array,
        /// not two dictionaries: `ls` holds one per repository until it writes its document (about 20 KB less each).
        public var blobs: [Blob]

        init(repository: String, blobs: [Blob]) {
            self.repository = repository
            self.blobs = blobs
        }

        public init(_ repo: RepositoryContents) {
            repository = repo.name
            // Each kept blob with the number of manifests referencing it: manifest blobs and signature links count
            // 0 unless a manifest references them too. One table, sized for the whole repository up front (`ls`
            // builds this for every repository; growing tables cost more than filling them).
            let revisions = repo.revisions
            var references = 0
            for r in revisions { r.manifest?.forEachBlobReference { _ in references += 1 } }
            var refs: [Digest: Int] = Dictionary(minimumCapacity: references + revisions.count)
            // Each manifest counted once per blob; one set reused for all.
            var inManifest = Set<Digest>()
            for r in revisions {
                inManifest.removeAll(keepingCapacity: true)
                if refs[r.digest] == nil { refs[r.digest] = 0 }
                r.manifest?.forEachBlobReference { ref in
                    if let d = ref.digest, inManifest.insert(d).inserted { refs[d, default: 0] += 1 }
                }
                for s in r.signatureLinks where refs[s] == nil { refs[s] = 0 }
            }
            blobs = refs.map { d, manifests in Blob(digest: d, size: repo.blobSize(d) ?? 0, manifests: manifests) }
        }
    }

    public private(set) var usage: [Digest: Usage] = [:]
    public private(set) var sizes: [String: RepositorySizes] = [:]

    public init(_ repositories: [RepositoryContents]) {
        self.init(uses: repositories.map(BlobUse.init))
    }

    /// Only each repository's total and unique sizes (what the streamed `ls --json` prints), counted by
    /// `StoreBlobSharing` (which `ls --json` feeds as repositories load): a third of the memory of `usage`.
    public static func sizes(of uses: [BlobUse], expectedBlobs: Int = 0) -> [String: RepositorySizes] {
        let sharing = StoreBlobSharing(repositories: uses.map(\.repository), expectedBlobs: expectedBlobs)
        for use in uses { sharing.add(use) }
        return sharing.sizes()
    }

    /// Each repository's total size and the part no other repository keeps (`repositoriesKeeping` a blob is 1).
    private static func sizes(of uses: [BlobUse], repositoriesKeeping: (Digest) -> Int?) -> [String: RepositorySizes] {
        var sizes: [String: RepositorySizes] = [:]
        sizes.reserveCapacity(uses.count)
        for use in uses {
            var s = RepositorySizes(total: 0, unique: 0)
            for b in use.blobs {
                s.total +|= b.size
                if repositoriesKeeping(b.digest) == 1 { s.unique +|= b.size }
            }
            sizes[use.repository] = s
        }
        return sizes
    }

    public init(uses: [BlobUse]) {
        for use in uses {
            for b in use.blobs { usage[b.digest, default: Usage(repositories: 0, manifests: 0)].add(b) }
        }
        let usage = usage
        sizes = Self.sizes(of: uses) { usage[$0]?.repositories }
    }
}
