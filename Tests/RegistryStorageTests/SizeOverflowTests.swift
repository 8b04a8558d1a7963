import Foundation
import Testing
@testable import RegistryStorage

/// Hostile descriptor sizes (`Int64.max` on layers, `Int64.min`) and huge stored blobs (sparse 2^62-byte files): every
/// byte sum saturates at `Int64.max` instead of trapping, and a negative size is reported, not summed.
@Suite struct SizeOverflowTests {
    static let huge: Int64 = 1 << 62

    // MARK: the helper

    @Test func saturatingArithmeticHoldsAtTheEnds() {
        #expect(Int64(2) +| 3 == 5)
        #expect(Int64.max +| 1 == .max)
        #expect(Int64.max +| .max == .max)
        #expect(Int64.min +| -1 == .min)
        #expect(Int64.min +| .min == .min)
        #expect(Int64.max +| .min == -1)
        var total: Int64 = .max - 1
        total +|= 5
        #expect(total == .max)
        total -|= .max
        #expect(total == 0)
        total = .min
        total -|= 1
        #expect(total == .min)
        total = .max
        total -|= -1
        #expect(total == .max)
        #expect([Self.huge, Self.huge, Self.huge].saturatingSum() == .max)
        #expect([Int64]().saturatingSum() == 0)
        #expect([Int64(1), 2, 3].saturatingSum() == 6)
        #expect(ByteCount.format(.max) == "8192 PiB")
    }

    // MARK: negative sizes

    @Test func aNegativeSizeParsesAndIsNamed() throws {
        let layer = Digest.sha256(of: Array("l".utf8)), config = Digest.sha256(of: Array("{}".utf8))
        let text = """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)",\
            "config":\(StoreFixture.descriptorJSON(MediaType.ociConfig, config, 2)),\
            "layers":[\(StoreFixture.descriptorJSON(MediaType.dockerLayer, layer, Int.min)),\
            \(StoreFixture.descriptorJSON(MediaType.dockerLayer, layer, 7)),\
            \(StoreFixture.descriptorJSON(MediaType.dockerLayer, layer, -1))]}
            """
        // Go reads any int64 into `size`: registry 2.8.2 accepts and serves this manifest, so it parses.
        let m = try ManifestParser.parse(Array(text.utf8)).get()
        #expect(m.layers.map(\.size) == [Int64.min, 7, -1])
        #expect(m.layers.map(\.validSize) == [nil, 7, nil])
        #expect(m.config?.validSize == 2)
        #expect(ManifestParser.negativeSizes(in: m) == [
            "layers[0] (\(layer)) declares a negative size -9223372036854775808",
            "layers[2] (\(layer)) declares a negative size -1",
        ])
    }

    @Test(arguments: [LoadDetail.full, .listing, .display, .marking])
    func negativeSizesAreReportedAndNotSummed(detail: LoadDetail) async throws {
        let f = StoreFixture()
        let image = f.sizedImage("app", tag: "v1", sizes: [Int64.min, Int64.min], stored: false)
        let repo = try #require(await f.store().load(repository: "app", detail: detail))
        let rev = try #require(repo.revision(image.manifest))
        let problem = try #require(rev.problems.first { $0.code == .manifestInvalidSize })
        #expect(problem.severity == .warning)
        #expect(problem.message.contains("layers[0] (\(image.layers[0])) declares a negative size -9223372036854775808"), "\(problem.message)")
        #expect(problem.message.contains("layers[1]"), "\(problem.message)")
        #expect(repo.declaredSizes.values.allSatisfy { $0 >= 0 })
        // The manifest blob and the 2-byte config; the missing layers declare nothing usable.
        let expected = Int64(image.bytes.count) + 2
        #expect(repo.size(of: image.manifest) == expected)
        #expect(StoreIndex([repo]).sizes["app"] == StoreIndex.RepositorySizes(total: expected, unique: expected))
        #expect(StoreIndex.sizes(of: [StoreIndex.BlobUse(repo)])["app"] == StoreIndex.RepositorySizes(total: expected, unique: expected))
    }

    @Test func aNegativeSizeOnAStoredLayerTakesTheStoredSize() async throws {
        let f = StoreFixture()
        let image = f.sizedImage("app", tag: "v1", sizes: [-5, 9], stored: true)
        // A light load stats the blob whose declared size cannot be taken.
        let repo = try #require(await f.store().load(repository: "app", detail: .listing))
        #expect(repo.blobStates[image.layers[0]] == .present(size: Int64(image.layerBytes[0].count)))
        #expect(repo.size(of: image.manifest) == Int64(image.bytes.count) + 2 + Int64(image.layerBytes[0].count) + 9)
        // Verification fails the sizes check, as before.
        let full = try #require(await f.store().load(repository: "app"))
        let v = try #require(await Verifier(store: f.store(), options: VerificationOptions()).verify(full).first)
        let sizes = try #require(v.check(.sizes))
        #expect(sizes.status == .fail)
        #expect(sizes.detail.contains("declares a negative size -5"), "\(sizes.detail)")
    }

    // MARK: Int64.max sizes

    @Test(arguments: [LoadDetail.full, .listing, .display, .marking])
    func int64MaxOnTwoMissingLayersSaturates(detail: LoadDetail) async throws {
        let f = StoreFixture()
        let image = f.sizedImage("app", tag: "v1", sizes: [.max, .max], stored: false)
        let repo = try #require(await f.store().load(repository: "app", detail: detail))
        #expect(repo.size(of: image.manifest) == .max)
        let index = StoreIndex([repo])
        #expect(index.sizes["app"] == StoreIndex.RepositorySizes(total: .max, unique: .max))
        #expect(StoreIndex.sizes(of: [StoreIndex.BlobUse(repo)])["app"] == StoreIndex.RepositorySizes(total: .max, unique: .max))
    }

    @Test func int64MaxOnAStoredLayer() async throws {
        let f = StoreFixture()
        let image = f.sizedImage("app", tag: "v1", sizes: [.max, 9], stored: true)
        // Declared sizes (a light load) saturate ...
        let light = try #require(await f.store().load(repository: "app", detail: .listing))
        #expect(light.size(of: image.manifest) == .max)
        #expect(StoreIndex([light]).sizes["app"]?.total == .max)
        // ... stored ones (a full load) are what the files hold.
        let full = try #require(await f.store().load(repository: "app"))
        let stored = image.layerBytes.reduce(Int64(image.bytes.count) + 2) { $0 + Int64($1.count) }
        #expect(full.size(of: image.manifest) == stored)
    }

    @Test func anIndexOverHugeChildrenAndAManyLayeredImageSaturate() async throws {
        let f = StoreFixture()
        let a = f.sizedImage("multi", tag: nil, sizes: [.max], stored: false, name: "amd")
        let b = f.sizedImage("multi", tag: nil, sizes: [.max], stored: false, name: "arm")
        let idx = f.index("multi", tag: "latest", children: [(a.manifest, a.bytes.count, "amd64"), (b.manifest, b.bytes.count, "arm64")])
        // More than 64 references: summed through the closure.
        let many = f.sizedImage("multi", tag: "many", sizes: Array(repeating: Int64.max / 32, count: 70), stored: false, name: "many")
        let repo = try #require(await f.store().load(repository: "multi", detail: .listing))
        #expect(repo.size(of: idx) == .max)
        #expect(repo.size(of: a.manifest) == .max)
        #expect(repo.size(of: many.manifest) == .max)
        #expect(StoreIndex([repo]).sizes["multi"]?.total == .max)
    }

    @Test func deletePlansCountSaturatedBytes() async throws {
        let f = StoreFixture()
        let image = f.sizedImage("app", tag: "v1", sizes: [.max, .max], stored: false)
        let repos = try await f.loadAll()
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let byManifest = try deleter.plan([.manifest(repository: "app", digest: image.manifest, includeChildren: false)], repositories: repos)
        #expect(byManifest.reclaimableBytes == .max)
        #expect(byManifest.reclaimableBytesDeletingUntagged == .max)
        #expect(Set(byManifest.reclaimableBlobs) == Set([image.manifest, image.config] + image.layers))
        let byTag = try deleter.plan([.tag(repository: "app", tag: "v1")], repositories: repos)
        #expect(byTag.reclaimableBytes == 0)
        #expect(byTag.reclaimableBytesDeletingUntagged == .max)
        let byRepository = try deleter.plan([.repository("app", includeNested: false)], repositories: repos)
        #expect(byRepository.reclaimableBytes == .max)
    }

    @Test func deletePlansIgnoreNegativeSizes() async throws {
        let f = StoreFixture()
        let image = f.sizedImage("app", tag: "v1", sizes: [Int64.min, Int64.min], stored: false)
        let repos = try await f.loadAll()
        let plan = try StoreDeleter(store: f.store(), policy: .unrestricted)
            .plan([.manifest(repository: "app", digest: image.manifest, includeChildren: false)], repositories: repos)
        #expect(plan.reclaimableBytes == Int64(image.bytes.count) + 2)
    }

    @Test func aGCPlanOverManyLargeOrphansSaturates() async throws {
        let f = StoreFixture()
        let image = f.sizedImage("app", tag: "v1", sizes: [.max, .max], stored: false)
        let repos = try await f.loadAll()
        var stored: [Digest: Int64] = [image.manifest: Int64(image.bytes.count), image.config: 2]
        let orphans = (0..<5).map { Digest.sha256(of: Array("orphan \($0)".utf8)) }
        for d in orphans { stored[d] = Self.huge }
        for deleteUntagged in [false, true] {
            let plan = try await GarbageCollector(store: f.store()).plan(
                facts: repos.map(RepositoryGCFacts.init), storeProblems: [], deleteUntagged: deleteUntagged, stored: stored)
            #expect(Set(plan.blobs.map(\.digest)) == Set(orphans))
            #expect(plan.bytes == .max)
        }
        // The stored ones alone fit: no saturation where there is none.
        let plan = try await GarbageCollector(store: f.store()).plan(
            facts: repos.map(RepositoryGCFacts.init), storeProblems: [], deleteUntagged: false,
            stored: stored.merging([Digest.sha256(of: Array("small".utf8)): 10]) { a, _ in a }.filter { $0.value < Self.huge })
        #expect(plan.bytes == 10)
    }

    // MARK: verification

    @Test func verifyFindingBytesSaturate() {
        let findings = (0..<3).map { StoreFinding(.info, .orphanBlob, "orphan \($0)", size: Self.huge) }
            + [StoreFinding(.info, .staleUpload, "upload", size: 7), StoreFinding(.info, .staleUpload, "upload", size: nil)]
        #expect(findings.bytes(of: .orphanBlob) == .max)
        #expect(findings.bytes(of: .staleUpload) == 7)
        #expect(findings.bytes(of: .danglingTag) == 0)
    }

    @Test func verifyingHugeAndNegativeSizesDoesNotTrap() async throws {
        let f = StoreFixture()
        let big = f.sizedImage("big", tag: "v1", sizes: [.max, .max], stored: false)
        let negative = f.sizedImage("negative", tag: "v1", sizes: [Int64.min, Int64.min], stored: false)
        let verifier = Verifier(store: f.store(), options: VerificationOptions(deep: true))
        let (listing, repos) = try await f.store().loadEverything()
        for repo in repos {
            let v = try #require(await verifier.verify(repo).first)
            #expect(v.check(.referencedBlobs)?.status == .fail)
        }
        let negativeRepo = try #require(repos.first { $0.name == "negative" })
        let sizes = try #require(await verifier.verify(negativeRepo).first?.check(.sizes))
        #expect(sizes.status == .fail && sizes.detail.contains("negative size"), "\(sizes.detail)")
        _ = await verifier.storeFindings(repos, listing: listing)
        _ = (big, negative)
        // Progress over declared sizes that add up past the range.
        let hasher = BlobHasher(driver: f.driver)
        let totals = Locked<[Int64]>([])
        _ = await hasher.hashAll([big.config, big.manifest], sizes: [big.config: .max, big.manifest: .max]) { p in
            totals.withLock { $0.append(p.bytesTotal) }
        }
        #expect(totals.withLock { $0 }.allSatisfy { $0 == .max })
    }
}

extension StoreFixture {
    struct SizedImage {
        var manifest: Digest
        var config: Digest
        var layers: [Digest]
        var layerBytes: [[UInt8]]
        var bytes: [UInt8]
    }

    /// An OCI image whose layer descriptors declare `sizes` (hostile ones included): the 2-byte config `{}` and the
    /// layers linked in `_layers`, the layer data stored only when `stored`, the manifest as a revision (tagged).
    @discardableResult
    func sizedImage(_ repo: String, tag: String?, sizes: [Int64], stored: Bool, name: String = "layer") -> SizedImage {
        let config = blob("{}")
        layerLink(repo, config)
        var layers: [Digest] = [], layerBytes: [[UInt8]] = []
        for i in sizes.indices {
            let bytes = Array("\(repo) \(name) \(i)".utf8)
            let d = Digest.sha256(of: bytes)
            if stored { blob(bytes) }
            layerLink(repo, d)
            layers.append(d)
            layerBytes.append(bytes)
        }
        let layerJSON = zip(layers, sizes).map { StoreFixture.descriptorJSON("application/vnd.oci.image.layer.v1.tar+gzip", $0, Int($1)) }
        let text = """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)",\
            "config":\(StoreFixture.descriptorJSON(MediaType.ociConfig, config, 2)),"layers":[\(layerJSON.joined(separator: ","))]}
            """
        let bytes = Array(text.utf8)
        let manifest = manifestBlob(repo, bytes, tag: tag)
        return SizedImage(manifest: manifest, config: config, layers: layers, layerBytes: layerBytes, bytes: bytes)
    }
}
