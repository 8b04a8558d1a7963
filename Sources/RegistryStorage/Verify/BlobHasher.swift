import Crypto

/// Re-hashes blob data in large sequential reads with bounded memory; results are cached per store so a layer shared
/// by many manifests is hashed once.
public final class BlobHasher: Sendable {
    public enum Outcome: Sendable, Equatable {
        case intact
        case corrupted(actual: Digest)
        case missing
        case unreadable(String)
    }

    public static let chunkSize = 1 << 20

    private let driver: any StorageDriver
    private let results = Locked<[Digest: Outcome]>([:])

    public init(driver: any StorageDriver) { self.driver = driver }

    public func cached(_ d: Digest) -> Outcome? { results.withLock { $0[d] } }

    public func hash(_ d: Digest, progress: @Sendable (Int64) -> Void = { _ in }) async -> Outcome {
        if let known = cached(d) { return known }
        let outcome: Outcome
        do {
            var hasher = AnyHasher(d.algorithm)
            try await driver.readChunks(StoreLayout.blobData(d), chunkSize: BlobHasher.chunkSize) { chunk in
                hasher.update(chunk)
                progress(Int64(chunk.count))
            }
            let actual = hasher.finalize()
            outcome = actual == d ? .intact : .corrupted(actual: actual)
        } catch {
            let e = DriverError(error)
            outcome = e.isNotFound ? .missing : .unreadable(e.description)
        }
        results.withLock { $0[d] = outcome }
        return outcome
    }

    /// Hashes many blobs with `concurrency` readers at once, reporting bytes as they are hashed.
    public func hashAll(
        _ digests: [Digest], sizes: [Digest: Int64], concurrency: Int = 2,
        progress: @escaping @Sendable (VerificationProgress) -> Void = { _ in }
    ) async -> [Digest: Outcome] {
        let unique = Array(Set(digests)).sorted()
        let total = unique.reduce(Int64(0)) { $0 +| (sizes[$1] ?? 0) }
        let counters = Locked(VerificationProgress(bytesDone: 0, bytesTotal: total, blobsDone: 0, blobsTotal: unique.count))
        var out: [Digest: Outcome] = [:]
        await withTaskGroup(of: (Digest, Outcome).self) { group in
            var next = 0
            while next < unique.count || !group.isEmpty {
                while next < unique.count && next < concurrency + out.count {
                    let d = unique[next]
                    next += 1
                    group.addTask {
                        let o = await self.hash(d) { n in
                            let p = counters.withLock { c -> VerificationProgress in
                                c.bytesDone +|= n
                                return c
                            }
                            progress(p)
                        }
                        return (d, o)
                    }
                }
                guard let (d, o) = await group.next() else { break }
                out[d] = o
                progress(counters.withLock { c -> VerificationProgress in
                    c.blobsDone += 1
                    return c
                })
            }
        }
        return out
    }
}

/// SHA-256/384/512 behind one interface, chosen by the digest being checked.
struct AnyHasher {
    private var sha256: SHA256?
    private var sha384: SHA384?
    private var sha512: SHA512?
    private let algorithm: DigestAlgorithm

    init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .sha256: sha256 = SHA256()
        case .sha384: sha384 = SHA384()
        case .sha512: sha512 = SHA512()
        }
    }

    mutating func update(_ chunk: UnsafeRawBufferPointer) {
        sha256?.update(bufferPointer: chunk)
        sha384?.update(bufferPointer: chunk)
        sha512?.update(bufferPointer: chunk)
    }

    func finalize() -> Digest {
        switch algorithm {
        case .sha256: Digest(algorithm: .sha256, bytes: Array(sha256!.finalize()))
        case .sha384: Digest(algorithm: .sha384, bytes: Array(sha384!.finalize()))
        case .sha512: Digest(algorithm: .sha512, bytes: Array(sha512!.finalize()))
        }
    }
}
