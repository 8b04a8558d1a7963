import Foundation
import Testing
@testable import RegistryStorage

@Suite struct DeleteUndoTests {
    /// A store with a bit of everything: tags with history, a seed-era link, signatures, nested repositories.
    static func store() -> (StoreFixture, StoreFixture.Image) {
        let f = StoreFixture()
        let old = f.image("team/app", tag: "v1", layers: ["base", "old"], labels: ["v": "1"])
        let img = f.image("team/app", tag: "v1", layers: ["base", "new"], labels: ["v": "2"])
        f.tag("team/app", "latest", img.manifest)
        f.tag("team/app", "old", old.manifest)
        f.layerLink("team/app", img.manifest)
        let sig = f.blob("{\"signature\":\"x\"}")
        f.link(StoreLayout.signatureLink(f.repo("team/app"), revision: img.manifest, signature: sig), sig)
        f.image("team/app/sub", tag: "v1", layers: ["sub"])
        return (f, img)
    }

    @Test(arguments: [0, 1, 2, 3, 4])
    func undoRestoresEveryKindOfDeleteByteForByte(_ kind: Int) async throws {
        let (f, img) = Self.store()
        let before = f.registryFiles
        let target: DeleteTarget = switch kind {
        case 0: .tag(repository: "team/app", tag: "v1")
        case 1: .manifest(repository: "team/app", digest: img.manifest, includeChildren: false)
        case 2: .layer(repository: "team/app", digest: img.layers[1])
        case 3: .repository("team/app", includeNested: false)
        default: .repository("team/app", includeNested: true)
        }
        let (_, result) = try await f.delete([target])
        #expect(f.registryFiles != before)
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        let restored = try await undo.undo(nil)
        #expect(restored.journalID == result.journalID)
        #expect(f.registryFiles == before, "\(target)")
        let entry = try await Journal(driver: f.driver).entry(result.journalID)
        #expect(entry.isUndone)
        await #expect(throws: DeleteError.notFound("the journal holds nothing to undo")) { try await undo.undo(nil) }
    }

    @Test func undoPicksTheMostRecentThenTheOneBefore() async throws {
        let (f, _) = Self.store()
        let before = f.registryFiles
        let (_, first) = try await f.delete([.tag(repository: "team/app", tag: "old")])
        let (_, second) = try await f.delete([.tag(repository: "team/app", tag: "latest")])
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        #expect(try await undo.list().entries.map(\.id) == [first.journalID, second.journalID])
        #expect(try await undo.undo(nil).journalID == second.journalID)
        #expect(try await undo.undo(nil).journalID == first.journalID)
        #expect(f.registryFiles == before)
    }

    @Test func previewGroupsATagWithItsHistory() async throws {
        let (f, img) = Self.store()
        // team/app:v1 was pushed twice (current link and two history entries); team/app/sub:v1 is the same tag name
        // in another repository.
        let (_, result) = try await f.delete([.tag(repository: "team/app", tag: "v1"), .tag(repository: "team/app/sub", tag: "v1")])
        let preview = try await JournalUndo(store: f.store(), policy: .unrestricted).preview(result.journalID)
        let groups = JournalLinkGroup.grouping(preview.restore)
        let v1 = groups.filter { $0.head.repository == "team/app" }
        #expect(v1.count == 1)
        #expect(v1.first?.head.kind == .tagCurrent)
        #expect(v1.first?.historyEntries == 2)
        #expect(v1.first?.summary == "team/app: tag v1 -> \(img.manifest) (and 2 history entries)")
        // Every link is in exactly one group, and the other repository's tag stays apart from team/app's.
        #expect(preview.restore.count == 5)
        #expect(Set(groups.flatMap(\.links)) == Set(preview.restore))
        #expect(groups.map(\.summary).filter { $0.hasPrefix("team/app/sub: tag v1 -> ") && $0.hasSuffix("(and 1 history entry)") }.count == 1)
        #expect(groups.count == 2)
    }

    @Test func undoRefusesWhenABlobIsGone() async throws {
        let (f, img) = Self.store()
        let (_, result) = try await f.delete([.manifest(repository: "team/app", digest: img.manifest, includeChildren: false)])
        try await f.driver.delete(StoreLayout.blobDirectory(img.manifest))  // swept, as a gc would
        let afterDelete = f.registryFiles
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        let preview = try await undo.preview(result.journalID)
        #expect(preview.missingBlobs == [img.manifest])
        await #expect(throws: DeleteError.blobsGone([img.manifest], "cannot undo \(result.journalID)")) { try await undo.undo(result.journalID) }
        #expect(f.registryFiles == afterDelete, "nothing was written")
    }

    @Test func undoRefusesToOverwriteARetaggedTag() async throws {
        let (f, img) = Self.store()
        let (_, result) = try await f.delete([.tag(repository: "team/app", tag: "latest")])
        let other = f.image("team/app", tag: "latest", layers: ["other"])
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        let preview = try await undo.preview(result.journalID)
        #expect(!preview.conflicts.isEmpty)
        await #expect(throws: DeleteError.self) { try await undo.undo(result.journalID) }
        let current = f.driver.contents(StoreLayout.tagCurrentLink(f.repo("team/app"), "latest"))
        #expect(current == Array(other.manifest.description.utf8))
        #expect(current != Array(img.manifest.description.utf8))
    }

    @Test func undoIsRefusedOnlyWhenReadOnly() async throws {
        let (f, _) = Self.store()
        try await f.delete([.tag(repository: "team/app", tag: "v1")])
        let readOnly = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: true)
        await #expect(throws: DeleteError.refused(readOnly.writeRefusal!)) {
            try await JournalUndo(store: f.store(), policy: readOnly).undo(nil)
        }
        // Delete disabled is no reason to refuse an undo.
        let deleteDisabled = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: false, readOnlyFlag: false)
        #expect(!deleteDisabled.allowsDelete)
        let result = try await JournalUndo(store: f.store(), policy: deleteDisabled).undo(nil)
        #expect(result.restored.count == 3, "current and two history entries")
    }

    @Test func damagedJournalEntriesAreReportedNotUsed() async throws {
        let (f, _) = Self.store()
        try await f.delete([.tag(repository: "team/app", tag: "v1")])
        f.driver.put(Journal.directory.appending("garbage.json"), "not json")
        let (entries, problems) = try await JournalUndo(store: f.store(), policy: .unrestricted).list()
        #expect(entries.count == 1)
        #expect(problems.count == 1)
        var entry = try await Journal(driver: f.driver).entry(try #require(entries.first).id)
        entry.links[0].repository = "../../escape"
        entry.id = "20990101T000000.000Z-00000000"
        try await Journal(driver: f.driver).write(entry)
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        let preview = try await undo.preview(entry.id)
        #expect(preview.invalid.count == 1)
        await #expect(throws: DeleteError.self) { try await undo.undo(entry.id) }
    }

    /// A journal file whose inner id is not its file name: undo would preview that file, then restore the entry the
    /// inner id names. It is refused before anything is read from it, and listed as a problem.
    @Test func entryWhoseIdIsNotItsFileNameIsRefused() async throws {
        let (f, _) = Self.store()
        let (_, old) = try await f.delete([.tag(repository: "team/app", tag: "old")])
        let (_, latest) = try await f.delete([.tag(repository: "team/app", tag: "latest")])
        let journal = Journal(driver: f.driver)
        var forged = try await journal.entry(old.journalID)
        forged.id = latest.journalID
        let forgedFile = "20990101T000000.000Z-0000f00d"
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        f.driver.put(Journal.directory.appending(forgedFile + ".json"), Array(try encoder.encode(forged)))
        let before = f.driver.allFiles
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        for attempt in [{ _ = try await undo.preview(forgedFile) }, { _ = try await undo.undo(forgedFile) }] as [() async throws -> Void] {
            do {
                try await attempt()
                Issue.record("the forged entry was used")
            } catch let error as DeleteError {
                #expect(error.description.contains("forged or damaged entry"), "\(error)")
                #expect(error.description.contains(latest.journalID))
            }
        }
        #expect(f.driver.allFiles == before, "nothing changed")
        let (entries, problems) = try await undo.list()
        #expect(entries.map(\.id) == [old.journalID, latest.journalID])
        #expect(problems.count == 1 && problems[0].contains(forgedFile), "\(problems)")
        // Undo without an id takes the newest readable entry, never the forged file.
        #expect(try await undo.undo(nil).journalID == latest.journalID)
    }

    /// An entry giving its id twice: `JSONDecoder` takes the first (its file name), other readers the last. The
    /// listing refuses it, and so must undo: the same entry is never both rejected and applied.
    @Test func entryThatGivesAFieldTwiceIsRefusedByUndoAsByTheListing() async throws {
        let (f, _) = Self.store()
        let (_, old) = try await f.delete([.tag(repository: "team/app", tag: "old")])
        let path = Journal.directory.appending(old.journalID + ".json")
        var text = String(decoding: try #require(f.driver.contents(path)), as: UTF8.self)
        let open = try #require(text.firstIndex(of: "{"))
        text.insert(contentsOf: "\"id\":\"\(old.journalID)\",", at: text.index(after: open))
        f.driver.put(path, Array(text.utf8))
        let before = f.driver.allFiles
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        await #expect(throws: DeleteError.self) { _ = try await undo.preview(old.journalID) }
        await #expect(throws: DeleteError.self) { _ = try await undo.undo(old.journalID) }
        let unchanged = f.driver.allFiles == before
        #expect(unchanged, "nothing changed")
        let (entries, problems) = try await undo.list()
        #expect(entries.isEmpty && problems.count == 1, "\(problems)")
    }
}
