/// Lists `<base>/<alg>/<hex>/` folders named by digests two levels deep, without opening the folders themselves: how
/// the loader's light scan finds revisions, tag histories and signature links, and how the collector finds the tag
/// histories of manifests it removes. What is not a digest folder comes back as an item too, in listing order, so
/// each caller decides what to report and what to skip.
struct DigestFolderListing {
    let driver: any StorageDriver

    enum Item {
        /// A folder named by a digest, with the kind of its entry when one was asked for (`StorageDriver.listFolders`).
        case digest(Digest, entry: EntryKind?)
        /// Something in `base` that is no algorithm folder to open: a file, a stray or unsafe name, a symlink.
        case notAnAlgorithmFolder(DirectoryEntry, in: StoragePath)
        /// A name in an algorithm folder that is no valid digest.
        case invalidDigest(DirectoryEntry, in: StoragePath)
        /// An entry named by a digest that is not a folder.
        case notAFolder(Digest, DirectoryEntry, in: StoragePath)
        /// A folder that could not be listed (not-found errors included: a caller may tell a race from absence).
        case unlisted(DriverError, at: StoragePath)
    }

    /// The items of `base`, in listing order; `withEntry` also asks each digest folder for the kind of that entry.
    func list(_ base: StoragePath, withEntry entryName: String? = nil) async -> [Item] {
        let algorithms: Result<[DirectoryEntry], DriverError>
        do {
            algorithms = .success(try await driver.withRetries { try await driver.list(base) })
        } catch {
            algorithms = .failure(DriverError(error))
        }
        return await items(in: base, [[]], [algorithms], withEntry: entryName)[0]
    }

    /// The items of each folder `dir` + `bases[i]`, as `list` gives them, with every folder opened relative to `dir`
    /// (`StorageDriver.listEach`): how a repository's tag histories are listed, two short walks per tag.
    ///
    /// `trustingLinkCounts` (`LoadDetail.listsTagHistoryByLinkCount`, `ls` only): a base whose only folder the
    /// driver can tell is `sha256/` without listing the base (`StorageDriver.listEachSoleSubfolder`) is answered from
    /// that folder's listing alone, one walk. A link count counts folders only, so whatever else sits in the base (a
    /// stray file, FIFO, or a symlinked algorithm folder) goes unseen and unreported: no load that plans deletes
    /// takes this path, as a symlink there must stop a collection.
    func listEach(in dir: StoragePath, _ bases: [[String]], trustingLinkCounts: Bool = false) async -> [[Item]] {
        let sha256 = DigestAlgorithm.sha256.name
        let answered = trustingLinkCounts ? await driver.listEachSoleSubfolder(in: dir, bases, named: sha256) : []
        let sole = answered.count == bases.count ? answered : bases.map { _ in nil }
        let listedBases = bases.indices.filter { sole[$0] == nil }.map { bases[$0] }
        // A name read as a digest at this level (where algorithm folders sit) is given back as the entry it is.
        var listed = await items(in: dir, listedBases, await listing(in: dir, listedBases).map { $0.map { $0.map(\.entry) } }, withEntry: nil)[...]
        return bases.indices.map { i in
            guard let names = sole[i] else { return listed.popFirst() ?? [] }
            let algDir = dir.appending(bases[i] + [sha256])
            return names.map { Self.digestItem($0, entry: nil, algorithm: sha256, in: algDir) }
        }
    }

    /// `listEachDigestFolders`' results with transient failures retried one folder at a time.
    private func listing(in dir: StoragePath, _ names: [[String]]) async -> [Result<[DigestFolderName], DriverError>] {
        var results = await driver.listEachDigestFolders(in: dir, names)
        if results.count != names.count { results = names.map { _ in .failure(.transient(dir, "incomplete listing")) } }
        for (i, result) in results.enumerated() {
            guard case .failure(let error) = result, error.isTransient else { continue }
            let path = dir.appending(names[i])
            do {
                results[i] = .success(try await driver.withRetries { try await driver.list(path) }.map(DigestFolderName.init))
            } catch {
                results[i] = .failure(DriverError(error))
            }
        }
        return results
    }

    /// The items of each base from its listing (`algorithms[i]` lists `dir` + `bases[i]`).
    private func items(
        in dir: StoragePath, _ bases: [[String]], _ algorithms: [Result<[DirectoryEntry], DriverError>], withEntry entryName: String?
    ) async -> [[Item]] {
        // Every algorithm folder of every base, listed in one batch (without `withEntry`).
        var folders: [[String]] = []
        for (i, listed) in algorithms.enumerated() {
            guard case .success(let entries) = listed else { continue }
            for algorithm in entries where Self.isAlgorithmFolder(algorithm) { folders.append(bases[i] + [algorithm.name]) }
        }
        var contents = entryName == nil ? await listing(in: dir, folders)[...] : []
        var out: [[Item]] = []
        for (i, listed) in algorithms.enumerated() {
            let base = dir.appending(bases[i])
            var items: [Item] = []
            switch listed {
            case .failure(let error):
                items.append(.unlisted(error, at: base))
            case .success(let entries):
                for algorithm in entries {
                    guard Self.isAlgorithmFolder(algorithm) else {
                        items.append(.notAnAlgorithmFolder(algorithm, in: base))
                        continue
                    }
                    let algDir = base.appending(algorithm.name)
                    let found: Result<[Item], DriverError>
                    if let entryName {
                        do {
                            let listed = try await driver.withRetries { try await driver.listDigestFolders(algDir, withEntry: entryName) }
                            found = .success(listed.map { Self.digestItem($0, entry: $1, algorithm: algorithm.name, in: algDir) })
                        } catch {
                            found = .failure(DriverError(error))
                        }
                    } else {
                        found = contents.removeFirst().map { $0.map { Self.digestItem($0, entry: nil, algorithm: algorithm.name, in: algDir) } }
                    }
                    switch found {
                    case .failure(let error): items.append(.unlisted(error, at: algDir))
                    case .success(let listed): items += listed
                    }
                }
            }
            out.append(items)
        }
        return out
    }

    private static func isAlgorithmFolder(_ e: DirectoryEntry) -> Bool {
        e.kind == .directory && e.nameIsValidUTF8 && StoragePath.isSafeComponent(e.name)
    }

    private static func digestItem(_ e: DirectoryEntry, entry: EntryKind?, algorithm: String, in algDir: StoragePath) -> Item {
        guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name), let d = StoreLayout.digest(algorithm: algorithm, hex: e.name) else {
            return .invalidDigest(e, in: algDir)
        }
        guard e.kind == .directory else { return .notAFolder(d, e, in: algDir) }
        return .digest(d, entry: entry)
    }

    /// A folder the listing read as a sha256 digest is one under `sha256/`; under another algorithm it is a name
    /// like any other (64 digits name no sha512 digest).
    private static func digestItem(_ name: DigestFolderName, entry: EntryKind?, algorithm: String, in algDir: StoragePath) -> Item {
        if case .sha256(let d) = name, algorithm == DigestAlgorithm.sha256.name { return .digest(d, entry: entry) }
        return digestItem(name.entry, entry: entry, algorithm: algorithm, in: algDir)
    }
}
