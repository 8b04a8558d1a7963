/// The store's `blobs/` listed once, shared by the garbage collector's sweep and `ls`'s presence check.
extension RegistryStore {
    /// Stored blobs: digest and size (-1 when not known yet; the plan stats only the blobs it sweeps).
    /// On a filesystem the three folder levels `blobs/<alg>/<hh>/` are listed and the blob folders themselves are not
    /// opened (a 180k-blob store is 257 listings, not 180k); a blob folder without `data` is dropped when stat'ed,
    /// as the registry's own walk never sees it. Object stores list the prefix flat, sizes included.
    public func storedBlobs() async throws(DriverError) -> [Digest: Int64] {
        let driver = self.driver
        do {
            if driver.listsRecursivelyCheaply {
                let files = try await driver.withRetries { try await driver.walkFiles(StoreLayout.blobs) }
                var out: [Digest: Int64] = [:]
                for f in files where f.kind == .file {
                    guard case .blobData(let d)? = StoreEntry(f.path) else { continue }
                    out[d] = f.size
                }
                blobCache.learn(listed: out)
                return out
            }
            var out: [Digest: Int64] = [:]
            for algorithm in try await driver.withRetries({ try await driver.list(StoreLayout.blobs) }) where algorithm.kind == .directory {
                guard StoragePath.isSafeComponent(algorithm.name) else { continue }
                let algDir = StoreLayout.blobs.appending(algorithm.name)
                let prefixes = try await driver.withRetries({ try await driver.list(algDir) })
                    .filter { $0.kind == .directory && StoragePath.isSafeComponent($0.name) }.map(\.name)
                // The 256 prefix folders are independent: list them on every core.
                try await withThrowingTaskGroup(of: [Digest].self) { group in
                    var next = 0
                    func addNext() {
                        guard next < prefixes.count else { return }
                        let prefix = prefixes[next]
                        next += 1
                        group.addTask {
                            let names: [DigestFolderName]
                            do {
                                names = try await driver.withRetries {
                                    let listed = await driver.listEachDigestFolders(in: algDir, [[prefix]])
                                    guard listed.count == 1 else { throw DriverError.transient(algDir.appending(prefix), "incomplete listing") }
                                    return try listed[0].get()
                                }
                            } catch {
                                if DriverError(error).isNotFound { return [] }  // removed while we listed
                                throw error
                            }
                            let prefixBytes = Array(prefix.utf8)
                            let isSHA256 = algorithm.name == DigestAlgorithm.sha256.name
                            return names.compactMap { name in
                                // The folder name is the digest's hex (validated by the parse): its first two
                                // characters must name the prefix folder it sits in.
                                guard prefixBytes.count == 2 else { return nil }
                                if case .sha256(let d) = name, isSHA256 {
                                    return d.withHexBytes { $0.starts(with: prefixBytes) } ? d : nil
                                }
                                let e = name.entry
                                guard e.kind == .directory, e.name.utf8.starts(with: prefixBytes),
                                    let d = StoreLayout.digest(algorithm: algorithm.name, hex: e.name)
                                else { return nil }
                                return d
                            }
                        }
                    }
                    for _ in 0..<loadConcurrency { addNext() }
                    var sized = false
                    while let found = try await group.next() {
                        // Content addresses spread evenly over the prefixes: the first folder's count sizes the table
                        // (a sixteenth over), so 180k insertions do not rehash it again and again as it grows.
                        if !sized, !found.isEmpty {
                            out.reserveCapacity(out.count + found.count * prefixes.count * 17 / 16)
                            sized = true
                        }
                        for d in found { out[d] = -1 }
                        addNext()
                    }
                }
            }
            return out
        } catch {
            let e = DriverError(error)
            if e.isNotFound { return [:] }
            throw e
        }
    }
}

extension RepositoryContents {
    /// Adds an error to each revision that references a blob absent from `stored` (`RegistryStore.storedBlobs()`): a
    /// light load takes sizes from descriptors and never stats references, so without this check `ls` would call an
    /// image with a missing layer sound. Foreign layers (with URLs) are not stored, as the registry does not look them up.
    public mutating func reportMissingBlobs(stored: [Digest: Int64]) {
        var checked = revisions
        var found = false
        for i in checked.indices {
            guard let m = checked[i].manifest else { continue }
            var seen = Set<Digest>()
            // One by one: `references` built an array of descriptors per manifest.
            m.forEachReference { ref in
                guard let d = ref.digest, stored[d] == nil, ref.urls.isEmpty, seen.insert(d).inserted else { return }
                checked[i].problems.append(
                    Problem(.error, .blobMissing, "references \(d), which is not stored: the registry cannot serve this image (drydock verify runs every check)", at: StoreLayout.blobData(d)))
                found = true
            }
        }
        // Assigning `revisions` rebuilds its index: only when something was added.
        if found { revisions = checked }
    }
}
