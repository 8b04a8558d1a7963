/// The repository list, walked as registry 2.8.2's catalog walks it (storage-format §1.5): depth first, each
/// folder's entries in bytewise order, a repository emitted when its `_layers` marker is reached. Folders that hold
/// `_manifests` but no `_layers` are hidden by 2.8.2; we report them too, flagged, at the place their `_manifests`
/// folder sorts.
public enum Catalog {
    /// Name components are at most 255 bytes in total, so deeper folders can only be a symlink loop or garbage.
    static let maxDepth = 128

    public struct Listing: Sendable, Equatable {
        public var repositories: [RepositoryEntry]
        /// Problems not tied to a repository (unreadable namespace folders, hostile names, symlinks).
        public var problems: [Problem]

        public init(repositories: [RepositoryEntry], problems: [Problem]) {
            self.repositories = repositories
            self.problems = problems
        }
    }

    public static func walk(
        _ driver: any StorageDriver, onRepository: @Sendable (RepositoryEntry) -> Void = { _ in }
    ) async throws -> Listing {
        try await walk(listing: { path in try await driver.withRetries { try await driver.list(path) } }, onRepository: onRepository)
    }

    /// The walk with folder listings from `list` (over S3, answered from flat listings started ahead:
    /// `S3CatalogPrefetch`); the order and the problems are the same whatever answers.
    static func walk(
        listing list: @escaping FolderLister, onRepository: @Sendable (RepositoryEntry) -> Void = { _ in }
    ) async throws -> Listing {
        var listing = Listing(repositories: [], problems: [])
        let top: [DirectoryEntry]
        do {
            top = try await list(StoreLayout.repositories)
        } catch {
            let error = DriverError(error)
            // A store with no pushes yet has no repositories folder.
            if error.isNotFound { return listing }
            throw error
        }
        var visited = Set<String>()
        await visit(list, StoreLayout.repositories, [], top, depth: 0, into: &listing, visited: &visited, onRepository)
        return listing
    }

    typealias FolderLister = @Sendable (StoragePath) async throws -> [DirectoryEntry]

    private static func visit(
        _ list: FolderLister, _ path: StoragePath, _ name: [String], _ entries: [DirectoryEntry], depth: Int,
        into listing: inout Listing, visited visitedLinkedFolders: inout Set<String>, _ emit: @Sendable (RepositoryEntry) -> Void
    ) async {
        let sorted = entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let hasLayers = sorted.contains { $0.name == "_layers" && $0.kind == .directory }
        let hasManifests = sorted.contains { $0.name == "_manifests" && $0.kind == .directory }
        for e in sorted {
            if e.name.hasPrefix("_") {
                guard !name.isEmpty else { continue }
                if case .symlink(let problem) = e.kind, e.name == "_layers" || e.name == "_manifests" {
                    listing.problems.append(
                        Problem(.error, .symlinkLeavesRoot, "\(e.name) is a symlink that \(problem); not followed", at: path.appending(e.name)))
                    continue
                }
                let marker = (e.name == "_layers" && hasLayers) || (e.name == "_manifests" && hasManifests && !hasLayers)
                if marker {
                    var repo = makeEntry(name, path, hasLayers: hasLayers, hasManifests: hasManifests)
                    repo.childNames = sorted.filter { !$0.name.hasPrefix("_") }.map(\.name)
                    listing.repositories.append(repo)
                    emit(repo)
                }
                continue
            }
            guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name) else {
                listing.problems.append(
                    Problem(
                        .error, .invalidPathComponent,
                        "folder name \"\(SafeText.escaping(e.name))\" is not valid UTF-8 or not a single path element; skipped",
                        at: path))
                continue
            }
            let child = path.appending(e.name)
            switch e.kind {
            case .directory:
                if let id = e.linkedFolderIdentity, !visitedLinkedFolders.insert(id).inserted {
                    listing.problems.append(Problem(.warning, .symlinkLeavesRoot, "symlink \(SymlinkProblem.loop)", at: child))
                    continue
                }
                guard depth < maxDepth else {
                    listing.problems.append(
                        Problem(.error, .unexpectedEntry, "folders nested deeper than \(maxDepth) levels (a symlink loop?); not descended", at: child))
                    continue
                }
                do {
                    let sub = try await list(child)
                    await visit(list, child, name + [e.name], sub, depth: depth + 1, into: &listing, visited: &visitedLinkedFolders, emit)
                } catch {
                    let error = DriverError(error)
                    if !error.isNotFound {
                        listing.problems.append(Problem.from(error, context: "cannot list repository folder"))
                    }
                }
            case .symlink(let problem):
                listing.problems.append(
                    Problem(.error, .symlinkLeavesRoot, "symlink \(problem); not followed", at: child))
            case .file, .special:
                // Stray files between repositories are harmless; the registry ignores them too.
                continue
            }
        }
    }

    private static func makeEntry(_ name: [String], _ path: StoragePath, hasLayers: Bool, hasManifests: Bool) -> RepositoryEntry {
        let joined = name.joined(separator: "/")
        var problems: [Problem] = []
        if !NameGrammar.isValidRepositoryName(joined) {
            problems.append(
                Problem(
                    .warning, .invalidRepositoryName,
                    "\"\(SafeText.escaping(joined))\" is not a valid repository name; the registry cannot serve it", at: path))
        }
        if !hasLayers {
            problems.append(
                Problem(
                    .warning, .manifestsWithoutLayers,
                    "has _manifests but no _layers folder: registry 2.8.2 leaves it out of /v2/_catalog", at: path))
        }
        return RepositoryEntry(name: joined, path: path, hasLayersFolder: hasLayers, hasManifestsFolder: hasManifests, problems: problems)
    }

    /// Component-wise order (`/` sorts before every other byte), the order 2.8.2 uses for `last` pagination.
    public static func componentwiseLess(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: "/", omittingEmptySubsequences: false)
        let y = b.split(separator: "/", omittingEmptySubsequences: false)
        for (p, q) in zip(x, y) where p != q { return p.utf8.lexicographicallyPrecedes(q.utf8) }
        return x.count < y.count
    }
}
