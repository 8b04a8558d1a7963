import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

/// The facts cache (`FactsCache`): records round-trip what the parser extracted, anything malformed is a miss, a
/// warm light load parses no manifest it has a record for, and nothing that deletes ever marks from a record.
@Suite struct FactsCacheTests {
    /// Every parsed demo manifest (of any format but schema1) and image config, by digest.
    static func demoBlobs() async throws -> (manifests: [Digest: (Int, Manifest)], configs: [Digest: (Int, ImageConfig)]) {
        let driver = try await ContentCacheLoadTests.demoDriver()
        let (_, repos) = try await RegistryStore(driver: driver).loadEverything(detail: .full)
        var manifests: [Digest: (Int, Manifest)] = [:]
        var configs: [Digest: (Int, ImageConfig)] = [:]
        for r in repos.flatMap(\.revisions) {
            guard let m = r.manifest, r.contentDigest == r.digest, m.schema1 == nil, let size = r.blob.size else { continue }
            manifests[r.digest] = (Int(size), m)
            if let d = m.config?.digest, let bytes = try? await driver.read(StoreLayout.blobData(d), limit: 1 << 22),
                case .success(let c) = ImageConfig.parse(bytes) {
                configs[d] = (bytes.count, c)
            }
        }
        return (manifests, configs)
    }

    static func shown(_ c: ImageConfig) -> ImageConfig {
        ImageConfig(created: c.created, architecture: c.architecture, os: c.os, variant: c.variant, labels: [:], history: [], diffIDs: [])
    }

    @Test func recordsReadBackAsTheParserExtractedThemInAnotherRun() async throws {
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let (manifests, configs) = try await Self.demoBlobs()
        // Indexes with platforms, OCI referrers with a subject.
        #expect(manifests.count > 10)
        #expect(manifests.values.contains { $0.1.format.isIndex && $0.1.children.contains { $0.platform != nil } })
        #expect(manifests.values.contains { $0.1.subject != nil })
        #expect(!configs.isEmpty)
        let writer = FactsCache(root: root)
        for (d, (size, m)) in manifests { writer.record(d, size: Int64(size), manifest: m) }
        for (d, (size, c)) in configs { writer.record(d, size: Int64(size), imageConfig: c) }
        writer.flush()

        let reader = FactsCache(root: root)
        for (d, (size, m)) in manifests {
            let found = try #require(reader.manifest(of: d))
            #expect(found.size == Int64(size))
            #expect(found.manifest == m, "\(d)")
            #expect(reader.imageConfig(of: d) == nil, "a manifest record is not a config record")
        }
        for (d, (size, c)) in configs {
            let found = try #require(reader.imageConfig(of: d))
            #expect(found.size == Int64(size))
            #expect(found.config == Self.shown(c))
        }
    }

    @Test func schema1IsNotRecorded() throws {
        let m = Manifest(
            format: .schema1Signed, schemaVersion: 1, declaredMediaType: nil, config: nil, layers: [], children: [],
            subject: nil, artifactType: nil, annotations: [:], schema1: nil)
        #expect(FactsCodec.encode(m) == nil)
    }

    /// One record of a demo manifest, sealed as the cache writes it.
    static func sealedRecord() async throws -> (FactsCacheShard.Key, Manifest, [UInt8]) {
        let (manifests, _) = try await demoBlobs()
        let (d, (size, m)) = try #require(manifests.first { $0.value.1.layers.count > 1 })
        let key = FactsCacheShard.Key(kind: .manifest, digest: d)
        return (key, m, FactsCacheShard.seal(key, blobSize: Int64(size), payload: try #require(FactsCodec.encode(m))))
    }

    @Test func aDamagedOrForeignRecordIsAMiss() async throws {
        let (key, m, sealed) = try await Self.sealedRecord()
        #expect(FactsCacheShard.open(key, sealed[...]).flatMap { FactsCodec.decodeManifest($0.payload) } == m)
        // Any flipped bit of checksum, version, size or payload.
        for i in sealed.indices {
            var damaged = sealed
            damaged[i] ^= 0x10
            #expect(FactsCacheShard.open(key, damaged[...]) == nil, "byte \(i)")
        }
        // Filed under another digest or kind.
        let other = FactsCacheShard.Key(kind: .manifest, digest: Digest.sha256(of: Array("other".utf8)))
        #expect(FactsCacheShard.open(other, sealed[...]) == nil)
        #expect(FactsCacheShard.open(.init(kind: .imageConfig, digest: key.digest), sealed[...]) == nil)
        // Every truncation.
        for n in 0..<sealed.count { #expect(FactsCacheShard.open(key, sealed[..<n]) == nil) }
    }

    @Test func anotherExtractorVersionIsAMiss() async throws {
        let (key, m, _) = try await Self.sealedRecord()
        let payload = try #require(FactsCodec.encode(m))
        var w = FactsWriter()
        let version = FactsCodec.extractorVersion &+ 1
        w.u64(FactsCacheShard.checksum(key, version: version, blobSize: 10, payload: payload[...]))
        w.u16(version)
        w.i64(10)
        w.raw(payload)
        #expect(FactsCacheShard.open(key, w.bytes[...]) == nil)
    }

    @Test func hostilePayloadsDecodeToNothingWithoutCrashing() async throws {
        let (_, m, _) = try await Self.sealedRecord()
        let payload = try #require(FactsCodec.encode(m))
        for n in 0..<payload.count { #expect(FactsCodec.decodeManifest(payload[..<n]) == nil) }
        #expect(FactsCodec.decodeManifest(payload[...] + [0]) == nil, "trailing bytes")
        // Huge counts and lengths: a layer count, then a media type length, of 4 billion, then of 2^63.
        let schema2 = UInt8(ManifestFormat.allCases.firstIndex(of: .schema2)!)
        for n: UInt64 in [UInt64(UInt32.max), 1 << 63] {
            var huge = FactsWriter()
            huge.u8(schema2)
            huge.varint(2)
            huge.u8(0)
            huge.u8(0)
            huge.uvarint(n)
            #expect(FactsCodec.decodeManifest(huge.bytes[...]) == nil)
            var long = FactsWriter()
            long.u8(schema2)
            long.varint(2)
            long.u8(1)
            long.uvarint(n)
            #expect(FactsCodec.decodeManifest(long.bytes[...]) == nil)
        }
        // A varint that never ends, one longer than 64 bits, and an overlong spelling of 2.
        for version: [UInt8] in [[0x80, 0x80], Array(repeating: 0xFF, count: 10) + [0x01], [0x82, 0x00]] {
            #expect(FactsCodec.decodeManifest(([schema2] + version + payload.dropFirst(2))[...]) == nil)
        }
        // A format index out of range, schema1.
        for first: [UInt8] in [[200], [UInt8(ManifestFormat.allCases.firstIndex(of: .schema1)!)]] {
            #expect(FactsCodec.decodeManifest((first + payload.dropFirst())[...]) == nil)
        }
        // The layout: format, schema version (one byte), the declared media type's code (one byte for a common one),
        // then the config's presence byte.
        #expect(payload[1] == 4 && payload[2] >= 2, "\(Array(payload.prefix(4)))")
        var badOptional = payload
        badOptional[3] = 7  // a presence byte that is neither 0 nor 1
        #expect(FactsCodec.decodeManifest(badOptional[...]) == nil)
        var unknownCode = payload
        unknownCode[2] = 255  // a media type code past the common ones
        #expect(FactsCodec.decodeManifest(unknownCode[...]) == nil)
        // A common media type spelled out, and a digest code that is neither text (0) nor sha256 (1).
        var spelled = FactsWriter()
        spelled.u8(schema2)
        spelled.varint(2)
        spelled.u8(1)
        spelled.string(MediaType.schema2)
        #expect(FactsCodec.decodeManifest((spelled.bytes + payload.dropFirst(3))[...]) == nil)
        var badDigest = payload
        badDigest[5] = 2  // config: presence 1, media type code, then the digest's code
        #expect(payload[3] == 1 && payload[4] >= 2 && payload[5] == 1, "\(Array(payload.prefix(6)))")
        #expect(FactsCodec.decodeManifest(badDigest[...]) == nil)
        #expect(FactsCodec.decodeConfig([1, 255, 255, 255, 255][...]) == nil)
    }

    /// Records are compact (varints, codes for common media types, 32 bytes per sha256 digest): a two-layer image
    /// manifest's record is well under its JSON, so a warm run's shards stay small in memory.
    @Test func aManifestRecordIsSmallerThanItsJSON() async throws {
        let (manifests, _) = try await Self.demoBlobs()
        var records = 0
        for (_, (size, m)) in manifests where m.schema1 == nil && m.annotations.isEmpty && !m.layers.isEmpty {
            let payload = try #require(FactsCodec.encode(m))
            #expect(payload.count * 2 < size, "\(payload.count) bytes for a \(size)-byte manifest")
            #expect(FactsCodec.decodeManifest(payload[...]) == m)
            records += 1
        }
        #expect(records > 3)
    }

    @Test func aDamagedShardFileDecodesWhatItCanAndIsMarkedForRewriting() async throws {
        let (key, _, sealed) = try await Self.sealedRecord()
        var shard = FactsCacheShard()
        shard.entries[key] = .init(sealed: sealed[...], lastUsed: 5)
        let bytes = shard.encoded(budget: .max)
        let first = key.digest.firstByte
        let decoded = FactsCacheShard(decoding: bytes, shard: first)
        #expect(decoded.entries == shard.entries && !decoded.hadGarbage)
        // Filed in another shard: skipped.
        #expect(FactsCacheShard(decoding: bytes, shard: first &+ 1).entries.isEmpty)
        // Every truncation, and a body length of 4 GiB: nothing traps, the shard is rewritten.
        for n in FactsCacheShard.magic.count..<(bytes.count - 1) {
            let cut = FactsCacheShard(decoding: Array(bytes[..<n]), shard: first)
            #expect(cut.hadGarbage || cut.entries.isEmpty)
        }
        var hugeLength = bytes
        for i in 0..<4 { hugeLength[FactsCacheShard.magic.count + i] = 0xff }
        let huge = FactsCacheShard(decoding: hugeLength, shard: first)
        #expect(huge.hadGarbage && huge.entries.isEmpty)
        // A damaged record in a file is a miss through the cache too, and is dropped at the next flush.
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = FactsCache(root: root)
        var damaged = bytes
        damaged[damaged.count - 3] ^= 1
        try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
        let file = cache.directory.appendingPathComponent(String(format: "%02x.bin", Int(first)))
        try Data(damaged).write(to: file)
        #expect(cache.manifest(of: key.digest) == nil)
        cache.flush()
        #expect(FactsCacheShard(decoding: [UInt8](try Data(contentsOf: file)), shard: first).entries.isEmpty)
    }

    static func store(_ driver: any StorageDriver, root: URL, trusted: Bool) -> RegistryStore {
        let store = RegistryStore(driver: driver)
        let content = ContentCache(root: root)
        store.contentCache = content
        store.factsCache = FactsCache.beside(content)
        store.trustsCachedFacts = trusted
        return store
    }

    /// A warm light load that may read facts parses no manifest it has a record for and reads none from the store
    /// or the byte cache; it finds what an uncached load finds (configs: the fields the facts keep).
    @Test(arguments: [LoadDetail.listing, .marking])
    func aWarmTrustedLightLoadReadsNoManifestItHasFactsFor(detail: LoadDetail) async throws {
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let driver = try await ContentCacheLoadTests.demoDriver()
        let (_, uncached) = try await RegistryStore(driver: driver).loadEverything(detail: detail)
        let cold = Self.store(driver, root: root, trusted: true)
        _ = try await cold.loadEverything(detail: detail)
        cold.contentCache?.flush()
        cold.factsCache?.flush()
        // Without the byte cache: whatever facts do not answer must come from the store.
        try FileManager.default.removeItem(at: root.appendingPathComponent("content-v1"))

        let counting = CountingDriver(base: driver)
        let warm = RegistryStore(driver: counting)
        warm.factsCache = FactsCache(root: root)
        warm.trustsCachedFacts = true
        let (_, warmRepos) = try await warm.loadEverything(detail: detail)
        var expected = uncached
        for i in expected.indices {
            expected[i].revisions = expected[i].revisions.map { r in
                var r = r
                if r.manifest?.schema1 == nil { r.config = r.config.map(Self.shown) }
                return r
            }
        }
        #expect(warmRepos == expected)
        let reads = Set(ContentCacheLoadTests.blobReads(counting))
        let recorded = uncached.flatMap(\.revisions).filter {
            $0.contentDigest == $0.digest && $0.placement == .revisions && $0.manifest != nil && $0.manifest?.schema1 == nil
        }
        #expect(recorded.count > 10)
        for r in recorded { #expect(!reads.contains(StoreLayout.blobData(r.digest)), "\(r.digest) read again") }
        if detail.readsConfigs {
            for r in recorded { if let c = r.manifest?.config?.digest, r.config != nil { #expect(!reads.contains(StoreLayout.blobData(c))) } }
        }
    }

    /// The trust rule: a forged facts record that drops a layer may change a dry run's plan, but a collection that
    /// deletes marks from hashed bytes, keeps the layer, and a store that trusts facts refuses to delete at all.
    @Test func aForgedRecordNeverMakesACollectionDeleteAReferencedBlob() async throws {
        let root = try ContentCacheTests.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let f = StoreFixture()
        let a = f.image("r", tag: "a", layers: ["1", "2"])
        let dropped = a.layers[1]
        // A cold real run fills both caches.
        let cold = Self.store(f.driver, root: root, trusted: false)
        let coldPlan = try await GarbageCollector(store: cold).plan(deleteUntagged: false)
        #expect(!coldPlan.blobs.contains { $0.digest == dropped })
        cold.contentCache?.flush()
        cold.factsCache?.flush()
        #expect(FactsCache(root: root).manifest(of: a.manifest) != nil)

        // The forgery: the same manifest without its second layer, at the stored size, sealed as the cache seals it.
        var forged = try #require(FactsCache(root: root).manifest(of: a.manifest)).manifest
        forged.layers.removeLast()
        let forger = FactsCache(root: root)
        forger.record(a.manifest, size: Int64(a.bytes.count), manifest: forged)
        forger.flush()
        #expect(FactsCache(root: root).manifest(of: a.manifest)?.manifest == forged)

        let dry = Self.store(f.driver, root: root, trusted: true)
        let dryPlan = try await GarbageCollector(store: dry).plan(deleteUntagged: false)
        #expect(dryPlan.blobs.contains { $0.digest == dropped }, "a dry run may believe the record")
        await #expect(throws: DeleteError.self) {
            try await GarbageCollector(store: dry).collect(dryPlan, policy: .unrestricted, registryStopped: true)
        }
        #expect(f.driver.contents(StoreLayout.blobData(dropped)) != nil)

        let real = Self.store(f.driver, root: root, trusted: false)
        let collector = GarbageCollector(store: real)
        let plan = try await collector.plan(deleteUntagged: false)
        #expect(plan == coldPlan)
        _ = try await collector.collect(plan, policy: .unrestricted, registryStopped: true)
        #expect(f.driver.contents(StoreLayout.blobData(dropped)) != nil)
        #expect(f.driver.contents(StoreLayout.blobData(a.manifest)) != nil)
    }

    @Test func theDeletePathsRefuseAStoreThatTrustsFacts() async throws {
        let f = StoreFixture()
        _ = f.image("r", tag: "a", layers: ["1"])
        let store = RegistryStore(driver: f.driver)
        store.trustsCachedFacts = true
        let repo = try #require(await store.load(repository: "r", detail: .full))
        let deleter = StoreDeleter(store: store, policy: .unrestricted)
        let plan = try deleter.plan([.tag(repository: "r", tag: "a")], repositories: [repo])
        await #expect(throws: DeleteError.self) { try await deleter.execute(plan) }
        #expect(f.driver.contents(StoreLayout.tagCurrentLink(StoreLayout.repository("r"), "a")) != nil)
        await #expect(throws: DeleteError.self) { try await GarbageCollector(store: store).prepareResume("x") }
    }
}
