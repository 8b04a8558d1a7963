import Foundation
import Testing
@testable import RegistryStorage

@Suite struct StoreReadingTests {
    @Test func catalogWalkOrderMatchesRegistry282() async throws {
        let f = StoreFixture()
        for name in ["b", "a-b", "a/b", "a", "a/0"] { f.image(name, tag: "latest", layers: ["layer of \(name)"]) }
        let listing = try await f.store().repositories()
        // 2.8.2 emits a repo when its _layers marker is reached: digits sort before "_", so a/0 precedes a.
        #expect(listing.repositories.map(\.name) == ["a/0", "a", "a/b", "a-b", "b"])
        #expect(listing.repositories.allSatisfy { $0.isListedByRegistry })
    }

    @Test func folderWithManifestsButNoLayersIsShownFlagged() async throws {
        let f = StoreFixture()
        f.image("shown", tag: "v1", layers: ["x"])
        let d = f.blob("{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociIndex)\",\"manifests\":[]}")
        f.revisionLink("hidden", d)
        let listing = try await f.store().repositories()
        let hidden = try #require(listing.repositories.first { $0.name == "hidden" })
        #expect(!hidden.isListedByRegistry)
        #expect(hidden.problems.map(\.code) == [.manifestsWithoutLayers])
    }

    @Test func readsTagsRevisionsHistoryAndUntagged() async throws {
        let f = StoreFixture()
        let old = f.image("team/app", tag: "v1", layers: ["base", "old app"])
        let new = f.image("team/app", tag: "v1", layers: ["base", "new app"], labels: ["org.example": "yes"])
        f.tag("team/app", "latest", new.manifest)
        let store = f.store()
        let repo = try #require(await store.load(repository: "team/app"))
        #expect(repo.tags.map(\.name) == ["latest", "v1"])
        #expect(repo.tag("v1")?.current == new.manifest)
        #expect(repo.tag("v1")?.history == [old.manifest, new.manifest].sorted())
        #expect(repo.revision(old.manifest)?.isTagged == false)
        #expect(repo.revision(new.manifest)?.tags.sorted() == ["latest", "v1"])
        let m = try #require(repo.revision(new.manifest)?.manifest)
        #expect(m.format == .schema2)
        #expect(m.references.map(\.digest) == [new.config] + new.layers)
        #expect(repo.revision(new.manifest)?.config?.labels == ["org.example": "yes"])
        #expect(repo.layerLinks.count == 5)  // base, old, new layers and two configs
        #expect(repo.problems.isEmpty)
        #expect(repo.revisions.allSatisfy { $0.problems.isEmpty })
    }

    @Test func parsesIndexAndOCIReferrerSubject() async throws {
        let f = StoreFixture()
        let amd = f.image("multi", tag: nil, oci: true, layers: ["amd layer"])
        let arm = f.image("multi", tag: nil, oci: true, layers: ["arm layer"], architecture: "arm64")
        let idx = f.index("multi", tag: "latest", children: [(amd.manifest, amd.bytes.count, "amd64"), (arm.manifest, arm.bytes.count, "arm64")])
        let sig = f.image("multi", tag: nil, oci: true, layers: ["signature"], subject: idx, artifactType: "application/vnd.cncf.notary.signature")
        let repo = try #require(await f.store().load(repository: "multi"))
        let index = try #require(repo.revision(idx)?.manifest)
        #expect(index.format == .ociIndex)
        #expect(index.references.compactMap(\.digest) == [amd.manifest, arm.manifest])
        #expect(index.children.map { $0.platform?.architecture } == ["amd64", "arm64"])
        let referrer = try #require(repo.revision(sig.manifest)?.manifest)
        #expect(referrer.subject?.digest == idx)
        #expect(referrer.artifactType == "application/vnd.cncf.notary.signature")
        // The index's size covers its children's blobs.
        #expect(repo.size(of: idx) > repo.size(of: amd.manifest))
    }

    @Test func seedEraManifestLinkedUnderLayersIsARevision() async throws {
        let f = StoreFixture()
        let s1 = f.schema1Image("legacy", tag: "v1", layers: ["seed layer a", "seed layer b"], seedEra: true)
        let repo = try #require(await f.store().load(repository: "legacy"))
        let rev = try #require(repo.revision(s1.digest))
        #expect(rev.placement == .layers)
        #expect(rev.manifest?.format == .schema1)
        #expect(rev.manifest?.schema1?.fsLayers.compactMap(\.digest) == s1.layers)
        #expect(rev.manifest?.schema1?.name == "legacy")
        #expect(rev.tags == ["v1"])
        #expect(rev.problems.map(\.code) == [.seedEraPlacement])
        // Layers stay layers.
        #expect(repo.revisions.count == 1)
    }

    @Test func badLinksAreReportedNotFatal() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "ok", layers: ["l"])
        let other = f.image("r", tag: nil, layers: ["m"], architecture: "arm64")
        f.revisionLink("r", img.manifest, content: img.manifest.description + "\n")  // trailing newline
        f.layerLink("r", img.layers[0], content: "garbage \u{1b}[31m")
        f.layerLink("r", img.config, content: other.config.description)  // target differs from path
        f.driver.put(StoreLayout.tagCurrentLink(f.repo("r"), "short"), "sha256:abc")
        let repo = try #require(await f.store().load(repository: "r"))
        let codes = Set(repo.allProblems.map(\.code))
        #expect(codes.contains(.nonCanonicalLink))
        #expect(codes.contains(.invalidLink))
        #expect(codes.contains(.linkTargetMismatch))
        // The garbage is escaped, never printed raw.
        #expect(!repo.allProblems.contains { $0.message.contains("\u{1b}") })
        // Non-canonical revision link is still read (the registry would reject it; we report and show it).
        #expect(repo.revision(img.manifest)?.manifest != nil)
    }

    /// A light load finds revisions by folder name and builds a link's path only for a problem: each problem names
    /// the revision link's own path, as a full load's walk does.
    @Test(arguments: [LoadDetail.full, .listing, .marking])
    func revisionLinkProblemsNameTheLink(detail: LoadDetail) async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "ok", layers: ["l"])
        let other = f.image("r", tag: "other", layers: ["m"])
        f.revisionLink("r", img.manifest, content: img.manifest.description + "\n")  // trailing newline
        f.revisionLink("r", other.manifest, content: img.manifest.description)  // target differs from path
        let repo = try #require(await f.store().load(repository: "r", detail: detail))
        let problems = repo.allProblems.filter { [.nonCanonicalLink, .linkTargetMismatch].contains($0.code) }
        #expect(problems.map(\.code).sorted { "\($0)" < "\($1)" } == [.linkTargetMismatch, .nonCanonicalLink])
        #expect(problems.first { $0.code == .nonCanonicalLink }?.path == StoreLayout.revisionLink(f.repo("r"), img.manifest))
        #expect(problems.first { $0.code == .linkTargetMismatch }?.path == StoreLayout.revisionLink(f.repo("r"), other.manifest))
    }

    @Test func danglingTagAndMissingManifestBlob() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["l"])
        let ghost = Digest.sha256(of: Array("never stored".utf8))
        f.tag("r", "ghost", ghost)
        try await f.driver.delete(StoreLayout.blobData(img.manifest))
        let repo = try #require(await f.store().load(repository: "r"))
        #expect(repo.tag("ghost")?.problems.map(\.code) == [.danglingTag])
        #expect(repo.revision(img.manifest)?.blob == .missing)
        #expect(repo.revision(img.manifest)?.problems.map(\.code) == [.blobMissing])
    }

    @Test func hostileManifestsGetClearProblems() async throws {
        let f = StoreFixture()
        f.image("r", tag: "base", layers: ["l"])
        let deep = f.manifestBlob("r", Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8), tag: "deep")
        let huge = f.manifestBlob("r", [UInt8](repeating: 0x20, count: ManifestParser.maxManifestSize + 1), tag: "huge")
        let truncated = f.manifestBlob("r", Array("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[".utf8), tag: "trunc")
        let unknown = f.manifestBlob("r", Array("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}".utf8), tag: "unknown")
        let v3 = f.manifestBlob("r", Array("{\"schemaVersion\":3}".utf8), tag: "v3")
        let absurd = f.manifestBlob("r", Array("{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.schema2)\",\"config\":{\"size\":1e400,\"digest\":\"x\"}}".utf8), tag: "absurd")
        let repo = try #require(await f.store().load(repository: "r"))
        #expect(repo.revision(deep)?.problems.first?.message.contains("nested") == true)
        #expect(repo.revision(huge)?.problems.map(\.code) == [.manifestTooLarge])
        #expect(repo.revision(truncated)?.problems.map(\.code) == [.manifestUnparsable])
        #expect(repo.revision(unknown)?.problems.map(\.code) == [.manifestUnknownType])
        #expect(repo.revision(v3)?.problems.first?.message.contains("schema version 3") == true)
        #expect(repo.revision(absurd)?.problems.map(\.code) == [.manifestUnparsable])
    }

    @Test func staleUploadsWithAge() async throws {
        let f = StoreFixture()
        f.image("r", tag: "v1", layers: ["l"])
        f.upload("r", id: "0b0b0b0b-1111-2222-3333-444455556666", startedAt: "2015-07-24T16:57:20Z", data: Array(repeating: 7, count: 1000))
        f.upload("r", id: "broken-upload", startedAt: "yesterday", data: [])
        let repo = try #require(await f.store().load(repository: "r"))
        #expect(repo.uploads.count == 2)
        let good = try #require(repo.uploads.first { $0.id.hasPrefix("0b0b") })
        #expect(good.size == 1000)
        #expect(good.startedAt == ISO8601DateFormatter().date(from: "2015-07-24T16:57:20Z"))
        #expect((good.age() ?? 0) > 86_400 * 365)
        #expect(repo.uploads.first { $0.id == "broken-upload" }?.problems.map(\.code) == [.uploadUnreadable])
    }

    /// `size(of:)` is the sum over `blobClosure`, each blob once: an image whose layers repeat, one with more
    /// references than its buffer on the stack holds (70, some repeated), an index of both, and a light load's sizes
    /// (declared ones) as well as a full load's (stored ones).
    @Test(arguments: [LoadDetail.listing, .full])
    func sizeIsTheSumOverTheBlobClosure(detail: LoadDetail) async throws {
        let f = StoreFixture()
        let repeated = f.image("r", tag: "repeated", layers: ["same", "same", "other", "same"])
        let many = f.image("r", tag: "many", layers: (0..<70).map { "layer \($0 % 50)" })
        let index = f.index("r", tag: "index", children: [(repeated.manifest, repeated.bytes.count, "amd64"), (many.manifest, many.bytes.count, "arm64")])
        let repo = try #require(await f.store().load(repository: "r", detail: detail))
        for d in [repeated.manifest, many.manifest, index] {
            var seen = Set<Digest>()
            let closure = repo.blobClosure(of: d, into: &seen)
            #expect(repo.size(of: d) == closure.reduce(Int64(0)) { $0 + (repo.blobSize($1) ?? 0) })
        }
        let config = try #require(repo.blobSize(repeated.config))
        #expect(repo.size(of: repeated.manifest) == Int64(repeated.bytes.count) + config + 4 + 5)
        let manyConfig = try #require(repo.blobSize(many.config))
        let manyLayers = (0..<50).reduce(Int64(0)) { $0 + Int64("layer \($1)".utf8.count) }
        #expect(repo.size(of: many.manifest) == Int64(many.bytes.count) + manyConfig + manyLayers)
    }

    @Test func sizesAndUniqueSizes() async throws {
        let f = StoreFixture()
        let shared = String(repeating: "s", count: 1000)
        let a = f.image("a", tag: "v1", layers: [shared, String(repeating: "a", count: 300)])
        let b = f.image("b", tag: "v1", layers: [shared])
        let store = f.store()
        let (_, all) = try await store.loadEverything()
        let index = StoreIndex(all)
        let aRepo = try #require(all.first { $0.name == "a" })
        #expect(aRepo.size(of: a.manifest) == Int64(a.bytes.count + 1000 + 300) + aRepo.blobStates[a.config]!.size!)
        let sizes = try #require(index.sizes["a"])
        #expect(sizes.total == aRepo.size(of: a.manifest))
        #expect(sizes.unique == sizes.total - 1000)
        #expect(index.usage[b.layers[0]]?.repositories == 2)
        // The streamed `ls --json` counts with 32-byte keys; the sizes are the index's, SHA-512 blobs included.
        #expect(StoreIndex.sizes(of: all.map(StoreIndex.BlobUse.init), expectedBlobs: 10) == index.sizes)
        let long = Digest(algorithm: .sha512, bytes: [UInt8](repeating: 7, count: 64))
        let other = Digest(algorithm: .sha512, bytes: [UInt8](repeating: 8, count: 64))
        let uses = [
            StoreIndex.BlobUse(repository: "x", blobs: [.init(digest: long, size: 5, manifests: 1), .init(digest: a.config, size: 3, manifests: 1)]),
            StoreIndex.BlobUse(repository: "y", blobs: [.init(digest: long, size: 5, manifests: 1), .init(digest: other, size: 2, manifests: 1)]),
        ]
        #expect(StoreIndex.sizes(of: uses) == StoreIndex(uses: uses).sizes)
        #expect(StoreIndex.sizes(of: uses)["y"] == StoreIndex.RepositorySizes(total: 7, unique: 2))
    }

    @Test func transientFailuresAreRetried() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["l"])
        f.driver.plant(.transient(remaining: 2), at: StoreLayout.blobData(img.manifest))
        let repo = try #require(await f.store().load(repository: "r"))
        #expect(repo.revision(img.manifest)?.manifest != nil)
    }

    @Test func fifoWhereABlobShouldBeIsAProblem() async throws {
        let f = StoreFixture()
        let img = f.image("r", tag: "v1", layers: ["l"])
        f.driver.plant(.special("FIFO"), at: StoreLayout.blobData(img.manifest))
        let repo = try #require(await f.store().load(repository: "r"))
        #expect(repo.revision(img.manifest)?.problems.map(\.code) == [.blobNotRegular])
    }
}

