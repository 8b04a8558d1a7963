import Testing
@testable import RegistryStorage

/// `StoreBlobSharing` counts the store-wide sizes while `ls --json` is still loading: whatever order repositories
/// arrive in and from however many tasks, the figures must be `StoreIndex(uses:)`'s.
@Suite struct StoreBlobSharingTests {
    private static func digest(_ n: Int, _ algorithm: DigestAlgorithm = .sha256) -> Digest {
        let count = algorithm == .sha256 ? 32 : 64
        return Digest(algorithm: algorithm, bytes: (0..<count).map { UInt8(truncatingIfNeeded: n &* 31 &+ $0) })
    }

    /// 60 repositories over a pool of 800 blobs, some SHA-512, each repository with 1–39 of them at sizes of its own
    /// (a shared blob may be declared at different sizes by different repositories).
    private static func uses() -> [StoreIndex.BlobUse] {
        var generator = JSONDifferentialTests.Random(state: 7)
        return (0..<60).map { r in
            var picked = Set<Int>()
            let count = 1 + Int(generator.next() % 39)
            while picked.count < count { picked.insert(Int(generator.next() % 800)) }
            let blobs = picked.sorted().map { n in
                StoreIndex.BlobUse.Blob(
                    digest: digest(n, n % 17 == 0 ? .sha512 : .sha256), size: Int64(generator.next() % 10_000) + Int64(r),
                    manifests: 1)
            }
            return StoreIndex.BlobUse(repository: "team/r\(r)", blobs: blobs)
        }
    }

    @Test func concurrentAddsInAnyOrderGiveTheIndexSizes() async {
        let uses = Self.uses()
        let expected = StoreIndex(uses: uses).sizes
        #expect(expected.values.contains { $0.unique > 0 && $0.unique < $0.total }, "the fixture shares some blobs")
        #expect(expected.values.contains { $0.unique == 0 } || expected.values.contains { $0.unique == $0.total })
        for round in 0..<5 {
            let sharing = StoreBlobSharing(repositories: uses.map(\.repository), expectedBlobs: round * 50)
            let order = uses.indices.shuffled()
            await withTaskGroup(of: Bool.self) { group in
                for i in order { group.addTask { sharing.add(uses[i]) } }
                for await added in group { #expect(added) }
            }
            #expect(sharing.sizes() == expected, "round \(round)")
        }
    }

    @Test func aRepositoryCountsOnceAndOnlyIfNamed() {
        let a = Self.digest(1), b = Self.digest(2)
        let sharing = StoreBlobSharing(repositories: ["x", "y", "never-loaded"])
        #expect(sharing.add(StoreIndex.BlobUse(repository: "x", blobs: [.init(digest: a, size: 5, manifests: 1)])))
        // A second report of x, or a repository the catalog did not name, would make a's blob look shared.
        #expect(!sharing.add(StoreIndex.BlobUse(repository: "x", blobs: [.init(digest: a, size: 5, manifests: 1)])))
        #expect(!sharing.add(StoreIndex.BlobUse(repository: "z", blobs: [.init(digest: a, size: 5, manifests: 1)])))
        #expect(sharing.add(StoreIndex.BlobUse(repository: "y", blobs: [.init(digest: b, size: 3, manifests: 2)])))
        #expect(sharing.sizes() == [
            "x": StoreIndex.RepositorySizes(total: 5, unique: 5),
            "y": StoreIndex.RepositorySizes(total: 3, unique: 3),
            "never-loaded": StoreIndex.RepositorySizes(total: 0, unique: 0),
        ])
    }

    @Test func sizesSaturateInsteadOfOverflowing() {
        let sharing = StoreBlobSharing(repositories: ["x", "y"])
        sharing.add(StoreIndex.BlobUse(repository: "x", blobs: [
            .init(digest: Self.digest(1), size: .max, manifests: 1), .init(digest: Self.digest(2), size: .max, manifests: 1),
            .init(digest: Self.digest(3), size: 4, manifests: 1),
        ]))
        sharing.add(StoreIndex.BlobUse(repository: "y", blobs: [.init(digest: Self.digest(3), size: 4, manifests: 1)]))
        #expect(sharing.sizes()["x"] == StoreIndex.RepositorySizes(total: .max, unique: .max))
        #expect(sharing.sizes()["y"] == StoreIndex.RepositorySizes(total: 4, unique: 0))
    }
}
