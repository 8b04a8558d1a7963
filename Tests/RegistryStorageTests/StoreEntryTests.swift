import Testing
@testable import RegistryStorage

/// `StoreLayout` builds paths and `StoreEntry` reads them back: the two must stay inverse (storage-format §1.2).
@Suite struct StoreEntryTests {
    static let d1 = Digest.sha256(of: Array("one".utf8))
    static let d2 = Digest.sha256(of: Array("two".utf8))
    static let d512 = Digest("sha512:" + String(repeating: "ab", count: 64))!

    /// One entry of every kind, in nested and plain repositories.
    static let entries: [StoreEntry] = [
        .blobData(d1), .blobData(d512),
        .journalEntry(id: "20240102-030405-0000abcd"),
    ] + ["app", "team/app", "registry.example.com:5000/team/app"].flatMap { name -> [StoreEntry] in
        [
            .layerLink(d1), .revisionLink(d2), .signatureLink(revision: d1, signature: d2), .tagCurrentLink(tag: "v1.0"),
            .tagIndexLink(tag: "latest", d512), .uploadData(id: "6e3b1c0a-uuid"), .uploadStartedAt(id: "6e3b1c0a-uuid"),
        ].map { StoreEntry.repository(name: name, $0) }
    }

    @Test(arguments: entries) func roundTrips(_ entry: StoreEntry) throws {
        let path = try #require(entry.path)
        #expect(StoreEntry(path) == entry)
        // Through text too, as a walk or an object listing hands paths over.
        let reparsed = StoragePath(validating: path.relativeString.split(separator: "/").map(String.init))
        #expect(reparsed.flatMap(StoreEntry.init) == entry)
    }

    @Test func pathsAreTheRegistrysTemplates() {
        let repo = StoreLayout.repository("team/app")
        let hex = Self.d1.hex
        #expect(StoreEntry.blobData(Self.d1).path?.relativeString == "blobs/sha256/\(hex.prefix(2))/\(hex)/data")
        #expect(StoreEntry.repository(name: "team/app", .tagCurrentLink(tag: "v1")).path == StoreLayout.tagCurrentLink(repo, "v1"))
        #expect(StoreEntry.repository(name: "team/app", .tagCurrentLink(tag: "v1")).path?.relativeString == "repositories/team/app/_manifests/tags/v1/current/link")
        #expect(StoreEntry.repository(name: "team/app", .layerLink(Self.d1)).path?.relativeString == "repositories/team/app/_layers/sha256/\(hex)/link")
        #expect(StoreEntry.repository(name: "team/app", .signatureLink(revision: Self.d1, signature: Self.d2)).path
            == StoreLayout.signatureLink(repo, revision: Self.d1, signature: Self.d2))
        #expect(StoreEntry.repository(name: "a", .uploadStartedAt(id: "u")).path?.relativeString == "repositories/a/_uploads/u/startedat")
        #expect(StoreEntry.journalEntry(id: "x-1").path == Journal.path("x-1"))
    }

    /// The relative forms batches open from a folder name the same files as the whole paths.
    @Test(arguments: [d1, d512]) func relativePathsJoinToTheWholeOnes(_ d: Digest) {
        let repo = StoreLayout.repository("team/app")
        #expect(StoreLayout.revisionsDirectory(repo).appending(StoreLayout.revisionLinkInRevisions(d)) == StoreLayout.revisionLink(repo, d))
        #expect(StoreLayout.blobAlgorithmDirectory(d.algorithm).appending(StoreLayout.blobDataInAlgorithmDirectory(d)) == StoreLayout.blobData(d))
        #expect(StoreLayout.revisionLink(repo, d).components(below: StoreLayout.revisionsDirectory(repo)) == StoreLayout.revisionLinkInRevisions(d))
        #expect(StoreLayout.revisionsDirectory(repo).components(below: StoreLayout.revisionsDirectory(repo)) == nil)
        #expect(StoreLayout.blobData(d).components(below: StoreLayout.revisionsDirectory(repo)) == nil)
    }

    /// Paths the registry never writes, including ones a hostile store or journal could hold.
    static let hostile: [[String]] = {
        let hex = d1.hex
        let fan = String(hex.prefix(2))
        return [
            [], ["blobs"], ["repositories"], ["repositories", "app"], ["drydock", "journal"],
            // dot segments and empty components
            ["repositories", "..", "_layers", "sha256", hex, "link"],
            ["repositories", "app", "_layers", "sha256", ".", "link"],
            ["repositories", ".", "_manifests", "tags", "v1", "current", "link"],
            ["repositories", "app", "_manifests", "tags", "..", "current", "link"],
            ["repositories", "", "_manifests", "tags", "v1", "current", "link"],
            ["repositories", "app", "_manifests", "tags", "", "current", "link"],
            ["blobs", "sha256", "..", hex, "data"],
            ["drydock", "journal", "..json"], ["drydock", "journal", ".json"],
            // slashes, NUL and control characters where the layout has fixed text, digests or ids
            ["repositories", "app", "_manifests", "tags", "a/b", "current", "link"],
            ["repositories", "app", "_manifests", "tags", "v1", "curr\u{1B}ent", "link"],
            ["repositories", "app", "_manifests", "revisions", "sha256", hex + "\u{7}", "link"],
            ["repositories", "app", "_layers", "sha256\u{0}", hex, "link"],
            ["blobs", "sha256", fan, hex, "data\n"],
            ["drydock", "journal", "id\u{1B}[2J.json"], ["drydock", "journal", "a b.json"],
            // bad digests
            ["blobs", "sha256", fan, hex.uppercased(), "data"],
            ["blobs", "sha256", "00", hex, "data"],
            ["blobs", "md5", fan, hex, "data"],
            ["repositories", "app", "_layers", "sha256", String(hex.dropLast()), "link"],
            ["repositories", "app", "_layers", "sha512", hex, "link"],
            ["repositories", "app", "_manifests", "revisions", "sha256", hex, "signatures", "sha256", "zz", "link"],
            ["repositories", "app", "_manifests", "tags", "v1", "index", "sha256", "../../x", "link"],
            // extra, missing or misplaced components
            ["blobs", "sha256", fan, hex, "data", "x"], ["blobs", "sha256", fan, hex],
            ["repositories", "app", "_layers", "sha256", hex, "link", "link"],
            ["repositories", "app", "_layers", "sha256", hex, "data"],
            ["repositories", "app", "_manifests", "revisions", "sha256", hex],
            ["repositories", "app", "_manifests", "revisions", "sha256", hex, "signatures", "sha256", hex, "link", "x"],
            ["repositories", "app", "_manifests", "layers", "sha256", hex, "link"],
            ["repositories", "app", "_manifests", "tags", "v1", "previous", "link"],
            ["repositories", "app", "_uploads", "u", "hashstates", "sha256", "0"],
            ["repositories", "app", "_blobs", "sha256", hex, "link"],
            ["repositories", "_layers", "sha256", hex, "link"],
            ["repositories", "app", "_x", "_layers", "sha256", hex, "link"],
            ["drydock", "journal", "x.json", "y"], ["drydock", "journal", "x.txt"], ["drydock", "notes", "x.json"],
            ["docker", "registry", "v2", "blobs", "sha256", fan, hex, "data"],
        ]
    }()

    @Test(arguments: hostile) func rejectsWhatTheRegistryNeverWrites(_ components: [String]) {
        #expect(StoreEntry(StoragePath(trusted: components)) == nil)
        // Reading the roles of any path never traps either.
        #expect(StoreEntry.roles(of: components).count == components.count)
    }

    @Test func partsThatCannotNameAPathHaveNone() {
        #expect(StoreEntry.repository(name: "team//app", .layerLink(Self.d1)).path == nil)
        #expect(StoreEntry.repository(name: "_team/app", .layerLink(Self.d1)).path == nil)
        #expect(StoreEntry.repository(name: "../etc", .layerLink(Self.d1)).path == nil)
        #expect(StoreEntry.repository(name: "app", .tagCurrentLink(tag: "..")).path == nil)
        #expect(StoreEntry.repository(name: "app", .tagIndexLink(tag: "a/b", Self.d1)).path == nil)
        #expect(StoreEntry.repository(name: "app", .uploadData(id: "")).path == nil)
        #expect(StoreEntry.journalEntry(id: ".hidden").path == nil)
        #expect(StoreEntry.journalEntry(id: "../x").path == nil)
    }

    /// Names and tags the registry would refuse are still read as stored, so the loader can report them
    /// (`invalidRepositoryName`, `invalidTagName`) instead of losing them.
    @Test func readsNamesAndTagsAsStored() {
        for (name, tag) in [("Team/App", "v1"), ("app", "-bad"), ("app", "esc\u{1B}[31m")] {
            let entry = StoreEntry.repository(name: name, .tagCurrentLink(tag: tag))
            #expect(entry.path.flatMap(StoreEntry.init) == entry)
        }
    }

    @Test func rolesOfFoldersAndPrefixes() {
        let hex = Self.d1.hex
        func roles(_ key: String) -> [StoreEntry.Role?] { StoreEntry.roles(of: key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)) }
        #expect(roles("repositories/team/app/_manifests/tags/v1/index/sha256/")
            == [.literal, .repositoryName, .repositoryName, .literal, .literal, .tag, .literal, .algorithm, .hex])
        #expect(roles("repositories/team/") == [.literal, .repositoryName, nil])
        #expect(roles("blobs/sha256/\(hex.prefix(2))/\(hex)/data") == [.literal, .algorithm, .fanOut, .hex, .literal])
        #expect(roles("repositories/app/_uploads/u/hashstates") == [.literal, .repositoryName, .literal, .uploadID, nil])
        #expect(roles("repositories/app/_manifests/revisions/sha256/\(hex)/signatures/sha256/\(hex)/link")
            == [.literal, .repositoryName, .literal, .literal, .algorithm, .hex, .literal, .algorithm, .hex, .literal])
        #expect(roles("drydock/journal/x.json") == [.literal, .literal, .journalFile])
        #expect(roles("elsewhere/x") == [nil, nil])
    }
}

extension StoreEntry: CustomTestStringConvertible {
    public var testDescription: String { path?.description ?? "\(self)" }
}
