import Foundation
import RegistryStorage
import Testing

/// Drydock's reading of a store must agree with what the real registry (distribution 2.8.2) serves from that store.
///
/// One registry gets every manifest format (schema2, OCI, schema1 stored as payload, OCI index, Docker manifest list)
/// across nested names (`team/app` is a repository and the namespace of `team/app/sub`; `lib/0` sorts before `lib`),
/// retags that leave revisions untagged, one manifest tagged twice, and one manifest deleted through the API. Then the
/// library (`RegistryStore.loadAll`) and the binary (`drydock ls --json`) must read the same thing, and that thing
/// must match `/v2/_catalog`, `tags/list`, `manifests/REF` and `blobs/DIGEST`.
///
/// Media type pairing for schema1: 2.8.2 stores only the unsigned payload and re-signs it on every GET, so Drydock
/// reports the stored format, `application/vnd.docker.distribution.manifest.v1+json`, while the registry answers
/// `Content-Type: application/vnd.docker.distribution.manifest.v1+prettyjws` with the same `Docker-Content-Digest`
/// (the payload's digest). Every other type is served under the media type Drydock reports.
@Suite(.heavy) struct ListAgreementTests {
    // A dozen pushes and a hundred requests: minutes of wall time on a loaded 2-core machine; a hang is what the
    // limit is for.
    @Test(.timeLimit(.minutes(5)))
    func libraryAndBinaryAgreeWithTheRegistryAPI() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        _ = try DrydockBinary.path()
        let clock = ContinuousClock()
        let started = clock.now
        let scratch = try TemporaryDirectory(prefix: "drydock-agree")
        defer { scratch.remove() }
        let images = try AgreementImages(layout: OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout")))

        try await RegistryServer.with { server in
            let expected = try await AgreementScenario.push(images, to: server)
            let pushed = clock.now
            let root = server.rootDirectory.path

            // The library.
            let registry = try RegistryStore.open(root: root)
            let listing = try await registry.repositories()
            let contents = await registry.loadAll(listing.repositories)
            let index = StoreIndex(contents)
            let library = contents.map { RepositoryView(library: $0, index: index) }
            #expect(listing.problems.isEmpty, "\(listing.problems)")
            for repo in contents {
                #expect(repo.allProblems.isEmpty, "\(repo.name): \(repo.allProblems)")
            }

            // The binary.
            let ls = try await DrydockBinary.run(["ls", "--json", root])
            try #require(ls.succeeded, "\(ls.commandLine): \(ls.stderrString)")
            let document = try JSONDecoder().decode(ListJSON.Document.self, from: Data(ls.stdout))
            let binary = document.repositories.map(RepositoryView.init(json:))
            #expect(document.store == root)
            #expect(document.allProblems.isEmpty, "\(document.allProblems)")
            #expect(library == binary, "library and `drydock ls --json` read the store differently")

            let checker = AgreementChecker(api: server.api, files: StoreFiles(server), expected: expected)
            try await checker.checkCatalog(binary)
            for repo in binary { try await checker.checkRepository(repo) }
            checker.checkRepositorySizes(binary)
            try await checker.checkDeletion(binary)
            try await checker.checkNarrowing(root: root, full: binary)
            let checked = clock.now
            print(
                "ListAgreement: build+push+delete \(pushed - started), read+compare \(checked - pushed), "
                    + "\(checker.requestCount) HTTP requests"
            )
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func exitCodesForMissingStoresAndBadUsage() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-agree-cli")
        defer { scratch.remove() }
        let store = scratch.url.appendingPathComponent("store")
        try FileManager.default.createDirectory(
            at: store.appendingPathComponent("docker/registry/v2/repositories"), withIntermediateDirectories: true)

        let empty = try await DrydockBinary.run(["ls", "--json", store.path])
        #expect(empty.exitCode == 0, "\(empty.stderrString)")
        let document = try JSONDecoder().decode(ListJSON.Document.self, from: Data(empty.stdout))
        #expect(document.repositories.isEmpty)

        let missing = scratch.url.appendingPathComponent("no-such-store").path
        let notThere = try await DrydockBinary.run(["ls", "--json", missing])
        #expect(notThere.exitCode == 1)
        #expect(notThere.stderrString.contains(missing), "\(notThere.stderrString)")
        #expect(notThere.stdout.isEmpty)

        // Targets that cannot be parsed are usage errors: exit 2 before the store is read.
        for target in ["team/app:bad tag!", "a//b", "team/_layers", "team/app@sha256:abc"] {
            let result = try await DrydockBinary.run(["ls", "--json", store.path, target])
            #expect(result.exitCode == 2, "\(target): \(result.stderrString)")
            #expect(result.stdout.isEmpty, "\(target)")
        }
        let noStore = try await DrydockBinary.run(["ls", "--json"])
        #expect(noStore.exitCode == 2, "\(noStore.stderrString)")

        // A name outside the repository grammar (storage-format §2) that no folder carries.
        let badName = try await DrydockBinary.run(["ls", "--json", store.path, "bad name!"])
        #expect(badName.stderrString.contains("bad name!"), "\(badName.stderrString)")
        #expect(badName.stdout.isEmpty)
        #expect(badName.exitCode == 2, "\(badName.stderrString)")
    }
}

// MARK: - Images and pushes

/// The images of the scenario, in one OCI layout. Every image shares the `base` layer.
struct AgreementImages {
    let layout: OCIImageBuilder
    let a1: ImageInfo
    let a2: ImageInfo
    let arm: ImageInfo
    let multi: IndexInfo
    /// `base` twice: schema1 `fsLayers` then repeat a blobSum (listed top first: top, base, dup, base).
    let dup: ImageInfo
    let doomed: ImageInfo

    init(layout: OCIImageBuilder) throws {
        self.layout = layout
        let base = LayerSpec(seed: "agree-base")
        a1 = try layout.addImage(tag: "a1", layers: [base, LayerSpec(seed: "agree-a1")])
        a2 = try layout.addImage(tag: "a2", layers: [base, LayerSpec(seed: "agree-a2")], labels: ["version": "2"])
        arm = try layout.addImage(
            tag: nil, layers: [base, LayerSpec(seed: "agree-arm")], architecture: "arm64", variant: "v8")
        multi = try layout.addIndex(tag: "multi", images: [a1, arm])
        dup = try layout.addImage(
            tag: "dup", layers: [base, LayerSpec(seed: "agree-dup"), base, LayerSpec(seed: "agree-dup-top")])
        doomed = try layout.addImage(tag: "doomed", layers: [base, LayerSpec(seed: "agree-doomed")])
    }
}

/// What the pushes must have left in the store, per repository.
struct AgreementExpectation: Sendable {
    /// Tag to the digest it points at now.
    var tags: [String: [String: String]] = [:]
    /// Tag to every digest it ever pointed at.
    var history: [String: [String: Set<String>]] = [:]
    /// Every stored manifest revision, tagged or not.
    var revisions: [String: Set<String>] = [:]
    /// The revisions no tag points at.
    var untagged: [String: Set<String>] = [:]
    /// Schema1 revisions: the image's layer digests, top layer first (as `fsLayers` lists them).
    var schema1BlobSums: [String: [String]] = [:]
    var deletedRepository = ""
    var deletedDigest = ""
    var deletedTags: [String] = []

    mutating func tag(_ repository: String, _ tag: String, _ digest: String) {
        tags[repository, default: [:]][tag] = digest
        history[repository, default: [:]][tag, default: []].insert(digest)
        revisions[repository, default: []].insert(digest)
    }

    mutating func untaggedRevision(_ repository: String, _ digest: String) {
        revisions[repository, default: []].insert(digest)
        untagged[repository, default: []].insert(digest)
    }
}

enum AgreementScenario {
    static let deletedRepository = "team/app/sub"
    static let deletedTags = ["doomed", "doomed-too"]

    /// `openStore` reads the store the server writes (the filesystem root by default; an S3 bed passes its own).
    static func push(
        _ images: AgreementImages, to server: RegistryServer,
        openStore: (RegistryServer) async throws -> RegistryStore = { try RegistryStore.open(root: $0.rootDirectory.path) }
    ) async throws -> AgreementExpectation {
        let api = server.api
        var expect = AgreementExpectation()
        func copy(_ source: String, _ repository: String, _ tag: String, _ format: Skopeo.Format, all: Bool = false)
            async throws -> String
        {
            let result = try await Skopeo.copy(
                layout: images.layout, tag: source, to: server, repository: repository, destinationTag: tag,
                format: format, all: all)
            try #require(result.digest.hasPrefix("sha256:"), "no digest from skopeo for \(repository):\(tag)")
            return result.digest
        }

        // team/app: schema2; v1 retagged to a new image (the old one stays, untagged), then v2 = v1.
        let appOld = try await copy("a1", "team/app", "v1", .v2s2)
        let appNew = try await copy("a2", "team/app", "v1", .v2s2)
        let appNewAgain = try await copy("a2", "team/app", "v2", .v2s2)
        #expect(appOld != appNew)
        #expect(appNewAgain == appNew, "the same image converted twice gives the same schema2 bytes")
        expect.tag("team/app", "v1", appOld)
        expect.tag("team/app", "v1", appNew)
        expect.tag("team/app", "v2", appNew)
        expect.untaggedRevision("team/app", appOld)

        // team/app/sub (nested under a repository): OCI manifest, OCI index (children stored untagged, one of them
        // also tagged on its own), and a manifest tagged twice, deleted below.
        #expect(try await copy("a1", "team/app/sub", "v1", .oci) == images.a1.manifestDigest)
        #expect(try await copy("multi", "team/app/sub", "multi", .oci, all: true) == images.multi.digest)
        expect.tag("team/app/sub", "v1", images.a1.manifestDigest)
        expect.tag("team/app/sub", "multi", images.multi.digest)
        expect.untaggedRevision("team/app/sub", images.arm.manifestDigest)
        for tag in deletedTags {
            #expect(try await copy("doomed", deletedRepository, tag, .oci) == images.doomed.manifestDigest)
        }

        // lib: schema1 (skopeo signs; 2.8.2 stores the payload), with a repeated blobSum; `old` retagged.
        let libDup = try await copy("dup", "lib", "s1", .v2s1)
        expect.tag("lib", "s1", libDup)
        let libOld = try await copy("a1", "lib", "old", .v2s1)
        let libNew = try await copy("a2", "lib", "old", .v2s1)
        expect.schema1BlobSums[libDup] = images.dup.layerDigests.reversed()
        expect.schema1BlobSums[libOld] = images.a1.layerDigests.reversed()
        expect.schema1BlobSums[libNew] = images.a2.layerDigests.reversed()
        #expect(Set(images.dup.layerDigests).count < images.dup.layerDigests.count, "a repeated layer")
        #expect(libOld != libNew)
        expect.tag("lib", "old", libOld)
        expect.tag("lib", "old", libNew)
        expect.untaggedRevision("lib", libOld)

        // lib/0 (sorts before lib in the catalog): a Docker manifest list with schema2 children, and an OCI manifest.
        let list = try await copy("multi", "lib/0", "list", .v2s2, all: true)
        expect.tag("lib/0", "list", list)
        #expect(try await copy("a2", "lib/0", "oci", .oci) == images.a2.manifestDigest)
        expect.tag("lib/0", "oci", images.a2.manifestDigest)
        let served = try await api.manifest("lib/0", list)
        try #require(served.status == 200 && served.contentType == MediaType.manifestList, "\(served.bodyString)")
        let children = try JSONDecoder().decode(ServedManifest.self, from: Data(served.body)).manifests ?? []
        #expect(children.count == 2)
        for child in children { expect.untaggedRevision("lib/0", child.digest) }

        // Before the delete, Drydock sees the doomed manifest under both tags.
        let before = try #require(await openStore(server).load(repository: deletedRepository))
        let doomed = before.revisions.first { $0.digest.description == images.doomed.manifestDigest }
        #expect(doomed?.tags == deletedTags, "one manifest, two tags")

        #expect(try await api.deleteManifest(deletedRepository, images.doomed.manifestDigest) == 202)
        expect.deletedRepository = deletedRepository
        expect.deletedDigest = images.doomed.manifestDigest
        expect.deletedTags = deletedTags
        return expect
    }
}

// MARK: - One shape for the library and the binary

struct ReferenceView: Equatable, Sendable {
    var digest: String
    var mediaType: String?
    var size: Int64?
}

struct ManifestView: Equatable, Sendable {
    var digest: String
    var mediaType: String?
    var size: Int64
    var tags: [String]
    var references: [ReferenceView]

    var isIndex: Bool { mediaType == MediaType.ociIndex || mediaType == MediaType.manifestList }
}

struct TagView: Equatable, Sendable {
    var name: String
    var digest: String?
    var history: [String]
}

struct RepositoryView: Equatable, Sendable {
    var name: String
    var listedByRegistry: Bool
    var tags: [TagView]
    var manifests: [ManifestView]
    var layers: [String]
    var size: Int64
    var uniqueSize: Int64

    func manifest(_ digest: String) -> ManifestView? { manifests.first { $0.digest == digest } }

    /// Digests a revision needs: itself, its blobs and, for an index, its children's closures.
    func closure(of digest: String, into seen: inout Set<String>) {
        guard seen.insert(digest).inserted, let m = manifest(digest) else { return }
        for ref in m.references {
            if m.isIndex { closure(of: ref.digest, into: &seen) } else { seen.insert(ref.digest) }
        }
    }

    /// Every blob the repository's revisions keep alive.
    var referencedBlobs: Set<String> {
        var out = Set<String>()
        for m in manifests {
            out.insert(m.digest)
            if !m.isIndex { out.formUnion(m.references.map(\.digest)) }
        }
        return out
    }

    init(library repo: RepositoryContents, index: StoreIndex) {
        name = repo.name
        listedByRegistry = repo.entry.isListedByRegistry
        tags = repo.tags.map {
            TagView(name: $0.name, digest: $0.current?.description, history: $0.history.map(\.description))
        }
        manifests = repo.revisions.map { r in
            ManifestView(
                digest: r.digest.description, mediaType: r.manifest?.format.mediaType, size: repo.size(of: r.digest),
                tags: r.tags,
                references: (r.manifest?.references ?? []).map { d in
                    ReferenceView(
                        digest: d.digestText, mediaType: d.mediaType,
                        size: d.size ?? d.digest.flatMap { repo.blobStates[$0]?.size })
                })
        }
        layers = repo.layerLinks.map(\.digest.description)
        let sizes = index.sizes[repo.name]
        size = sizes?.total ?? 0
        uniqueSize = sizes?.unique ?? 0
    }

    init(json repo: ListJSON.Repository) {
        name = repo.name
        listedByRegistry = repo.listedByRegistry
        tags = repo.tags.map { TagView(name: $0.name, digest: $0.digest, history: $0.history) }
        manifests = repo.manifests.map { m in
            ManifestView(
                digest: m.digest, mediaType: m.mediaType, size: m.size, tags: m.tags,
                references: m.references.map { ReferenceView(digest: $0.digest, mediaType: $0.mediaType, size: $0.size) })
        }
        layers = repo.layers
        size = repo.size
        uniqueSize = repo.uniqueSize
    }
}

/// The `drydock ls --json` document (the fields these tests read).
enum ListJSON {
    struct Problem: Decodable, Sendable, CustomStringConvertible {
        var severity: String
        var code: String
        var path: String?
        var message: String
        var description: String { "\(severity) \(code) \(path ?? "-"): \(message)" }
    }

    struct Reference: Decodable, Sendable {
        var digest: String
        var mediaType: String?
        var size: Int64?
        var platform: String?
    }

    struct Manifest: Decodable, Sendable {
        var digest: String
        var mediaType: String?
        var size: Int64
        var tags: [String]
        var references: [Reference]
        var problems: [Problem]
    }

    struct Tag: Decodable, Sendable {
        var name: String
        var digest: String?
        var history: [String]
        var problems: [Problem]
    }

    struct Repository: Decodable, Sendable {
        var name: String
        var listedByRegistry: Bool
        var tags: [Tag]
        var manifests: [Manifest]
        var layers: [String]
        var size: Int64
        var uniqueSize: Int64
        var problems: [Problem]
    }

    struct Document: Decodable, Sendable {
        var store: String
        var repositories: [Repository]
        var problems: [Problem]

        var allProblems: [Problem] {
            problems
                + repositories.flatMap { r in
                    r.problems + r.tags.flatMap(\.problems) + r.manifests.flatMap(\.problems)
                }
        }
    }
}

/// A manifest body as the registry serves it (any format).
struct ServedManifest: Decodable, Sendable {
    struct Descriptor: Decodable, Sendable {
        var mediaType: String?
        var digest: String
        var size: Int64
    }

    struct FSLayer: Decodable, Sendable {
        var blobSum: String
    }

    var schemaVersion: Int
    var mediaType: String?
    var config: Descriptor?
    var layers: [Descriptor]?
    var manifests: [Descriptor]?
    var fsLayers: [FSLayer]?

    /// What the body references, in its order: schema1 blobSums (duplicates kept), index children, else config then
    /// layers.
    var references: [ReferenceView] {
        if schemaVersion == 1 { return (fsLayers ?? []).map { ReferenceView(digest: $0.blobSum) } }
        if let manifests { return manifests.map(ReferenceView.init(served:)) }
        return (config.map { [$0] } ?? []).map(ReferenceView.init(served:)) + (layers ?? []).map(ReferenceView.init(served:))
    }
}

extension ReferenceView {
    init(served d: ServedManifest.Descriptor) {
        self.init(digest: d.digest, mediaType: d.mediaType, size: d.size)
    }

    /// Schema1: the body names the digest only.
    init(digest: String) {
        self.init(digest: digest, mediaType: nil, size: nil)
    }
}

// MARK: - Checks against the HTTP API

/// Compares one reading of the store with the registry's answers. Used from one task at a time.
final class AgreementChecker {
    let api: RegistryAPI
    /// The stored bytes of a blob (`blobs/.../data`), read without Drydock.
    let readBlob: (String) async throws -> [UInt8]?
    let expected: AgreementExpectation
    private(set) var requestCount = 0
    /// Sizes learned from the registry (blob HEADs, served manifests) and, for schema1 payloads, from the store.
    private var sizes: [String: Int64] = [:]
    private var blobHeads: [String: HTTPResponse] = [:]

    convenience init(api: RegistryAPI, files: StoreFiles, expected: AgreementExpectation) {
        self.init(api: api, readBlob: { files.read(files.blobData($0)) }, expected: expected)
    }

    init(api: RegistryAPI, readBlob: @escaping (String) async throws -> [UInt8]?, expected: AgreementExpectation) {
        self.api = api
        self.readBlob = readBlob
        self.expected = expected
    }

    /// The Content-Type the registry serves a revision under, given the media type Drydock reports for it.
    /// Schema1 is the one difference: the store holds the unsigned payload (`v1+json`), the registry re-signs it.
    static func servedContentType(forStored mediaType: String?) -> String? {
        mediaType == MediaType.schema1 ? MediaType.schema1Signed : mediaType
    }

    // (a)
    func checkCatalog(_ repositories: [RepositoryView]) async throws {
        requestCount += 1
        let page = try await api.catalogPage(n: 1000)
        #expect(page.next == nil)
        // The scenario's own premise: a digit-named child before its parent, a parent before its children.
        #expect(page.repositories == ["lib/0", "lib", "team/app", "team/app/sub"])
        #expect(repositories.map(\.name) == page.repositories, "drydock order must be the catalog order")
        #expect(repositories.filter(\.listedByRegistry).map(\.name) == page.repositories)
        #expect(repositories.allSatisfy { $0.listedByRegistry }, "every repository the registry wrote has _layers")
    }

    func checkRepository(_ repo: RepositoryView) async throws {
        let name = repo.name

        // (b) the tag set.
        requestCount += 1
        let servedTags = try await api.tags(name)
        #expect(Set(repo.tags.map(\.name)) == Set(servedTags), "\(name)")
        #expect(repo.tags.count == servedTags.count, "\(name)")
        #expect(Set(repo.tags.map(\.name)) == Set((expected.tags[name] ?? [:]).keys), "\(name)")

        // (c) each tag's target, and its history as pushed.
        for tag in repo.tags {
            requestCount += 1
            let served = try await api.manifest(name, tag.name)
            #expect(served.status == 200, "\(name):\(tag.name)")
            #expect(tag.digest != nil && tag.digest == served.digestHeader, "\(name):\(tag.name)")
            #expect(tag.digest == expected.tags[name]?[tag.name], "\(name):\(tag.name)")
            #expect(Set(tag.history) == expected.history[name]?[tag.name], "\(name):\(tag.name) history")
        }

        // (g) exactly the pushed revisions; untagged ones listed with no tags; tags agree with the tag list.
        #expect(Set(repo.manifests.map(\.digest)) == expected.revisions[name], "\(name) revisions")
        #expect(repo.manifests.count == Set(repo.manifests.map(\.digest)).count, "\(name) revisions listed once")
        #expect(
            Set(repo.manifests.filter(\.tags.isEmpty).map(\.digest)) == expected.untagged[name] ?? [],
            "\(name) untagged revisions")
        for m in repo.manifests {
            let pointing = repo.tags.filter { $0.digest == m.digest }.map(\.name).sorted()
            #expect(m.tags.sorted() == pointing, "\(name)@\(m.digest) tags")
        }

        // (d) (e) (h) each revision as served by digest, and what it references.
        for m in repo.manifests {
            try await checkManifest(m, in: repo)
        }

        // Sizes: each revision's closure, from sizes the registry reports.
        for m in repo.manifests {
            var closure = Set<String>()
            repo.closure(of: m.digest, into: &closure)
            let known = closure.compactMap { sizes[$0] }
            #expect(known.count == closure.count, "\(name)@\(m.digest): sizes of \(closure.subtracting(sizes.keys))")
            #expect(m.size == known.reduce(0, +), "\(name)@\(m.digest) size")
        }

        // Layer links: each is a blob the registry serves to this repository; every blob reference is linked.
        for layer in repo.layers {
            let head = try await headBlob(name, layer)
            #expect(head.status == 200, "\(name) layer link \(layer)")
        }
        let blobReferences = repo.manifests.filter { !$0.isIndex }.flatMap { $0.references.map(\.digest) }
        #expect(Set(blobReferences).isSubset(of: Set(repo.layers)), "\(name): referenced blobs not in _layers")
    }

    private func checkManifest(_ m: ManifestView, in repo: RepositoryView) async throws {
        let name = repo.name
        let at = "\(name)@\(m.digest)"
        requestCount += 1
        let served = try await api.manifest(name, m.digest)
        // (d)
        #expect(served.status == 200, "\(at)")
        guard served.status == 200 else { return }
        #expect(served.digestHeader == m.digest, "\(at)")
        #expect(m.mediaType != nil, "\(at): drydock could not type it")
        #expect(served.contentType == Self.servedContentType(forStored: m.mediaType), "\(at)")
        let body = try JSONDecoder().decode(ServedManifest.self, from: Data(served.body))

        if body.schemaVersion == 1 {
            // Drydock reports the stored payload (unsigned); the registry serves it signed, same digest.
            #expect(m.mediaType == MediaType.schema1, "\(at)")
            #expect(served.contentType == MediaType.schema1Signed, "\(at)")
            #expect(served.bodyString.contains("\"signatures\""), "\(at)")
            let stored = try #require(try await readBlob(m.digest), "\(at): no blob data")
            #expect(StoreFiles.sha256(stored) == m.digest, "\(at)")
            #expect(!String(decoding: stored, as: UTF8.self).contains("\"signatures\""), "\(at): payload only")
            sizes[m.digest] = Int64(stored.count)
            // (e) blobSums in order, duplicates kept; the body names no sizes, Drydock takes them from the store.
            #expect(m.references.map(\.digest) == body.references.map(\.digest), "\(at) fsLayers")
            if let pushed = expected.schema1BlobSums[m.digest] {
                #expect(m.references.map(\.digest) == pushed, "\(at): the image's layers, top first")
            }
        } else {
            #expect(StoreFiles.sha256(served.body) == m.digest, "\(at): served bytes are the stored bytes")
            #expect(body.mediaType == m.mediaType, "\(at)")
            sizes[m.digest] = Int64(served.body.count)
            // (e) config then layers, or the index's children: digest, media type and size, in order.
            #expect(m.references == body.references, "\(at) references")
        }

        for ref in m.references {
            if m.isIndex {
                // An index child is a manifest of the same repository.
                requestCount += 1
                let child = try await api.headManifest(name, ref.digest)
                #expect(child.status == 200, "\(at) child \(ref.digest)")
                #expect(child.digestHeader == ref.digest, "\(at) child \(ref.digest)")
                #expect(child.contentType == ref.mediaType, "\(at) child \(ref.digest)")
                // (h)
                #expect(ref.size != nil && ref.size == child.contentLength.map(Int64.init), "\(at) child \(ref.digest) size")
            } else {
                let head = try await headBlob(name, ref.digest)
                #expect(head.status == 200, "\(at) blob \(ref.digest)")
                let length = head.header("content-length").flatMap { Int64($0) }
                // (h)
                #expect(ref.size != nil && ref.size == length, "\(at) blob \(ref.digest) size")
                if let length { sizes[ref.digest] = length }
            }
        }
    }

    /// Repository totals: every blob its revisions keep alive, and the part no other repository references.
    func checkRepositorySizes(_ repositories: [RepositoryView]) {
        let referenced = Dictionary(uniqueKeysWithValues: repositories.map { ($0.name, $0.referencedBlobs) })
        for repo in repositories {
            let blobs = referenced[repo.name] ?? []
            let elsewhere = referenced.filter { $0.key != repo.name }.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            let unique = blobs.subtracting(elsewhere)
            #expect(blobs.allSatisfy { sizes[$0] != nil }, "\(repo.name): sizes of \(blobs.subtracting(sizes.keys))")
            #expect(repo.size == blobs.reduce(0) { $0 + (sizes[$1] ?? 0) }, "\(repo.name) size")
            #expect(repo.uniqueSize == unique.reduce(0) { $0 + (sizes[$1] ?? 0) }, "\(repo.name) unique size")
        }
        // The shared base layer is nobody's own.
        let shared = referenced.values.reduce(into: [String: Int]()) { counts, set in
            for d in set { counts[d, default: 0] += 1 }
        }
        #expect(shared.values.contains(repositories.count), "a base layer shared by every repository")
    }

    // (f)
    func checkDeletion(_ repositories: [RepositoryView]) async throws {
        let name = expected.deletedRepository
        let digest = expected.deletedDigest
        let repo = try #require(repositories.first { $0.name == name })
        #expect(repo.manifest(digest) == nil, "deleted manifest still listed")
        for tag in expected.deletedTags {
            #expect(repo.tags.contains { $0.name == tag } == false, "tag \(tag) of the deleted manifest")
            requestCount += 1
            #expect(try await api.manifest(name, tag).status == 404, "\(name):\(tag)")
        }
        #expect(repo.tags.allSatisfy { $0.digest != digest && !$0.history.contains(digest) })
        requestCount += 1
        #expect(try await api.manifest(name, digest).status == 404, "GET \(name)@\(digest)")
        #expect(!expected.deletedTags.isEmpty)
    }

    /// `drydock ls STORE REPO:TAG` shows that tag and its manifest (an index with its children), as the full listing
    /// shows them; a deleted digest is not stored.
    func checkNarrowing(root: String, full: [RepositoryView]) async throws {
        try await checkNarrowing(store: [root], environment: [:], full: full)
    }

    /// `store`: the arguments that name the store (a root, or `s3://...` with its options); `environment` is added
    /// to the binary's.
    func checkNarrowing(store: [String], environment: [String: String], full: [RepositoryView]) async throws {
        func drydock(_ arguments: [String]) async throws -> ProcessResult {
            try await Shell.run(try DrydockBinary.path(), arguments, environment: Shell.childEnvironment(adding: environment), timeout: 60)
        }
        let cases: [(target: String, repository: String, tag: String)] = [
            ("team/app:v1", "team/app", "v1"),
            ("team/app/sub:multi", "team/app/sub", "multi"),
            ("lib:s1", "lib", "s1"),
        ]
        for c in cases {
            let result = try await drydock(["ls"] + store + [c.target, "--json"])
            #expect(result.exitCode == 0, "\(c.target): \(result.stderrString)")
            guard result.exitCode == 0 else { continue }
            let document = try JSONDecoder().decode(ListJSON.Document.self, from: Data(result.stdout))
            let shown = document.repositories.map(RepositoryView.init(json:))
            #expect(shown.map(\.name) == [c.repository], "\(c.target)")
            guard let narrowed = shown.first, let whole = full.first(where: { $0.name == c.repository }) else { continue }
            #expect(narrowed.tags.map(\.name) == [c.tag], "\(c.target)")
            let digest = try #require(expected.tags[c.repository]?[c.tag])
            #expect(narrowed.tags.first?.digest == digest, "\(c.target)")
            var keep: Set<String> = [digest]
            if let m = whole.manifest(digest), m.isIndex { keep.formUnion(m.references.map(\.digest)) }
            #expect(Set(narrowed.manifests.map(\.digest)) == keep, "\(c.target)")
            for m in narrowed.manifests {
                #expect(m == whole.manifest(m.digest), "\(c.target): \(m.digest) as in the full listing")
            }
        }

        let deleted = "\(expected.deletedRepository)@\(expected.deletedDigest)"
        let gone = try await drydock(["ls", "--json"] + store + [deleted])
        #expect(gone.exitCode == 1, "\(deleted): \(gone.stderrString)")
        #expect(gone.stderrString.contains(expected.deletedDigest), "\(gone.stderrString)")
        #expect(gone.stdout.isEmpty)
    }

    private func headBlob(_ repository: String, _ digest: String) async throws -> HTTPResponse {
        let key = repository + "@" + digest
        if let known = blobHeads[key] { return known }
        requestCount += 1
        let response = try await api.request("HEAD", "/v2/\(repository)/blobs/\(digest)")
        blobHeads[key] = response
        return response
    }
}
