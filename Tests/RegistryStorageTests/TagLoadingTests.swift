import Foundation
import Testing
@testable import RegistryStorage

/// Tag loading pairs each tag with its own `current/link` read, whatever else is in the folder: tags caught between
/// the registry's two writes (tagstore.go `Tag` links `index/` first, then `current/`), drivers that answer a batch
/// read with the wrong number of results, and names that are different bytes but equal Swift strings.
@Suite struct TagLoadingTests {
    /// "a" and "c" have history but no `current/link` (as mid-push or mid-untag); "b" and "d" are whole tags.
    private static func interleavedStore() -> (StoreFixture, b: Digest, d: Digest) {
        let f = StoreFixture()
        let b = f.image("r", tag: "b", layers: ["layer of b"]).manifest
        let d = f.image("r", tag: "d", layers: ["layer of d"]).manifest
        f.link(StoreLayout.tagIndexLink(f.repo("r"), "a", b), b)
        f.link(StoreLayout.tagIndexLink(f.repo("r"), "c", d), d)
        return (f, b, d)
    }

    static let details: [LoadDetail] = [.full, .listing, .marking]

    /// Walked (object store) and scanned (filesystem-like) loads, at every detail: the CI crash was a walked load
    /// whose running index ran past the prefetched reads when a tag without `current/link` sorted before others.
    @Test(arguments: [false, true], details)
    func tagsWithAndWithoutCurrentInterleaved(walks: Bool, detail: LoadDetail) async throws {
        let (f, b, d) = Self.interleavedStore()
        let driver = ReadEachScriptDriver(base: f.driver, listsRecursivelyCheaply: walks)
        let repo = try #require(await RegistryStore(driver: driver).load(repository: "r", detail: detail))
        #expect(repo.tags.map(\.name) == ["a", "b", "c", "d"])
        #expect(repo.tags.map(\.current) == [nil, b, nil, d])
        for name in ["a", "c"] { #expect(repo.tag(name)?.problems.map(\.code) == [.tagWithoutCurrent]) }
        for name in ["b", "d"] { #expect(repo.tag(name)?.problems == []) }
        #expect(repo.revision(b)?.tags == ["b"])
        #expect(repo.revision(d)?.tags == ["d"])
    }

    /// A driver whose batch answer has too few or too many results cannot be paired with the links asked for:
    /// every link is read again directly, so each tag still gets its own target.
    @Test(arguments: [ReadEachScriptDriver.Answer.dropFirst, .dropLast, .empty, .extraFirst, .extraLast])
    func miscountedBatchReadsAreReadDirectly(answer: ReadEachScriptDriver.Answer) async throws {
        let f = StoreFixture()
        let manifests = ["t1", "t2", "t3"].map { (t: String) in f.image("r", tag: t, layers: ["layer of \(t)"]).manifest }
        for walks in [false, true] {
            let driver = ReadEachScriptDriver(base: f.driver, listsRecursivelyCheaply: walks, answer: answer)
            let repo = try #require(await RegistryStore(driver: driver).load(repository: "r", detail: .listing))
            #expect(repo.tags.map(\.current) == manifests, "walks: \(walks)")
            #expect(repo.tags.allSatisfy { $0.problems.isEmpty }, "walks: \(walks)")
            #expect(driver.batchCount.withLock { $0 } > 0, "the batch read was asked for")
            // Every current link was read again on its own.
            let currentReads = driver.directReads.withLock { $0 }.filter { $0.lastComponent == "link" && $0.parent.lastComponent == "current" }
            #expect(Set(currentReads) == Set(["t1", "t2", "t3"].map { StoreLayout.tagCurrentLink(f.repo("r"), $0) }), "walks: \(walks)")
        }
    }

    /// The honest driver: a batch answered in full is used, with no direct read of a tag's current link.
    @Test func fullBatchAnswerIsUsed() async throws {
        let f = StoreFixture()
        let manifests = ["t1", "t2"].map { (t: String) in f.image("r", tag: t, layers: ["layer of \(t)"]).manifest }
        let driver = ReadEachScriptDriver(base: f.driver, listsRecursivelyCheaply: true)
        let repo = try #require(await RegistryStore(driver: driver).load(repository: "r", detail: .listing))
        #expect(repo.tags.map(\.current) == manifests)
        #expect(driver.directReads.withLock { $0 }.allSatisfy { $0.parent.lastComponent != "current" })
    }

    /// A listing load reads manifest and image-config blobs in batches under `blobs/sha256/` (more revisions than one
    /// batch holds), none of them one by one; the filesystem's batches load the same.
    @Test func manifestAndConfigBlobsAreReadInBatches() async throws {
        let f = StoreFixture()
        let count = RepositoryLoader.manifestBatch + 4
        let images = (0..<count).map { f.image("r", tag: "t\($0)", layers: ["layer \($0)"]) }
        let driver = ReadEachScriptDriver(base: f.driver, listsRecursivelyCheaply: false)
        let repo = try #require(await RegistryStore(driver: driver).load(repository: "r", detail: .listing))
        // The filesystem's batches open each blob relative to `blobs/sha256/`: the same load.
        let root = try f.writeToDisk()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let onDisk = try FilesystemDriver(v2Directory: root + "/docker/registry/v2")
        #expect(try #require(await RegistryStore(driver: onDisk).load(repository: "r", detail: .listing)) == repo)
        for image in images {
            #expect(repo.revision(image.manifest)?.manifest?.config?.digest == image.config)
            #expect(repo.revision(image.manifest)?.config?.created != nil)
        }
        #expect(driver.directReads.withLock { $0 }.filter { $0.components.first == "blobs" } == [])
        // Two batches of manifests and two of configs.
        let blobBatches = driver.batchDirectories.withLock { $0 }.filter { $0 == StoreLayout.blobAlgorithmDirectory(.sha256) }
        #expect(blobBatches.count == 4)
    }

    /// Batch reads that failed transiently are not taken: every manifest and config is read again on its own (with
    /// retries), and the load is what an answered batch gives.
    @Test func transientlyFailedBatchReadsAreReadAgain() async throws {
        let f = StoreFixture()
        let images = (0..<3).map { f.image("r", tag: "t\($0)", layers: ["layer \($0)"]) }
        let driver = ReadEachScriptDriver(base: f.driver, listsRecursivelyCheaply: false, answer: .transient)
        let repo = try #require(await RegistryStore(driver: driver).load(repository: "r", detail: .listing))
        #expect(try #require(await RegistryStore(driver: f.driver).load(repository: "r", detail: .listing)) == repo)
        #expect(repo.revisions.allSatisfy { $0.problems.isEmpty && $0.config != nil })
        let blobReads = Set(driver.directReads.withLock { $0 }.filter { $0.components.first == "blobs" })
        #expect(blobReads == Set(images.flatMap { [StoreLayout.blobData($0.manifest), StoreLayout.blobData($0.config)] }))
    }

    /// Two tag folders whose names are canonically equivalent Unicode in different bytes ("é" as U+00E9 and as
    /// "e" U+0301): one `String` to Swift, two tags to the registry (Go compares bytes; its collector marks both).
    /// The load keeps both, each with its own target, and says why two tags print alike. Written on disk: the
    /// in-memory driver keys files by `StoragePath`, which is a `String` comparison too.
    @Test(arguments: [false, true], [LoadDetail.full, .listing, .marking])
    func canonicallyEquivalentTagNamesStayTwoTags(walks: Bool, detail: LoadDetail) async throws {
        let composed = "\u{E9}", decomposed = "e\u{301}"
        try #require(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
        let f = StoreFixture()
        let x = f.image("r", tag: composed, layers: ["layer of x"]).manifest
        let y = f.image("r", tag: nil, layers: ["layer of y"]).manifest
        let root = try f.writeToDisk()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let v2 = root + "/docker/registry/v2/"
        let repo = f.repo("r")
        for link in [StoreLayout.tagCurrentLink(repo, decomposed), StoreLayout.tagIndexLink(repo, decomposed, y)] {
            let full = v2 + link.relativeString
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(y.description.utf8).write(to: URL(fileURLWithPath: full))
        }
        // The folder really holds two entries, byte for byte.
        let listed = try FileManager.default.contentsOfDirectory(atPath: v2 + StoreLayout.tagsDirectory(repo).relativeString)
        try #require(Set(listed.map { Array($0.utf8) }) == [Array(composed.utf8), Array(decomposed.utf8)])

        let driver = ReadEachScriptDriver(base: try FilesystemDriver(v2Directory: root + "/docker/registry/v2"), listsRecursivelyCheaply: walks)
        let contents = try #require(await RegistryStore(driver: driver).load(repository: "r", detail: detail))
        #expect(contents.tags.count == 2)
        let byBytes = Dictionary(uniqueKeysWithValues: contents.tags.map { (Array($0.name.utf8), $0) })
        #expect(byBytes[Array(composed.utf8)]?.current == x)
        #expect(byBytes[Array(decomposed.utf8)]?.current == y)
        for tag in contents.tags {
            #expect(tag.problems.map(\.code) == [.invalidTagName, .invalidTagName])
            #expect(tag.problems.contains { $0.message.contains("U+0065 U+0301") && $0.message.contains("U+00E9") })
        }
        #expect(contents.revision(x)?.tags.map { Array($0.utf8) } == [Array(composed.utf8)])
        #expect(contents.revision(y)?.tags.map { Array($0.utf8) } == [Array(decomposed.utf8)])
    }
}

/// Forwards to a base driver; answers `readEach` as told (too few or too many results, or honestly) and records
/// which paths were read one by one.
final class ReadEachScriptDriver: StorageDriver, @unchecked Sendable {
    enum Answer: Sendable {
        case honest, dropFirst, dropLast, empty, extraFirst, extraLast
        /// Every result a transient failure.
        case transient
    }

    let base: any StorageDriver
    let listsRecursivelyCheaply: Bool
    let answer: Answer
    let directReads = Locked<[StoragePath]>([])
    let batchCount = Locked(0)
    let batchDirectories = Locked<[StoragePath]>([])

    init(base: any StorageDriver, listsRecursivelyCheaply: Bool, answer: Answer = .honest) {
        self.base = base
        self.listsRecursivelyCheaply = listsRecursivelyCheaply
        self.answer = answer
    }

    var location: String { base.location }
    func list(_ path: StoragePath) async throws -> [DirectoryEntry] { try await base.list(path) }
    func stat(_ path: StoragePath) async throws -> FileInfo { try await base.stat(path) }
    func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] {
        directReads.withLock { $0.append(path) }
        return try await base.read(path, limit: limit)
    }
    func readChunks(_ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try await base.readChunks(path, chunkSize: chunkSize, body)
    }
    func walkFiles(_ path: StoragePath) async throws -> [WalkedFile] { try await base.walkFiles(path) }
    func write(_ path: StoragePath, contents: [UInt8]) async throws { try await base.write(path, contents: contents) }
    func delete(_ path: StoragePath) async throws { try await base.delete(path) }

    func readEach(in dir: StoragePath, _ names: [[String]], limit: Int) async -> [Result<[UInt8], DriverError>] {
        batchCount.withLock { $0 += 1 }
        batchDirectories.withLock { $0.append(dir) }
        var out: [Result<[UInt8], DriverError>] = []
        for name in names {
            do { out.append(.success(try await base.read(dir.appending(name), limit: limit))) } catch { out.append(.failure(DriverError(error))) }
        }
        // A stray result that parses as a link to some other digest: paired with a tag, it would show.
        let stray: Result<[UInt8], DriverError> = .success(Array(Digest.sha256(of: Array("stray".utf8)).description.utf8))
        switch answer {
        case .honest: break
        case .dropFirst: out = Array(out.dropFirst())
        case .dropLast: out = Array(out.dropLast())
        case .empty: out = []
        case .extraFirst: out.insert(stray, at: 0)
        case .extraLast: out.append(stray)
        case .transient: out = out.map { _ in .failure(.transient(dir, "scripted")) }
        }
        return out
    }
}
