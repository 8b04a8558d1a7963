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
        var out: [Item] = []
        let algorithms: [DirectoryEntry]
        do {
            algorithms = try await driver.withRetries { try await driver.list(base) }
        } catch {
            return [.unlisted(DriverError(error), at: base)]
        }
        for algorithm in algorithms {
            guard algorithm.kind == .directory, algorithm.nameIsValidUTF8, StoragePath.isSafeComponent(algorithm.name) else {
                out.append(.notAnAlgorithmFolder(algorithm, in: base))
                continue
            }
            let algDir = base.appending(algorithm.name)
            let listed: [(folder: DirectoryEntry, entry: EntryKind?)]
            do {
                listed = if let entryName {
                    try await driver.withRetries { try await driver.listFolders(algDir, withEntry: entryName) }
                } else {
                    try await driver.withRetries { try await driver.list(algDir) }.map { (folder: $0, entry: EntryKind?.none) }
                }
            } catch {
                out.append(.unlisted(DriverError(error), at: algDir))
                continue
            }
            for (e, entry) in listed {
                guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name),
                    let d = StoreLayout.digest(algorithm: algorithm.name, hex: e.name)
                else {
                    out.append(.invalidDigest(e, in: algDir))
                    continue
                }
                guard e.kind == .directory else {
                    out.append(.notAFolder(d, e, in: algDir))
                    continue
                }
                out.append(.digest(d, entry: entry))
            }
        }
        return out
    }
}
