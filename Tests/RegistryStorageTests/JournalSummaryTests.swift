import Foundation
import Testing
@testable import RegistryStorage

/// `undo --list` reads what it shows of each journal entry in one streaming pass: never the entry whole.
@Suite struct JournalSummaryTests {
    static func entry(id: String, links: Int, targets: Int = 1) -> JournalEntry {
        let digest = Digest.sha256(of: Array("manifest".utf8))
        return JournalEntry(
            id: id, created: Date(timeIntervalSince1970: 1_714_557_600), operation: .delete,
            targets: (0..<targets).map { "tag team/app:t\($0)" },
            links: (0..<links).map { i in
                JournalLink(repository: "team/app", kind: .tagIndex, tag: "t\(i)", digest: digest, bytes: Array(digest.description.utf8))
            },
            blobs: [], unrestorable: [], removed: (0..<links).map { "repositories/team/app/_manifests/tags/t\($0)" })
    }

    static func summary(of entry: JournalEntry) -> JournalSummary {
        JournalSummary(
            id: entry.id, created: entry.created, operation: entry.operation, targets: Array(entry.targets.prefix(JournalSummary.maxTargets)),
            targetCount: entry.targets.count, linkCount: entry.links.count, blobCount: entry.blobs.count, completed: entry.completed,
            undone: entry.undone)
    }

    @Test func listingStreamsALargeEntryInBoundedChunks() async throws {
        let f = StoreFixture()
        let big = Self.entry(id: "20240501T100000.000Z-0000beef", links: 40_000, targets: 3)
        try await Journal(driver: f.driver).write(big)
        let path = Journal.directory.appending(big.id + ".json")
        let size = try #require(f.driver.contents(path)).count
        #expect(size > 8 << 20, "large enough that loading it whole would show: \(size) bytes")
        let counting = CountingDriver(base: f.driver)
        let (entries, problems) = try await JournalUndo(store: RegistryStore(driver: counting), policy: .unrestricted).list()
        #expect(problems.isEmpty, "\(problems)")
        #expect(entries == [Self.summary(of: big)])
        #expect(counting.reads.withLock { $0 }.isEmpty, "no journal file is read whole")
        #expect(counting.largestChunk.withLock { $0 } <= Journal.summaryChunkSize)
        #expect(counting.bytesRead.withLock { $0 } == size, "one pass over the file")
    }

    @Test func summariesAgreeWithWholeEntriesThroughDeleteGcAndUndo() async throws {
        let (f, img) = DeleteUndoTests.store()
        try await f.delete([.tag(repository: "team/app", tag: "old")])
        try await f.delete([.manifest(repository: "team/app", digest: img.manifest, includeChildren: false)])
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        _ = try await undo.undo(nil)
        _ = try await GarbageCollector(store: f.store()).collect(try await f.gcPlan(deleteUntagged: true), policy: .unrestricted, registryStopped: true)
        let journal = Journal(driver: f.driver)
        let whole = try await journal.entries()
        #expect(whole.problems.isEmpty && whole.entries.count == 3)
        #expect(whole.entries.contains { $0.isUndone } && whole.entries.contains { !$0.blobs.isEmpty })
        let listed = try await undo.list()
        #expect(listed.problems.isEmpty)
        #expect(listed.entries == whole.entries.map(Self.summary(of:)))
    }

    @Test func targetsAreCappedButCounted() async throws {
        let f = StoreFixture()
        let many = Self.entry(id: "20240501T100000.000Z-00000001", links: 1, targets: 50)
        try await Journal(driver: f.driver).write(many)
        let summary = try await Journal(driver: f.driver).summary(many.id)
        #expect(summary.targets == Array(many.targets.prefix(20)))
        #expect(summary.targetCount == 50)
    }

    @Test(arguments: [
        ("truncated", #"{"blobs":[],"completed":true,"created":"2024-05-01T10:00:00Z","id":"X","links":[{"#),
        ("not an object", #"[{"id":"X"}]"#),
        ("id twice", #"{"blobs":[],"completed":true,"created":"2024-05-01T10:00:00Z","id":"X","id":"Y","links":[],"operation":"delete","targets":[]}"#),
        ("no links", #"{"blobs":[],"completed":true,"created":"2024-05-01T10:00:00Z","id":"X","operation":"delete","targets":[]}"#),
        ("unknown operation", #"{"blobs":[],"completed":true,"created":"2024-05-01T10:00:00Z","id":"X","links":[],"operation":"rm","targets":[]}"#),
        ("bad date", #"{"blobs":[],"completed":true,"created":"yesterday","id":"X","links":[],"operation":"delete","targets":[]}"#),
        ("trailing text", #"{"blobs":[],"completed":true,"created":"2024-05-01T10:00:00Z","id":"X","links":[],"operation":"delete","targets":[]} {}"#),
    ])
    func malformedEntriesAreReportedNotListed(_ name: String, _ template: String) async throws {
        let f = StoreFixture()
        let id = "20240501T100000.000Z-0000abcd"
        f.driver.put(Journal.directory.appending(id + ".json"), template.replacingOccurrences(of: "\"X\"", with: "\"\(id)\""))
        let (entries, problems) = try await JournalUndo(store: f.store(), policy: .unrestricted).list()
        #expect(entries.isEmpty, "\(name)")
        #expect(problems.count == 1 && problems.first?.contains("is not a journal entry") == true, "\(name): \(problems)")
    }

    @Test func wellFormedHandWrittenEntryLists() async throws {
        // Escapes, nesting, whitespace and a long field the encoder never writes: the scanner reads JSON, not our layout.
        let f = StoreFixture()
        let id = "20240501T100000.000Z-0000abcd"
        let text = """
            { "version" : 1, "id" : "\(id)", "created" : "2024-05-01T10:00:00Z", "operation" : "gc",
              "targets" : [ "tag \\"a\\" \\u00e9\\\\", "x" ], "links" : [ { "nested" : [ [ ], { "id" : "no" } ] }, { } ],
              "blobs" : [ "b1", "b2", "b3" ], "removed" : [ ], "note" : "\(String(repeating: "n", count: 10_000))", "unrestorable" : [ ], "completed" : false, "undone" : null }
            """
        f.driver.put(Journal.directory.appending(id + ".json"), text)
        let summary = try await Journal(driver: f.driver).summary(id)
        #expect(summary.id == id && summary.operation == .garbageCollection)
        #expect(summary.targets == ["tag \"a\" é\\", "x"] && summary.targetCount == 2)
        #expect(summary.linkCount == 2 && summary.blobCount == 3 && !summary.completed && summary.undone == nil)
    }
}
