import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage
import TestHarness

/// The light loads (`.listing`, `.marking`) take digests from folder names and sizes from descriptors; they must find
/// the same repositories' contents as the full load wherever the store is sound, and the garbage collector must plan
/// the same run from either.
@Suite struct LightLoadTests {
    /// What a light load must agree on with a full one.
    struct Shape: Equatable, CustomStringConvertible {
        var tags: [String: (current: Digest?, history: [Digest])]
        var revisions: [Digest: RevisionShape]
        var layers: [Digest]
        var uploads: [String]

        struct RevisionShape: Equatable {
            var placement: LinkPlacement
            var manifest: Manifest?
            var blobSize: Int64?
            var signatureLinks: [Digest]
            var tags: [String]
        }

        init(_ repo: RepositoryContents) {
            tags = Dictionary(uniqueKeysWithValues: repo.tags.map { ($0.name, ($0.current, $0.history)) })
            revisions = Dictionary(uniqueKeysWithValues: repo.revisions.map {
                ($0.digest, RevisionShape(placement: $0.placement, manifest: $0.manifest, blobSize: $0.blob.size,
                                          signatureLinks: $0.signatureLinks, tags: $0.tags.sorted()))
            })
            // A marking load leaves referenced blobs' folders unconfirmed: in a sound store each holds its link.
            layers = (repo.layerLinks.map(\.digest) + repo.unconfirmedLayerLinks).sorted()
            uploads = repo.uploads.map(\.id)
        }

        /// Compares histories only when both sides read them.
        var historyRead = true

        static func == (a: Shape, b: Shape) -> Bool {
            a.revisions == b.revisions && a.layers == b.layers && a.uploads == b.uploads
                && a.tags.count == b.tags.count
                && a.tags.allSatisfy { name, t in
                    b.tags[name].map { $0.current == t.current && (!a.historyRead || !b.historyRead || $0.history == t.history) } ?? false
                }
        }

        var description: String { "\(tags.count) tags, \(revisions.count) revisions, \(layers.count) layer links" }
    }

    static func demoStore() async throws -> RegistryStore {
        let driver = InMemoryDriver(location: "demo://")
        _ = try await DemoStoreBuilder().write(to: driver)
        return RegistryStore(driver: driver)
    }

    /// Light loads by folder scans (filesystem) and by flat walks (object stores) against the full load.
    @Test(arguments: [LoadDetail.listing, .marking], [false, true])
    func demoStoreReadsTheSameAsAFullLoad(detail: LoadDetail, walking: Bool) async throws {
        let store = try await Self.demoStore()
        let (_, full) = try await store.loadEverything(detail: .full)
        let lightStore = RegistryStore(driver: CountingDriver(base: store.driver, listsRecursivelyCheaply: walking))
        let (_, light) = try await lightStore.loadEverything(detail: detail)
        #expect(full.count == light.count && full.count > 5)
        for (f, l) in zip(full, light) {
            #expect(f.name == l.name)
            var lightShape = Shape(l)
            lightShape.historyRead = detail.readsTagHistory || walking
            #expect(Shape(f) == lightShape, "\(f.name): full \(Shape(f)), light \(lightShape)")
            if !lightShape.historyRead { #expect(l.tags.allSatisfy { $0.history.isEmpty }) }
            #expect(l.detail == detail)
            #expect(f.unconfirmedLayerLinks.isEmpty)
            if detail.checksReferencedLayerLinks || walking { #expect(l.unconfirmedLayerLinks.isEmpty) }
            // Sizes from descriptors equal the stored sizes in a sound store; the demo's broken repositories differ
            // only where a blob is missing (its declared size still counts) or its bytes were changed in place.
            if !f.name.hasPrefix("broken/") {
                for r in f.revisions { #expect(f.size(of: r.digest) == l.size(of: r.digest), "\(f.name)@\(r.digest)") }
            }
            // Configs only where asked for (schema1 carries its own).
            for r in l.revisions where r.manifest?.schema1 == nil && r.manifest?.config != nil {
                #expect((r.config != nil) == detail.readsConfigs || f.revision(r.digest)?.config == nil)
            }
        }
    }

    /// The verifier reads a lightly loaded repository again in full: the browser's index can be handed to it as is.
    @Test func verifyingALightLoadGivesTheFullResults() async throws {
        let store = try await Self.demoStore()
        let (_, full) = try await store.loadEverything(detail: .full)
        let (_, light) = try await store.loadEverything(detail: .listing)
        let verifier = Verifier(store: store, options: VerificationOptions())
        var failures = 0
        for (f, l) in zip(full, light) {
            let a = await verifier.verify(f)
            let b = await verifier.verify(l)
            #expect(a == b, "\(f.name)")
            failures += a.filter { !$0.ok }.count
        }
        #expect(failures > 0)  // the demo's planted faults are found through the light copy too
    }

    @Test func garbageCollectionPlansTheSameFromALightLoad() async throws {
        let store = try await Self.demoStore()
        let (_, full) = try await store.loadEverything(detail: .full)
        let (_, light) = try await store.loadEverything(detail: .marking)
        let gc = GarbageCollector(store: store)
        for deleteUntagged in [false, true] {
            let a = try await gc.plan(repositories: full, deleteUntagged: deleteUntagged)
            let b = try await gc.plan(repositories: light, deleteUntagged: deleteUntagged)
            #expect(a == b, "deleteUntagged: \(deleteUntagged)")
            #expect(!a.blobs.isEmpty)
        }
    }

    /// Both ways of discovering: listing folder levels (filesystem) and walking a prefix flat (object stores).
    @Test(arguments: [false, true])
    func lightLoadOpensNoLayerOrHistoryLinkAndStatsNoLayer(walking: Bool) async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["a", "b"])
        _ = f.image("r", tag: "v1", layers: ["c"])  // moves v1: the first image stays in v1's history
        let counting = CountingDriver(base: f.driver, listsRecursivelyCheaply: walking)
        let contents = try #require(await RegistryStore(driver: counting).load(repository: "r", detail: .listing))
        #expect(contents.tag("v1")?.history.contains(img.manifest) == true)
        #expect(contents.revisions.count == 2 && contents.layerLinks.count == 5)
        let reads = counting.reads.withLock { $0 }
        #expect(!reads.contains { $0.components.contains("_layers") })
        #expect(!reads.contains { $0.components.contains("index") })
        #expect(counting.stats.withLock { $0 }.isEmpty)
        // Each revision link, each tag's current link, each manifest blob: read once.
        #expect(reads.count == Set(reads).count)
    }

    @Test func revisionFolderWithoutLinkIsNoRevisionButItsSignaturesAreSeen() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["a"])
        let stray = f.blob("{\"not\": \"stored\"}")
        let sig = f.blob("signature bytes")
        f.link(StoreLayout.signatureLink(f.repo("r"), revision: stray, signature: sig), sig)
        for detail in [LoadDetail.full, .listing] {
            let contents = try #require(await f.store().load(repository: "r", detail: detail))
            #expect(contents.revisions.map(\.digest) == [img.manifest], "\(detail)")
            #expect(contents.problems.contains { $0.code == .unexpectedEntry }, "\(detail)")
        }
    }

    @Test func garbageInLinksAndFolderNamesIsStillReported() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["a"])
        let other = f.image("r", tag: nil, layers: ["b"], architecture: "arm64")
        f.revisionLink("r", other.manifest, content: "sha256:not-a-digest")
        f.driver.makeDirectory(StoreLayout.manifestsDirectory(f.repo("r")).appending(["revisions", "sha256", "zz-not-hex"]))
        f.driver.makeDirectory(StoreLayout.layersDirectory(f.repo("r")).appending(["sha256", "NOTHEX"]))
        let contents = try #require(await f.store().load(repository: "r", detail: .listing))
        #expect(contents.revisions.map(\.digest) == [img.manifest])
        let codes = contents.allProblems.map(\.code)
        #expect(codes.contains(.invalidLink))
        #expect(codes.filter { $0 == .invalidPathComponent }.count == 2)
    }

    /// The registry's layer DELETE removes the `link` and leaves its folder: no layer link, to light loads as to the
    /// full one (the registry enumerates link files, not folders).
    @Test(arguments: [false, true])
    func layerFolderWithoutLinkIsNoLayerLink(walking: Bool) async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["a", "b"])
        let link = StoreLayout.layerLink(f.repo("r"), img.layers[1])
        try await f.driver.delete(link)
        f.driver.makeDirectory(link.parent)
        for detail in [LoadDetail.full, .listing, .marking] {
            let store = RegistryStore(driver: CountingDriver(base: f.driver, listsRecursivelyCheaply: walking))
            let contents = try #require(await store.load(repository: "r", detail: detail))
            if detail.checksReferencedLayerLinks || walking {
                #expect(contents.layerLinks.map(\.digest) == [img.config, img.layers[0]].sorted(), "\(detail)")
            } else {
                // A marking scan does not look inside the folders of blobs the manifest references...
                #expect(contents.layerLinks.isEmpty)
                #expect(contents.unconfirmedLayerLinks == [img.config, img.layers[0], img.layers[1]].sorted())
            }
            #expect(contents.allProblems.isEmpty, "\(detail): \(contents.allProblems)")
        }
        // ...and the collector looks when it sweeps them: the folder without a link is no link to remove.
        _ = f.image("r", tag: "v1", layers: ["c"])
        let plan = try await GarbageCollector(store: RegistryStore(driver: CountingDriver(base: f.driver, listsRecursivelyCheaply: walking)))
            .plan(deleteUntagged: true)
        #expect(plan.manifests.map(\.digest) == [img.manifest])
        #expect(Set(plan.blobs.map(\.digest)).isSuperset(of: [img.config, img.layers[0], img.layers[1]]))
        #expect(plan.layerLinks.map(\.digest) == [img.config, img.layers[0]].sorted())
        #expect(plan.blockers.isEmpty)
    }

    /// Registry 2.1.0 and earlier linked manifests under `_layers`: such a link is a revision, not a layer too.
    @Test(arguments: [LoadDetail.full, .listing, .marking], [false, true])
    func seedEraManifestLinkIsNoLayer(detail: LoadDetail, walking: Bool) async throws {
        let f = StoreFixture()
        let s1 = f.schema1Image("old/app", tag: "latest", layers: ["l1", "l2"], seedEra: true)
        let store = RegistryStore(driver: CountingDriver(base: f.driver, listsRecursivelyCheaply: walking))
        let contents = try #require(await store.load(repository: "old/app", detail: detail))
        #expect(contents.revision(s1.digest)?.placement == .layers)
        #expect(contents.layerLinks.map(\.digest) == s1.layers.sorted())
    }

    /// `ls` checks references against one listing of `blobs/` (a light load never stats them).
    @Test func missingReferencedBlobsAreReportedAgainstTheStoredList() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["a", "b"])
        try await f.driver.delete(StoreLayout.blobDirectory(img.layers[1]))
        let store = f.store()
        var contents = try #require(await store.load(repository: "r", detail: .listing))
        #expect(contents.allProblems.isEmpty, "the light load cannot tell")
        contents.reportMissingBlobs(stored: try await store.storedBlobs())
        let problems = contents.revision(img.manifest)?.problems ?? []
        #expect(problems.map(\.code) == [.blobMissing])
        #expect(problems.first?.path == StoreLayout.blobData(img.layers[1]))
    }

    @Test func missingManifestBlobIsReportedWithoutAStat() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["a"])
        try await f.driver.delete(StoreLayout.blobData(img.manifest))
        let contents = try #require(await f.store().load(repository: "r", detail: .listing))
        #expect(contents.revision(img.manifest)?.blob == .missing)
        #expect(contents.revision(img.manifest)?.problems.map(\.code) == [.blobMissing])
    }
}

/// Records what a load asks of the driver.
final class CountingDriver: ForwardingDriver, @unchecked Sendable {
    let base: any StorageDriver
    let reads = Locked<[StoragePath]>([])
    let stats = Locked<[StoragePath]>([])
    /// Bytes handed out by `read` and `readChunks`, and the largest single chunk.
    let bytesRead = Locked<Int>(0)
    let largestChunk = Locked<Int>(0)
    let listsRecursivelyCheaply: Bool

    init(base: any StorageDriver, listsRecursivelyCheaply: Bool = false) {
        self.base = base
        self.listsRecursivelyCheaply = listsRecursivelyCheaply
    }

    func stat(_ path: StoragePath) async throws -> FileInfo {
        stats.withLock { $0.append(path) }
        return try await base.stat(path)
    }
    func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] {
        reads.withLock { $0.append(path) }
        let bytes = try await base.read(path, limit: limit)
        bytesRead.withLock { $0 += bytes.count }
        return bytes
    }
    func readChunks(_ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try await base.readChunks(path, chunkSize: chunkSize) { chunk in
            bytesRead.withLock { $0 += chunk.count }
            largestChunk.withLock { $0 = max($0, chunk.count) }
            try body(chunk)
        }
    }
}
