import Foundation
import Testing
@testable import RegistryStorage

/// The online collection protocol step by step over the in-memory driver (no registry): grace, journal, unlink,
/// quarantine, cache purge, settle and re-scan, restore on reference, the later run's purge, undo, and refusals.
@Suite struct OnlineGCTests {
    /// Files are written at t=1000; runs happen at t=1000+age.
    static let written: Double = 1000

    /// A tagged image, an untagged older one (retagged away), and an orphan blob, all written long ago.
    static func store() -> (f: StoreFixture, kept: StoreFixture.Image, old: StoreFixture.Image, orphan: Digest) {
        let f = StoreFixture()
        f.driver.clock.withLock { $0 = written }
        let old = f.image("team/app", tag: "v1", layers: ["base", "old"], labels: ["v": "1"])
        let kept = f.image("team/app", tag: "v1", layers: ["base", "new"], labels: ["v": "2"])
        let orphan = f.blob("pushed, never referenced")
        return (f, kept, old, orphan)
    }

    final class RecordingPurger: BlobDescriptorCachePurger, @unchecked Sendable {
        let calls = Locked<[([Digest], [String])]>([])
        func purge(_ digests: [Digest], repositories: [String]) async throws -> Int {
            calls.withLock { $0.append((digests, repositories)) }
            return digests.count * (repositories.count + 1)
        }
    }

    static func collector(
        _ f: StoreFixture, age: Double = 7200, grace: Double = 3600, quarantine: Double = 86400, deleteUntagged: Bool = true,
        cache: RegistryCacheState = .none, policy: DeletePolicy = .unrestricted,
        duringSettle: @escaping @Sendable () async -> Void = {}
    ) -> OnlineCollector {
        let now = Date(timeIntervalSince1970: written + age)
        return OnlineCollector(
            store: f.store(), policy: policy, cache: cache,
            options: OnlineGCOptions(grace: grace, quarantinePeriod: quarantine, settle: .milliseconds(1), deleteUntagged: deleteUntagged),
            now: { now }, wait: { _ in await duringSettle() })
    }

    static func entry(_ f: StoreFixture, _ id: String?) async throws -> JournalEntry {
        try await Journal(driver: f.driver).entry(try #require(id))
    }

    @Test func quarantinesUnlinksAndJournalsOldGarbage() async throws {
        let (f, kept, old, orphan) = Self.store()
        let purger = RecordingPurger()
        let collector = Self.collector(f, cache: .redis(purger))
        let plan = try await collector.plan()
        #expect(Set(plan.gc.blobs.map(\.digest)) == [orphan, old.manifest, old.config, old.layers[1]])
        #expect(plan.gc.manifests.map(\.digest) == [old.manifest])
        let result = try await collector.run(plan)
        let id = try #require(result.journalID)
        #expect(Set(result.quarantined) == [orphan, old.manifest, old.config, old.layers[1]])
        #expect(result.restoredBlobs.isEmpty && result.deletedForGood.isEmpty)
        for d in result.quarantined {
            #expect(!f.exists(StoreLayout.blobData(d)), "\(d) left blobs/")
            #expect(f.exists(try #require(Quarantine.data(id, d))), "\(d) is in the quarantine")
        }
        #expect(!f.exists(StoreLayout.layerLink(f.repo("team/app"), old.layers[1])))
        #expect(!f.exists(StoreLayout.revisionLink(f.repo("team/app"), old.manifest)))
        #expect(!f.exists(StoreLayout.tagIndexLink(f.repo("team/app"), "v1", old.manifest)))
        for d in [kept.manifest, kept.config] + kept.layers { #expect(f.exists(StoreLayout.blobData(d))) }
        #expect(f.exists(StoreLayout.layerLink(f.repo("team/app"), old.layers[0])), "the shared base layer stays linked")
        // Purged before the settle and again after it, for every repository.
        let calls = purger.calls.withLock { $0 }
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { Set($0.0).isSuperset(of: result.quarantined) && $0.1 == ["team/app"] })
        #expect(result.cacheKeysPurged > 0)
        let entry = try await Self.entry(f, id)
        #expect(entry.operation == .onlineCollection && entry.completed)
        #expect(entry.quarantine?.allSatisfy { $0.state == .quarantined } == true)
        #expect(entry.blobs.isEmpty, "nothing is gone for good yet")
    }

    @Test func undoRestoresTheCollectionBlobsIncluded() async throws {
        let (f, _, _, _) = Self.store()
        let before = f.driver.allFiles
        let result = try await Self.collector(f).run(try await Self.collector(f).plan())
        let undo = JournalUndo(store: f.store(), policy: .unrestricted)
        let preview = try await undo.preview(result.journalID)
        #expect(preview.refusal == nil && preview.missingBlobs.isEmpty)
        #expect(Set(preview.quarantined) == Set(result.quarantined))
        _ = try await undo.undo(result.journalID)
        let after = f.driver.allFiles.filter { !$0.key.hasPrefix(StoreLayout.drydock) }
        #expect(after == before, "every link and every blob is back, byte for byte")
        let entry = try await Self.entry(f, result.journalID)
        #expect(entry.isUndone && entry.quarantine?.allSatisfy { $0.state == .restored } == true)
    }

    @Test func graceProtectsYoungBlobsAndYoungManifestsWithWhatTheyNeed() async throws {
        let (f, _, _, orphan) = Self.store()
        // A multi-arch push in progress: its children were linked a second ago (untagged until the index arrives);
        // their layers and configs are old and referenced by nothing else.
        let amd = f.image("multi", tag: nil, oci: true, layers: ["amd layer"], architecture: "amd64")
        let arm = f.image("multi", tag: nil, oci: true, layers: ["arm layer"], architecture: "arm64")
        let now = Self.written + 7200
        for img in [amd, arm] { f.driver.touch(StoreLayout.revisionLink(f.repo("multi"), img.manifest), modified: now - 1) }
        let youngOrphan = f.blob("uploaded a second ago")
        f.driver.touch(StoreLayout.blobData(youngOrphan), modified: now - 1)
        let plan = try await Self.collector(f).plan()
        let blobs = Set(plan.gc.blobs.map(\.digest))
        #expect(blobs.contains(orphan))
        #expect(!blobs.contains(youngOrphan))
        #expect(plan.youngBlobs == 1 && plan.youngManifests == 2)
        #expect(!plan.gc.manifests.contains { $0.repository == "multi" })
        #expect(blobs.isDisjoint(with: [amd.manifest, amd.config, arm.manifest, arm.config] + amd.layers + arm.layers))
        // An old untagged index keeps nothing alive, but a young one keeps its (old) children.
        let g = StoreFixture()
        g.driver.clock.withLock { $0 = Self.written }
        let child = g.image("multi", tag: nil, oci: true, layers: ["child layer"])
        let index = g.index("multi", tag: nil, children: [(child.manifest, child.bytes.count, "amd64")])
        g.driver.touch(StoreLayout.revisionLink(g.repo("multi"), index), modified: now - 1)
        let young = try await Self.collector(g).plan()
        #expect(young.gc.manifests.isEmpty && young.gc.blobs.isEmpty && young.youngManifests == 1)
        g.driver.touch(StoreLayout.revisionLink(g.repo("multi"), index), modified: Self.written)
        let aged = try await Self.collector(g).plan()
        #expect(Set(aged.gc.manifests.map(\.digest)) == [index, child.manifest])
        // Unknown age counts as young: never guess in the unsafe direction.
        #expect(await OnlineGCPlan.make(from: aged.gc, facts: [], started: Date(), grace: 1) { _ in nil }.gc.blobs.isEmpty)
    }

    @Test func anEmptyLinkMidWriteIsMarkedAgainNotARefusal() async throws {
        let (f, kept, old, orphan) = Self.store()
        // The registry truncates a link and then writes it: a mark can read it empty for an instant.
        let link = StoreLayout.revisionLink(f.repo("team/app"), kept.manifest)
        let content = try #require(try? await f.driver.read(link, limit: 1024))
        try await f.driver.write(link, contents: [])
        let waits = Locked(0)
        let now = Date(timeIntervalSince1970: Self.written + 7200)
        let collector = OnlineCollector(
            store: f.store(), policy: .unrestricted, cache: .none,
            options: OnlineGCOptions(grace: 3600, quarantinePeriod: 86400, settle: .milliseconds(1), deleteUntagged: true),
            now: { now },
            wait: { _ in
                // The write completes while the collector waits to mark again.
                if waits.withLock({ $0 += 1; return $0 }) == 1 { try? await f.driver.write(link, contents: content) }
            })
        let plan = try await collector.plan()
        #expect(plan.gc.blockers.isEmpty)
        #expect(Set(plan.gc.blobs.map(\.digest)) == [orphan, old.manifest, old.config, old.layers[1]])
        #expect(waits.withLock { $0 } == 1, "marked twice")

        // A link that stays empty is still a blocker after the third mark, and the run is refused.
        try await f.driver.write(link, contents: [])
        let stuck = try await collector.plan()
        #expect(!stuck.gc.blockers.isEmpty)
        #expect(waits.withLock { $0 } == 3, "two more waits, then the blocker is reported")
        await #expect(throws: DeleteError.self) { try await collector.run(stuck) }
        #expect(f.exists(StoreLayout.blobData(orphan)), "nothing moved")
    }

    @Test func restoresWhatAPushReferencesDuringTheSettle() async throws {
        let (f, _, old, orphan) = Self.store()
        // The adversarial push: HEAD said the old layer exists (before the unlink), so the client skipped its upload
        // and its manifest PUT passed its check; the revision link lands during the settle.
        let collector = Self.collector(f) {
            _ = f.image("other", tag: "v9", layers: ["old"], linkBlobs: false)
            // The fixture writes every blob; this client never uploaded the layer.
            try? await f.driver.delete(StoreLayout.blobData(old.layers[1]))
        }
        let result = try await collector.run(try await collector.plan())
        #expect(result.restoredBlobs == [old.layers[1]])
        #expect(f.exists(StoreLayout.blobData(old.layers[1])), "the layer's data is back in blobs/")
        #expect(f.exists(StoreLayout.layerLink(f.repo("team/app"), old.layers[1])), "and its removed link too")
        #expect(!f.exists(StoreLayout.blobData(orphan)))
        let entry = try await Self.entry(f, result.journalID)
        #expect(entry.quarantine?.first { $0.digest == old.layers[1].description }?.state == .restored)
    }

    @Test func restoresAnUnlinkedChildAndItsBlobsWhenAnIndexNeedsIt() async throws {
        let f = StoreFixture()
        f.driver.clock.withLock { $0 = Self.written }
        let child = f.image("multi", tag: nil, oci: true, layers: ["child layer"])
        let collector = Self.collector(f) {
            // An index pushed after T0 whose child check passed before the child's revision link went.
            _ = f.index("multi", tag: "v1", children: [(child.manifest, child.bytes.count, "amd64")])
        }
        let result = try await collector.run(try await collector.plan())
        #expect(result.restoredManifests == ["multi@\(child.manifest)"])
        #expect(f.exists(StoreLayout.revisionLink(f.repo("multi"), child.manifest)))
        for d in [child.manifest, child.config] + child.layers {
            #expect(f.exists(StoreLayout.blobData(d)), "\(d) is back")
        }
        #expect(f.exists(StoreLayout.layerLink(f.repo("multi"), child.layers[0])))
    }

    @Test func keepsTheClientsCopyWhenTheBlobWasUploadedAgain() async throws {
        let (f, _, _, orphan) = Self.store()
        let collector = Self.collector(f) {
            // HEAD answered 404 after the unlink, so the client uploaded the blob again and linked it.
            f.blob("pushed, never referenced")
            f.layerLink("fresh", orphan)
        }
        let result = try await collector.run(try await collector.plan())
        #expect(result.restoredBlobs.contains(orphan))
        #expect(f.driver.contents(StoreLayout.blobData(orphan)) == Array("pushed, never referenced".utf8))
        let id = try #require(result.journalID)
        let copy = try #require(Quarantine.data(id, orphan))
        #expect(!f.exists(copy), "the quarantined copy is dropped")
    }

    @Test func aLaterRunDeletesExpiredQuarantineOnlyAfterTheRecheck() async throws {
        let (f, _, old, orphan) = Self.store()
        let first = try await Self.collector(f).run(try await Self.collector(f).plan())
        let id = try #require(first.journalID)
        // Not yet expired: the next run keeps it.
        let early = try await Self.collector(f, age: 7300).run(try await Self.collector(f, age: 7300).plan())
        #expect(early.deletedForGood.isEmpty && early.quarantinesChecked == [id])
        // A push references the old layer after the first run (its cache answered "exists"): the re-check restores it.
        _ = f.image("late", tag: "v1", layers: ["old"], linkBlobs: false)
        try await f.driver.delete(StoreLayout.blobData(old.layers[1]))
        let later = Self.collector(f, age: 7200 + 90000)
        let result = try await later.run(try await later.plan())
        #expect(result.restoredFromEarlier == [old.layers[1]])
        #expect(Set(result.deletedForGood) == [orphan, old.manifest, old.config])
        #expect(f.exists(StoreLayout.blobData(old.layers[1])))
        let folder = try #require(Quarantine.folder(id))
        #expect(f.driver.allFiles.keys.allSatisfy { !$0.hasPrefix(folder) }, "the emptied quarantine folder is gone")
        let entry = try await Self.entry(f, id)
        #expect(Set(entry.blobs) == Set([orphan, old.manifest, old.config].map(\.description)))
        // Undo now names what is gone for good.
        let preview = try await JournalUndo(store: f.store(), policy: .unrestricted).preview(id)
        #expect(preview.refusal?.contains("gone") == true)
    }

    @Test func quarantinePeriodZeroDeletesThisRunsOwnUnreferencedData() async throws {
        let (f, _, _, orphan) = Self.store()
        let collector = Self.collector(f, grace: 0, quarantine: 0)
        let result = try await collector.run(try await collector.plan())
        #expect(result.deletedForGood.contains(orphan))
        #expect(!f.driver.allFiles.keys.contains { $0.hasPrefix(Quarantine.directory) })
    }

    @Test func refusesWithoutChangingAnything() async throws {
        let (f, _, _, _) = Self.store()
        let before = f.driver.allFiles
        let inMemory = Self.collector(f, cache: .inMemory)
        await #expect(throws: DeleteError.self) { _ = try await inMemory.plan() }
        do {
            _ = try await inMemory.plan()
        } catch {
            #expect(error.description.contains("inmemory") && error.description.contains("redis") && error.description.contains("without --online"))
        }
        let plan = try await Self.collector(f).plan()
        await #expect(throws: DeleteError.self) { _ = try await inMemory.run(plan) }
        await #expect(throws: DeleteError.self) { _ = try await Self.collector(f, cache: .unknown).run(plan) }
        let readOnly = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: true)
        await #expect(throws: DeleteError.refused(readOnly.writeRefusal!)) {
            _ = try await Self.collector(f, policy: readOnly).run(plan)
        }
        // A manifest that cannot be read blocks the run.
        let broken = StoreFixture()
        broken.driver.clock.withLock { $0 = Self.written }
        let d = broken.blob("{not json")
        broken.revisionLink("app", d)
        broken.tag("app", "v1", d)
        broken.blob("garbage")
        let blocked = try await Self.collector(broken).plan()
        #expect(!blocked.gc.blockers.isEmpty)
        let brokenBefore = broken.driver.allFiles
        await #expect(throws: DeleteError.self) { _ = try await Self.collector(broken).run(blocked) }
        #expect(broken.driver.allFiles == brokenBefore)
        #expect(f.driver.allFiles == before, "nothing changed, not even a journal")
    }

    @Test func undoRefusesAForgedQuarantineRecord() async throws {
        let (f, _, _, _) = Self.store()
        let result = try await Self.collector(f).run(try await Self.collector(f).plan())
        var entry = try await Self.entry(f, result.journalID)
        entry.quarantine?[0].digest = "sha256:../../../../etc"
        try await Journal(driver: f.driver).write(entry)
        let preview = try await JournalUndo(store: f.store(), policy: .unrestricted).preview(entry.id)
        #expect(preview.refusal?.contains("no valid quarantine path") == true)
        #expect(Quarantine.data("../x", Digest.sha256(of: [1])) == nil)
    }
}

@Suite struct DriverMoveTests {
    @Test func inMemoryMoveKeepsTimeAndRefusesToOverwrite() async throws {
        let driver = InMemoryDriver()
        let a = StoragePath(trusted: ["a", "data"]), b = StoragePath(trusted: ["q", "b", "data"])
        driver.put(a, "one")
        driver.touch(a, modified: 42)
        try await driver.move(a, to: b)
        #expect(driver.contents(a) == nil && driver.contents(b) == Array("one".utf8))
        #expect(try await driver.stat(b).modified == 42)
        driver.put(a, "two")
        await #expect(throws: DriverError.alreadyExists(b)) { try await driver.move(a, to: b) }
        #expect(driver.contents(b) == Array("one".utf8) && driver.contents(a) == Array("two".utf8))
        await #expect(throws: DriverError.notFound(StoragePath(trusted: ["none"]))) {
            try await driver.move(StoragePath(trusted: ["none"]), to: StoragePath(trusted: ["x"]))
        }
    }

    @Test func filesystemMoveIsARenameBeneathTheRoot() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-move-\(UUID().uuidString)")
        let v2 = root.appendingPathComponent("v2")
        try FileManager.default.createDirectory(at: v2.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let outside = root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: v2.appendingPathComponent("escape"), withDestinationURL: outside)
        let driver = try FilesystemDriver(v2Directory: v2.path)
        let a = StoragePath(trusted: ["blobs", "data"]), b = StoragePath(trusted: ["drydock", "quarantine", "x", "data"])
        try await driver.write(a, contents: Array("one".utf8))
        let mtime = try await driver.stat(a).modified
        try await driver.move(a, to: b)
        #expect(try await driver.read(b, limit: 10) == Array("one".utf8))
        #expect(try await driver.stat(b).modified == mtime, "a rename keeps the data's time")
        await #expect(throws: DriverError.notFound(a)) { _ = try await driver.stat(a) }
        try await driver.write(a, contents: Array("two".utf8))
        await #expect(throws: DriverError.alreadyExists(b)) { try await driver.move(a, to: b) }
        #expect(try await driver.read(b, limit: 10) == Array("one".utf8), "never overwritten")
        // A destination through a symlink that leaves the store is refused; nothing lands outside.
        await #expect(throws: DriverError.self) { try await driver.move(a, to: StoragePath(trusted: ["escape", "data"])) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(try await driver.read(a, limit: 10) == Array("two".utf8))
    }
}
