import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

/// Light loads through the local content cache: a warm run reads no manifest or config it has seen, and finds exactly
/// what a run without the cache finds; full loads (verify) still read every manifest from the store.
@Suite struct ContentCacheLoadTests {
    static func demoDriver() async throws -> InMemoryDriver {
        let driver = InMemoryDriver(location: "demo://")
        _ = try await DemoStoreBuilder().write(to: driver)
        return driver
    }

    static func store(_ driver: any StorageDriver, cache root: URL?) -> RegistryStore {
        let store = RegistryStore(driver: driver)
        if let root { store.contentCache = ContentCache(root: root) }
        return store
    }

    /// Reads of blob data (manifests, configs), not of links.
    static func blobReads(_ counting: CountingDriver) -> [StoragePath] {
        counting.reads.withLock { $0 }.filter { $0.components.first == "blobs" }
    }

    @Test(arguments: [LoadDetail.listing, .marking], [false, true])
    func aWarmLightLoadReadsNoBlobItHasSeenAndFindsTheSame(detail: LoadDetail, walking: Bool) async throws {
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let driver = try await Self.demoDriver()
        let (_, uncached) = try await Self.store(CountingDriver(base: driver, listsRecursivelyCheaply: walking), cache: nil).loadEverything(detail: detail)

        let coldDriver = CountingDriver(base: driver, listsRecursivelyCheaply: walking)
        let cold = Self.store(coldDriver, cache: root)
        let (_, coldRepos) = try await cold.loadEverything(detail: detail)
        cold.contentCache?.flush()
        #expect(coldRepos == uncached)
        let coldReads = Self.blobReads(coldDriver)
        #expect(coldReads.count > 20)

        let warmDriver = CountingDriver(base: driver, listsRecursivelyCheaply: walking)
        let (_, warmRepos) = try await Self.store(warmDriver, cache: root).loadEverything(detail: detail)
        #expect(warmRepos == uncached)
        // What the cold run read (and could keep) is not read again; what remains are blobs the cache refuses:
        // ones that do not match their digest (the demo's damaged blobs) and seed-era candidates under `_layers`.
        let warmReads = Self.blobReads(warmDriver)
        #expect(warmReads.count < coldReads.count, "warm \(warmReads.count), cold \(coldReads.count)")
        for path in warmReads {
            let d = try #require(StoreLayout.digest(algorithm: path.components[1], hex: path.components[3]))
            let bytes = try await driver.read(path, limit: 1 << 22)
            let cacheable = ContentCache.matches(bytes[...], d) && bytes.count <= ContentCacheShard.maxContentSize
            let seedCandidate = warmRepos.contains { $0.layerLinks.contains { $0.digest == d } || $0.revision(d)?.placement.contains(.layers) == true }
            #expect(!cacheable || seedCandidate, "\(path) read again")
        }
        // The collector plans the same from warm facts.
        let collector = GarbageCollector(store: RegistryStore(driver: driver))
        for untagged in [false, true] {
            let a = try await collector.plan(repositories: uncached, deleteUntagged: untagged)
            let b = try await collector.plan(repositories: warmRepos, deleteUntagged: untagged)
            #expect(a == b)
        }
    }

    @Test func aFullLoadReadsEveryManifestFromTheStoreAndFillsTheCache() async throws {
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let driver = try await Self.demoDriver()
        let (_, plain) = try await RegistryStore(driver: driver).loadEverything(detail: .full)
        for _ in 0..<2 {
            let counting = CountingDriver(base: driver)
            let store = Self.store(counting, cache: root)
            let (_, repos) = try await store.loadEverything(detail: .full)
            store.contentCache?.flush()
            #expect(repos == plain)
            let read = Set(Self.blobReads(counting))
            for r in repos.flatMap(\.revisions) where r.blob.isPresent && r.placement.contains(.revisions) {
                #expect(read.contains(StoreLayout.blobData(r.digest)), "\(r.digest) not read by a full load")
            }
        }
        // What the full loads read serves a light load.
        let counting = CountingDriver(base: driver)
        _ = try await Self.store(counting, cache: root).loadEverything(detail: .marking)
        // Seed-era candidates under `_layers` are read to tell whether they are manifests at all; the rest is cached.
        let manifests = Set(plain.flatMap(\.revisions).filter { $0.contentDigest == $0.digest && $0.placement == .revisions }.map { StoreLayout.blobData($0.digest) })
        #expect(manifests.count > 10)
        #expect(Set(Self.blobReads(counting)).isDisjoint(with: manifests))
    }

    /// The cache answers only for blobs the store still holds at the same size: a manifest deleted or truncated
    /// after it was cached reads as the store has it.
    @Test func aBlobGoneOrChangedInTheStoreIsNotTakenFromTheCache() async throws {
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let f = StoreFixture()
        let a = f.image("r", tag: "a", layers: ["1"])
        let b = f.image("r", tag: "b", layers: ["2"])
        let warmUp = Self.store(f.driver, cache: root)
        _ = await warmUp.load(repository: "r", detail: .listing)
        warmUp.contentCache?.flush()

        try await f.driver.delete(StoreLayout.blobData(a.manifest))
        try await f.driver.write(StoreLayout.blobData(b.config), contents: Array("{}".utf8))
        let expected = try #require(await RegistryStore(driver: f.driver).load(repository: "r", detail: .listing))
        let warm = try #require(await Self.store(f.driver, cache: root).load(repository: "r", detail: .listing))
        #expect(warm == expected)
        #expect(warm.revision(a.manifest)?.blob == .missing)
        #expect(warm.revision(b.manifest)?.config == expected.revision(b.manifest)?.config)
    }

    /// A forged cache entry (other bytes filed under a stored manifest's digest) changes nothing.
    @Test func aForgedEntryIsAMiss() async throws {
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let f = StoreFixture()
        let a = f.image("r", tag: "a", layers: ["1"])
        let other = f.image("s", tag: "x", layers: ["9", "8"], architecture: "arm64")
        let otherBytes = try await f.driver.read(StoreLayout.blobData(other.manifest), limit: 1 << 20)
        let cache = ContentCache(root: root)
        var forged = ContentCacheShard()
        forged.entries[a.manifest] = .init(content: otherBytes[...], lastUsed: 1)
        try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
        try Data(forged.encoded(budget: .max)).write(to: ContentCacheTests.shardFile(cache, a.manifest))

        let expected = try #require(await RegistryStore(driver: f.driver).load(repository: "r", detail: .listing))
        let counting = CountingDriver(base: f.driver)
        let store = RegistryStore(driver: counting)
        store.contentCache = cache
        let loaded = try #require(await store.load(repository: "r", detail: .listing))
        #expect(loaded == expected)
        #expect(Self.blobReads(counting).contains(StoreLayout.blobData(a.manifest)))
    }
}
