/// The catalog walk's folder listings over S3, answered from flat listings started as soon as a folder is known,
/// so the browser's first screen costs a handful of round trips instead of one per folder (issue 15).
///
/// `repositories/` is listed one level (its first-level folders); each first-level folder is then listed flat, all
/// at once. A folder whose flat listing does not fit one page is split: its own entries come from a delimited
/// listing and each of its subfolders is listed the same way, at once, so no folder costs more than about one page
/// in a row before its repositories are known. The walk (`Catalog.walk(listing:)`) still decides the order and the
/// problems, from listings equal to what `S3Driver.list` answers.
final class S3CatalogPrefetch: Sendable {
    indirect enum Folder: Sendable {
        /// Every key below the folder, from its flat listing.
        case flat(S3ListingSnapshot)
        /// Too large for one page: its entries, and its subfolders each being listed on their own.
        case split(entries: [DirectoryEntry], subfolders: [String: Task<Folder, any Error>])
    }

    /// With this many first-level folders or fewer, each one's delimited listing is asked with its first flat page,
    /// in case it is split (one round trip saved); with more, only those that are split pay for it.
    static let speculativeSplits = 16

    private let driver: S3Driver
    private let root: StoragePath
    private let rootPrefix: String
    private let firstLevel = Locked<[String: Task<Folder, any Error>]>([:])
    private let started = Locked<[Task<Folder, any Error>]>([])

    init(driver: S3Driver, root: StoragePath) {
        self.driver = driver
        self.root = root
        self.rootPrefix = driver.s3Location.key(for: root) + "/"
    }

    /// Stops listings nobody will ask for (a walk that failed or ended early).
    func cancelAll() {
        for task in started.withLock({ $0 }) { task.cancel() }
    }

    /// What `S3Driver.list(path)` answers, for the root and the folders below it.
    @Sendable func list(_ path: StoragePath) async throws -> [DirectoryEntry] {
        if path == root { return try await listRoot() }
        let depth = root.components.count
        guard path.hasPrefix(root), path.components.count > depth,
            let task = firstLevel.withLock({ $0[path.components[depth]] })
        else { return try await driver.withRetries { try await driver.list(path) } }
        var folder = try await task.value
        var level = depth + 1
        while true {
            switch folder {
            case .flat(let snapshot):
                return try snapshot.list(path)
            case .split(let entries, let subfolders):
                if path.components.count == level { return entries }
                guard let next = subfolders[path.components[level]] else { throw DriverError.notFound(path) }
                folder = try await next.value
                level += 1
            }
        }
    }

    private func listRoot() async throws -> [DirectoryEntry] {
        let entries = try await driver.withRetries { try await driver.list(root) }
        let folders = entries.filter { $0.kind == .directory }.map(\.name)
        let speculate = folders.count <= Self.speculativeSplits
        var tasks: [String: Task<Folder, any Error>] = [:]
        for name in folders {
            tasks[name] = start { try await self.listFolder(self.root.appending(name), speculate: speculate) }
        }
        firstLevel.withLock { $0 = tasks }
        return entries
    }

    private func start(_ work: @escaping @Sendable () async throws -> Folder) -> Task<Folder, any Error> {
        let task = Task { try await work() }
        started.withLock { $0.append(task) }
        return task
    }

    /// The folder's first flat page; if the folder ends there, that is all of it, else it is split.
    private func listFolder(_ path: StoragePath, speculate: Bool) async throws -> Folder {
        let prefix = driver.s3Location.key(for: path) + "/"
        let driver = self.driver
        let delimited = speculate ? Task { try await driver.withRetries { try await driver.list(path) } } : nil
        var first = ListObjectsPage()
        do {
            try await driver.withRetries {
                try await driver.forEachPage(prefix: prefix, delimiter: nil, path: path) { page in
                    first = page
                    return false
                }
            }
        } catch {
            delimited?.cancel()
            throw error
        }
        guard first.isTruncated, let last = first.objects.last?.key else {
            delimited?.cancel()
            return .flat(snapshot(of: path, first.objects))
        }
        let entries: [DirectoryEntry]
        if let delimited {
            entries = try await delimited.value
        } else {
            entries = try await driver.withRetries { try await driver.list(path) }
        }
        var subfolders: [String: Task<Folder, any Error>] = [:]
        for entry in entries where entry.kind == .directory {
            let sub = path.appending(entry.name)
            let subPrefix = prefix + entry.name + "/"
            // Keys below one folder are contiguous: a folder that ended before the page did is all in it.
            if subPrefix.utf8.lexicographicallyPrecedes(last.utf8), !last.utf8.starts(with: subPrefix.utf8) {
                let listed = snapshot(of: sub, first.objects.filter { $0.key.utf8.starts(with: subPrefix.utf8) })
                subfolders[entry.name] = start { .flat(listed) }
            } else {
                subfolders[entry.name] = start { try await self.listFolder(sub, speculate: false) }
            }
        }
        return .split(entries: entries, subfolders: subfolders)
    }

    /// Keys are read back relative to the root, as `takeListingSnapshot` does, so a folder marker `F/` counts as
    /// the folder and not as a stray key.
    private func snapshot(of path: StoragePath, _ objects: [ListObjectsPage.Object]) -> S3ListingSnapshot {
        var snapshot = S3ListingSnapshot(root: path)
        driver.record(objects, below: rootPrefix, at: root, into: &snapshot)
        return snapshot
    }
}

extension S3Driver {
    /// The catalog walk's folder listings, from flat listings started ahead (`S3CatalogPrefetch`); nil while a
    /// scan's listing is in place, which already answers them.
    func catalogPrefetch(of root: StoragePath) -> S3CatalogPrefetch? {
        hasListingSnapshot ? nil : S3CatalogPrefetch(driver: self, root: root)
    }
}
