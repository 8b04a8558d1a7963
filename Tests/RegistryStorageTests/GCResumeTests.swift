import Foundation
import Testing
@testable import RegistryStorage
import TestHarness

/// Batched sweeps with a checkpoint in the journal entry, and `GarbageCollector.resume`: a run stopped part way
/// (failed batch, interrupt) and then resumed ends exactly where an uninterrupted run ends, a resumed run keeps what
/// was referenced again meanwhile, and a forged or damaged entry is refused before anything is removed.
@Suite struct GCResumeTests {
    /// Two repositories with retagged-away images (untagged manifests with their own layers) and orphan blobs:
    /// every phase of a sweep has several batches' worth at batch size 2.
    static func store() -> StoreFixture {
        let f = StoreFixture()
        for repo in ["team/app", "team/lib"] {
            for v in 1...3 {
                f.image(repo, tag: "v1", layers: ["\(repo)-base", "\(repo)-\(v)"], labels: ["v": "\(v)"])
            }
        }
        for i in 0..<5 { f.blob("orphan \(i)") }
        return f
    }

    static let batches = GCSweepOptions(batchSize: 2, checkpointInterval: 0)

    /// Stops after `limit` batches went through: a network failure on the next one (half of it deleted).
    final class FailingDriver: ForwardingDriver, @unchecked Sendable {
        let base: any StorageDriver
        let limit: Int
        private let calls = Locked(0)

        init(_ base: any StorageDriver, failAfter limit: Int) {
            self.base = base
            self.limit = limit
        }


        func delete(batch paths: [StoragePath]) async -> [DeleteFailure] {
            let n = calls.withLock { c in
                c += 1
                return c
            }
            guard n > limit else { return await base.delete(batch: paths) }
            let half = paths.count / 2
            _ = await base.delete(batch: Array(paths.prefix(half)))
            return paths.dropFirst(half).map { DeleteFailure(path: $0, error: .objectStore($0, .network("connection reset"))) }
        }
    }

    static func onlyEntry(_ f: StoreFixture) async throws -> JournalEntry {
        let entries = try await Journal(driver: f.driver).entries()
        #expect(entries.problems.isEmpty)
        return try #require(entries.entries.last)
    }

    @Test func aFailedBatchThenResumeEndsWhereAnUninterruptedRunEnds() async throws {
        let whole = Self.store()
        let plan = try await GarbageCollector(store: whole.store()).plan(deleteUntagged: true)
        // Orphans, the old manifests and their layers, and two configs (the same labels in both repositories).
        #expect(plan.manifests.count == 4 && plan.blobs.count == 5 + 4 + 4 + 2 && plan.layerLinks.count == 8)
        let uninterrupted = try await GarbageCollector(store: whole.store()).collect(plan, policy: .unrestricted, registryStopped: true, options: Self.batches)

        let f = Self.store()
        let original = f.registryFiles
        let failing = RegistryStore(driver: FailingDriver(f.driver, failAfter: 5))
        let failingPlan = try await GarbageCollector(store: failing).plan(deleteUntagged: true)
        #expect(failingPlan == plan)
        await #expect(throws: DeleteError.self) {
            try await GarbageCollector(store: failing).collect(failingPlan, policy: .unrestricted, registryStopped: true, options: Self.batches)
        }
        let stopped = try await Self.onlyEntry(f)
        #expect(!stopped.completed)
        // 8 tag-history and revision folders (4 batches), then 8 layer links: the sixth batch failed.
        #expect(stopped.sweep?.manifestLinks == 8 && stopped.sweep?.layerLinks == 8)
        #expect(stopped.sweep?.done == 10, "the checkpoint stays before the failed batch")
        #expect(f.registryFiles != original && f.registryFiles != whole.registryFiles)

        let gc = GarbageCollector(store: f.store())
        let resumption = try await gc.prepareResume(stopped.id)
        #expect(resumption.done == 10 && resumption.kept.isEmpty)
        // The failed batch's first half went: those two paths are no longer in the fresh plan.
        #expect(resumption.remaining == stopped.removed.count - 10 - 1)
        let resumed = try await gc.resume(resumption, policy: .unrestricted, registryStopped: true, options: Self.batches)
        #expect(f.registryFiles == whole.registryFiles, "the same store as after an uninterrupted run")
        #expect(resumed.manifestsRemoved == uninterrupted.manifestsRemoved && resumed.blobsRemoved == uninterrupted.blobsRemoved)
        #expect(resumed.layerLinksRemoved == uninterrupted.layerLinksRemoved && resumed.bytes == uninterrupted.bytes)
        let finished = try await Self.onlyEntry(f)
        #expect(finished.completed && finished.sweep?.done == finished.removed.count && finished.sweep?.resumed.count == 1)
        #expect(try await GarbageCollector(store: f.store()).plan(deleteUntagged: true).isEmpty)
        await #expect(throws: DeleteError.self) { try await gc.prepareResume(stopped.id) }

        // Undo of the resumed run does what undo of the uninterrupted one does.
        let oursUndo = JournalUndo(store: f.store(), policy: .unrestricted)
        let theirsUndo = JournalUndo(store: whole.store(), policy: .unrestricted)
        let ours = try await oursUndo.preview(stopped.id)
        let theirs = try await theirsUndo.preview(uninterrupted.journalID)
        #expect(Set(ours.missingBlobs) == Set(theirs.missingBlobs) && ours.restore.count == theirs.restore.count)
        #expect(Set(ours.entry.links.map(\.path)) == Set(theirs.entry.links.map(\.path)))
    }

    @Test func anInterruptedRunIsUndoneCompletelyOrResumed() async throws {
        let f = Self.store()
        let original = f.registryFiles
        let asked = Locked(0)
        // Stop before the third batch: two batches of manifest folders are gone, no blob yet.
        let stop = GCSweepOptions(batchSize: 2, checkpointInterval: 0, shouldStop: {
            asked.withLock { n in
                n += 1
                return n > 2
            }
        })
        let plan = try await GarbageCollector(store: f.store()).plan(deleteUntagged: true)
        do {
            _ = try await GarbageCollector(store: f.store()).collect(plan, policy: .unrestricted, registryStopped: true, options: stop)
            Issue.record("the run was not interrupted")
        } catch {
            guard case .interrupted(let message) = error else { throw error }
            #expect(message.contains("stopped after 4 of") && message.contains("drydock gc --resume"), "\(message)")
        }
        let stopped = try await Self.onlyEntry(f)
        #expect(stopped.sweep?.done == 4 && !stopped.completed)

        // Undo puts back every link removed so far: the store is as before (no blob was swept yet).
        let copy = StoreFixture()
        for (path, bytes) in f.driver.allFiles { copy.driver.put(path, bytes) }
        _ = try await JournalUndo(store: copy.store(), policy: .unrestricted).undo(stopped.id)
        #expect(copy.registryFiles.filter { !original.keys.contains($0.key) }.isEmpty)
        #expect(original.allSatisfy { copy.registryFiles[$0.key] == $0.value }, "undo restores everything removed")

        // Or resumed, in the same entry.
        let gc = GarbageCollector(store: f.store())
        _ = try await gc.resume(try await gc.prepareResume(stopped.id), policy: .unrestricted, registryStopped: true, options: Self.batches)
        #expect(try await GarbageCollector(store: f.store()).plan(deleteUntagged: true).isEmpty)
        #expect(try await Journal(driver: f.driver).entries().entries.count == 1)
    }

    @Test func aResumedRunKeepsWhatIsReferencedAgain() async throws {
        let f = Self.store()
        let asked = Locked(0)
        let stopFirst = GCSweepOptions(batchSize: 2, checkpointInterval: 0, shouldStop: { asked.withLock { n in n += 1; return n > 1 } })
        let plan = try await GarbageCollector(store: f.store()).plan(deleteUntagged: false)
        #expect(plan.blobs.count == 5)
        await #expect(throws: DeleteError.self) {
            try await GarbageCollector(store: f.store()).collect(plan, policy: .unrestricted, registryStopped: true, options: stopFirst)
        }
        let stopped = try await Self.onlyEntry(f)
        #expect(stopped.sweep?.done == 2)
        // Meanwhile a push references an orphan not swept yet: its layer is that blob.
        let text = try #require((0..<5).map { "orphan \($0)" }.first { f.exists(StoreLayout.blobData(Digest.sha256(of: Array($0.utf8)))) })
        let reused = Digest.sha256(of: Array(text.utf8))
        let pushed = f.image("team/new", tag: "v1", layers: [text])
        #expect(pushed.layers == [reused])

        let gc = GarbageCollector(store: f.store())
        let resumption = try await gc.prepareResume(stopped.id)
        #expect(resumption.kept == [StoreLayout.blobDirectory(reused).description])
        let result = try await gc.resume(resumption, policy: .unrestricted, registryStopped: true, options: Self.batches)
        #expect(result.kept == resumption.kept && result.blobsRemoved == 4)
        #expect(f.exists(StoreLayout.blobData(reused)), "referenced now: never deleted")
        #expect(try await GarbageCollector(store: f.store()).plan(deleteUntagged: false).isEmpty)
        let repos = try await f.loadAll()
        #expect(repos.first { $0.name == "team/new" }?.allProblems.isEmpty == true)
    }

    @Test func aForgedOrDamagedCheckpointIsRefusedAndNothingIsRemoved() async throws {
        let f = Self.store()
        let asked = Locked(0)
        let stopFirst = GCSweepOptions(batchSize: 2, checkpointInterval: 0, shouldStop: { asked.withLock { n in n += 1; return n > 1 } })
        let plan = try await GarbageCollector(store: f.store()).plan(deleteUntagged: true)
        await #expect(throws: DeleteError.self) {
            try await GarbageCollector(store: f.store()).collect(plan, policy: .unrestricted, registryStopped: true, options: stopFirst)
        }
        let stopped = try await Self.onlyEntry(f)
        let journal = Journal(driver: f.driver)
        let gc = GarbageCollector(store: f.store())
        let tagLink = StoreLayout.tagCurrentLink(f.repo("team/app"), "v1").parent.description
        let damages: [(String, (inout JournalEntry) -> Void)] = [
            ("checkpoint says 99 of", { $0.sweep?.done = 99 }),
            ("is nothing a collection removes", { $0.removed[3] = tagLink }),
            ("is nothing a collection removes", { $0.removed[$0.removed.count - 1] = "repositories/team/app/_layers/sha256" }),
            ("the blob folders removed are not the blobs listed", { $0.blobs.removeLast() }),
            ("do not fit", { $0.sweep?.layerLinks = 1000 }),
            ("has no checkpoint", { $0.sweep = nil }),
            ("is not a garbage collection", { $0.operation = .delete }),
            ("finished", { $0.completed = true }),
        ]
        for (expected, damage) in damages {
            var forged = stopped
            damage(&forged)
            try await journal.write(forged)
            let before = f.driver.allFiles
            do {
                _ = try await gc.prepareResume(stopped.id)
                Issue.record("accepted an entry damaged with \(expected)")
            } catch {
                #expect("\(error)".contains(expected) && "\(error)".contains("nothing was changed"), "\(error)")
            }
            #expect(f.driver.allFiles == before)
        }
        // An entry whose inner id is not its file name is refused too (Journal.entry).
        var renamed = stopped
        renamed.id = JournalEntry.makeID(Date())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try await f.driver.write(try #require(Journal.path(stopped.id)), contents: Array(try encoder.encode(renamed)))
        await #expect(throws: DeleteError.self) { try await gc.prepareResume(stopped.id) }
    }

    @Test func progressTextHasRateAndTimeLeft() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let rate = ProgressRate(started: start)
        let p = GCProgress(phase: .blobs, done: 12_300, total: 48_000)
        #expect(p.text(rate: rate, now: start.addingTimeInterval(12_300.0 / 2_100)) == "swept 12 300/48 000 blobs · 2 100/s · ETA 17 s")
        #expect(p.text(rate: rate, now: start.addingTimeInterval(0.2)) == "swept 12 300/48 000 blobs", "no rate in the first half second")
        let done = GCProgress(phase: .layerLinks, done: 40, total: 40)
        #expect(done.text(rate: rate, now: start.addingTimeInterval(4)) == "removed 40/40 layer links · 10/s")
        #expect(ProgressRate.duration(245) == "4 min 05 s" && ProgressRate.duration(7380) == "2 h 03 min")
        #expect(ProgressRate.grouped(1_234_567) == "1 234 567" && ProgressRate.grouped(999) == "999")
    }
}
