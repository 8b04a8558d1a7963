import Foundation

public enum StoreOpenError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAStore(path: String, reason: String)
    case configuration(ConfigurationError)
    case unsupportedDriver(String)
    case driver(DriverError, location: String)

    public var description: String {
        switch self {
        case .notAStore(let path, let reason): "\(SafeText.escaping(path)): \(reason)"
        case .configuration(let e): e.description
        case .unsupportedDriver(let name): "storage driver \"\(SafeText.escaping(name))\" is not supported yet (Drydock reads the filesystem and s3 drivers)"
        case .driver(let e, let location):
            // A failure at the store's root (an S3 probe) needs no ".: " path prefix after the location.
            "\(SafeText.escaping(location)): \(e.path == .root && e.description.hasPrefix(".: ") ? String(e.description.dropFirst(3)) : e.description)"
        }
    }
}

/// One registry store, opened read-only until a delete path asks the `DeletePolicy`.
/// The repository list is available before any repository is read; each repository loads on demand, independently.
public final class RegistryStore: Sendable {
    public let driver: any StorageDriver
    /// The registry configuration the store was opened through, if any.
    public let configuration: RegistryConfiguration?
    public let blobCache: BlobStatCache
    /// Repositories loaded at once by `loadAll`: the cores for a local disk; more for a store behind network latency.
    public let loadConcurrency: Int
    let contentCacheSlot = Locked<ContentCache?>(nil)
    let factsSlot = Locked<(cache: FactsCache?, trusted: Bool)>((nil, false))

    public init(
        driver: any StorageDriver, configuration: RegistryConfiguration? = nil,
        loadConcurrency: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)
    ) {
        self.driver = driver
        self.configuration = configuration
        self.blobCache = BlobStatCache(driver: driver)
        self.loadConcurrency = max(1, loadConcurrency)
    }

    /// Opens a filesystem store given the folder that contains `docker/registry/v2`, or that `v2` folder itself.
    public static func open(root: String, followSymlinks: Bool = false) throws -> RegistryStore {
        let v2 = try locateV2(root)
        do {
            return RegistryStore(driver: try FilesystemDriver(v2Directory: v2, displayLocation: root, followSymlinks: followSymlinks))
        } catch {
            throw StoreOpenError.driver(DriverError(error), location: root)
        }
    }

    /// Opens the store a registry `config.yml` names, with `REGISTRY_*` overrides applied as the registry applies them.
    public static func open(
        configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment, followSymlinks: Bool = false
    ) throws -> RegistryStore {
        let config: RegistryConfiguration
        do {
            config = try RegistryConfiguration.load(path: configPath, environment: environment)
        } catch {
            throw StoreOpenError.configuration(error)
        }
        switch config.storage {
        case .filesystem(let rootDirectory):
            let v2 = try locateV2(rootDirectory, fromConfig: true)
            do {
                let driver = try FilesystemDriver(v2Directory: v2, displayLocation: rootDirectory, followSymlinks: followSymlinks)
                return RegistryStore(driver: driver, configuration: config)
            } catch {
                throw StoreOpenError.driver(DriverError(error), location: rootDirectory)
            }
        case .s3(let settings):
            // Created without a request; `checkObjectStore()` probes the bucket (RegistryStore+S3.swift).
            return try openS3(settings, configuration: config, environment: environment)
        case .unsupported(let name):
            throw StoreOpenError.unsupportedDriver(name)
        }
    }

    static func locateV2(_ root: String, fromConfig: Bool = false) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir) else {
            throw StoreOpenError.notAStore(path: root, reason: "no such directory")
        }
        guard isDir.boolValue else { throw StoreOpenError.notAStore(path: root, reason: "not a directory") }
        let nested = (root as NSString).appendingPathComponent("docker/registry/v2")
        if FileManager.default.fileExists(atPath: nested, isDirectory: &isDir), isDir.boolValue { return nested }
        let looksLikeV2 = ["repositories", "blobs"].contains {
            FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent($0))
        }
        if (root as NSString).lastPathComponent == "v2" || looksLikeV2 { return root }
        if fromConfig {
            // A registry that never received a push has no tree yet: an empty store, not an error.
            throw StoreOpenError.notAStore(path: root, reason: "holds no docker/registry/v2 folder (has this registry received any push?)")
        }
        throw StoreOpenError.notAStore(path: root, reason: "not a registry store: expected a docker/registry/v2 folder inside it, or the v2 folder itself")
    }

    /// The repository list, in the registry's catalog order, without reading any repository's contents.
    public func repositories(onRepository: @Sendable (RepositoryEntry) -> Void = { _ in }) async throws -> Catalog.Listing {
        // Over S3, flat listings started ahead answer the walk: a first screen in a few round trips.
        if let prefetch = (driver as? S3Driver)?.catalogPrefetch(of: StoreLayout.repositories) {
            defer { prefetch.cancelAll() }
            return try await Catalog.walk(listing: prefetch.list, onRepository: onRepository)
        }
        return try await Catalog.walk(driver, onRepository: onRepository)
    }

    public func load(_ entry: RepositoryEntry, detail: LoadDetail = .full) async -> RepositoryContents {
        let facts = factsSlot.withLock { $0 }
        return await RepositoryLoader(
            driver: driver, blobs: blobCache, detail: detail, cache: contentCache, facts: facts.cache,
            readsFacts: facts.trusted && facts.cache != nil
        ).load(entry)
    }

    /// Loads a repository by name (it need not be in the 2.8.2 catalog).
    public func load(repository name: String, detail: LoadDetail = .full) async -> RepositoryContents? {
        let comps = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard StoragePath(validating: comps) != nil else { return nil }
        let path = StoreLayout.repository(name)
        guard let entries = try? await driver.list(path) else { return nil }
        let hasLayers = entries.contains { $0.name == "_layers" && $0.kind == .directory }
        let hasManifests = entries.contains { $0.name == "_manifests" && $0.kind == .directory }
        guard hasLayers || hasManifests else { return nil }
        var entry = RepositoryEntry(name: name, path: path, hasLayersFolder: hasLayers, hasManifestsFolder: hasManifests, problems: [])
        entry.childNames = entries.filter { !$0.name.hasPrefix("_") }.map(\.name).sorted()
        return await load(entry, detail: detail)
    }

    /// The catalog and every repository's contents.
    public func loadEverything(detail: LoadDetail = .full) async throws -> (Catalog.Listing, [RepositoryContents]) {
        let listing = try await repositories()
        return (listing, await loadAll(listing.repositories, detail: detail))
    }

    /// Loads every repository with bounded concurrency, reporting each as it completes (in completion order).
    public func loadAll(
        _ entries: [RepositoryEntry], detail: LoadDetail = .full, concurrency: Int? = nil,
        onLoaded: @Sendable (RepositoryContents) -> Void = { _ in }
    ) async -> [RepositoryContents] {
        var results = [RepositoryContents?](repeating: nil, count: entries.count)
        await loadEach(entries, detail: detail, concurrency: concurrency, reduce: { $0 }) { i, contents in
            results[i] = contents
            onLoaded(contents)
        }
        return results.compactMap { $0 }
    }

    /// Every repository loaded and reduced on its own task, in `entries`' order; only the reduced values are kept.
    /// `onLoaded(done, total)` follows progress (called one at a time).
    public func loadAll<Reduced: Sendable>(
        _ entries: [RepositoryEntry], detail: LoadDetail, reduce: @escaping @Sendable (RepositoryContents) -> Reduced,
        onLoaded: (Int, Int) -> Void = { _, _ in }
    ) async -> [Reduced] {
        var results = [Reduced?](repeating: nil, count: entries.count)
        var done = 0
        await loadEach(entries, detail: detail, reduce: reduce) { i, reduced in
            results[i] = reduced
            done += 1
            onLoaded(done, entries.count)
        }
        return results.compactMap { $0 }
    }

    /// Loads every repository with bounded concurrency, runs `reduce` on each inside its own task (on any core), and
    /// hands the result to `body` (one at a time, in completion order, with its position in `entries`): memory stays
    /// bounded by what `reduce` keeps.
    public func loadEach<Reduced: Sendable>(
        _ entries: [RepositoryEntry], detail: LoadDetail = .full, concurrency: Int? = nil,
        reduce: @escaping @Sendable (RepositoryContents) -> Reduced, _ body: (Int, Reduced) -> Void
    ) async {
        let concurrency = concurrency ?? loadConcurrency
        await withTaskGroup(of: (Int, Reduced).self) { group in
            var next = 0
            func addNext() {
                guard next < entries.count else { return }
                let i = next
                let entry = entries[i]
                group.addTask { (i, reduce(await self.load(entry, detail: detail))) }
                next += 1
            }
            for _ in 0..<concurrency { addNext() }
            while let (i, reduced) = await group.next() {
                body(i, reduced)
                addNext()
            }
        }
    }
}
