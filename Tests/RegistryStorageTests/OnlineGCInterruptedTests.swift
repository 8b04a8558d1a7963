import Foundation
import TestHarness
import Testing
@testable import RegistryStorage

/// An online collection that stops part way: killed (SIGKILL, a crash: the journal still says `pending` for data it
/// moved), a move that fails, or a stop asked for (SIGINT, SIGTERM). Whatever it left, the next run finishes it: data
/// in the quarantine is re-checked like any, data never moved gets its links back, and nothing a push needs stays away
/// (README, "Online garbage collection", runs that stop part way).
@Suite struct OnlineGCInterruptedTests {
    typealias Fixture = OnlineGCTests

    /// What a SIGKILL after `moved` moves leaves: the first run's move number `moved + 1` fails, then its journal is
    /// rewound to what step 2 wrote (every record `pending`, not completed) and every link step 3 removed is removed.
    /// Returns the entry as rewound and the candidates in the run's move order.
    static func killed(_ f: StoreFixture, after moved: Int) async throws -> (entry: JournalEntry, order: [Digest]) {
        let first = Fixture.collector(f)
        let plan = try await first.plan()
        let order = plan.gc.blobs.map(\.digest)
        f.driver.plant(.permissionDenied, at: StoreLayout.blobData(order[moved]))
        await #expect(throws: DeleteError.self) { _ = try await first.run(plan) }
        f.driver.removeFault(at: StoreLayout.blobData(order[moved]))
        let journal = Journal(driver: f.driver)
        let id = try #require(try await journal.summaries().summaries.first { $0.operation == .onlineCollection }?.id)
        #expect(!f.exists(try #require(OnlineRunHeartbeat.path(id))), "a run removes its heartbeat when it ends, failed or not")
        var entry = try await journal.entry(id)
        entry.quarantine = entry.quarantine?.map { QuarantinedBlob(digest: Digest($0.digest)!, size: $0.size) }
        entry.completed = false
        try await journal.write(entry)
        for d in order[moved...] {
            for link in entry.layerLinks(of: d) { if let p = link.path, f.exists(p) { try await f.driver.delete(p) } }
        }
        return (entry, order)
    }

    /// The state a SIGKILL after the second move leaves: step 2's journal (every record `pending`, not completed), the
    /// `_layers` links removed by step 3, two blobs moved into the quarantine and the others still in `blobs/`.
    @Test func aRunKilledWhileQuarantiningIsFinishedByTheNextRun() async throws {
        let (f, kept, old, orphan) = Fixture.store()
        let (entry, order) = try await Self.killed(f, after: 2)
        let id = entry.id
        let journal = Journal(driver: f.driver)
        #expect(Set(order) == [orphan, old.manifest, old.config, old.layers[1]])
        for d in order[..<2] { #expect(f.exists(try #require(Quarantine.data(id, d))), "\(d) was moved before the kill") }
        for d in order[2...] { #expect(f.exists(StoreLayout.blobData(d)), "\(d) was not moved") }

        // After the kill, a rollback lands: the old image is tagged again and must pull whole.
        f.revisionLink("team/app", old.manifest)
        f.tag("team/app", "rollback", old.manifest)

        let second = Fixture.collector(f, age: 7300)
        let r2 = try await second.run(try await second.plan())
        #expect(r2.finishedInterrupted == [id])
        for d in [old.manifest, old.config] + old.layers {
            #expect(f.exists(StoreLayout.blobData(d)), "\(d) is back in blobs/")
            #expect(f.exists(StoreLayout.layerLink(f.repo("team/app"), d)) || d == old.manifest, "\(d)'s _layers link is back")
        }
        for d in [kept.manifest, kept.config] + kept.layers { #expect(f.exists(StoreLayout.blobData(d))) }
        let finished = try await journal.entry(id)
        #expect(finished.completed)
        #expect(finished.quarantine?.contains { $0.state == .pending } == false, "\(String(describing: finished.quarantine))")

        // A day later nothing the rollback needs is deleted for good.
        let third = Fixture.collector(f, age: 7300 + 90000)
        let r3 = try await third.run(try await third.plan())
        #expect(Set(r3.deletedForGood).isDisjoint(with: [old.manifest, old.config] + old.layers), "\(r3.deletedForGood)")
        for d in [old.manifest, old.config] + old.layers { #expect(f.exists(StoreLayout.blobData(d))) }
    }

    /// Killed with nothing referencing its candidates again: the moved data is purged once old, and the data never
    /// moved gets its links back before the next run marks, so that run collects it like any garbage, links and all
    /// in its own journal (its undo brings the blobs back linked as before the killed run).
    @Test func aKilledRunsGarbageIsPurgedOnceOldAndTheUnmovedIsCollectedWithItsLinks() async throws {
        let (f, kept, _, _) = Fixture.store()
        let (entry, order) = try await Self.killed(f, after: 1)
        let id = entry.id
        let journal = Journal(driver: f.driver)
        let unmovedLinks = order[1...].flatMap { entry.layerLinks(of: $0) }
        #expect(!unmovedLinks.isEmpty, "the fixture has _layers links among the unmoved candidates")

        let later = Fixture.collector(f, age: 7200 + 90000)
        let r = try await later.run(try await later.plan())
        #expect(r.finishedInterrupted == [id])
        #expect(r.deletedForGood == [order[0]])
        #expect(!f.exists(try #require(Quarantine.folder(id))), "the emptied quarantine folder is removed")
        #expect(try await journal.entry(id).quarantine?.map(\.state) == [.purged, .skipped, .skipped, .skipped])
        // The unmoved garbage is this run's now, with the links the killed run had removed.
        let second = try #require(r.journalID)
        #expect(Set(r.quarantined) == Set(order[1...]))
        let secondEntry = try await journal.entry(second)
        #expect(Set(order[1...].flatMap { secondEntry.layerLinks(of: $0) }.compactMap(\.path)) == Set(unmovedLinks.compactMap(\.path)))
        _ = try await JournalUndo(store: f.store(), policy: .unrestricted).undo(second)
        for d in order[1...] { #expect(f.exists(StoreLayout.blobData(d)), "\(d) is back") }
        for link in unmovedLinks { #expect(f.exists(try #require(link.path)), "\(link.digest ?? "") is linked again") }
        for d in [kept.manifest, kept.config] + kept.layers { #expect(f.exists(StoreLayout.blobData(d))) }
    }

    /// A run at work (its heartbeat fresh) is never taken for a killed one: its incomplete entry is left to it,
    /// named; once the heartbeat is stale (the run died), the next run finishes it.
    @Test func anEntryWithAFreshHeartbeatIsLeftToItsRun() async throws {
        let (f, _, _, _) = Fixture.store()
        let id = try await Self.killed(f, after: 0).entry.id
        let journal = Journal(driver: f.driver)

        // Its heartbeat written 60 s before the next run: alive.
        let next = Fixture.collector(f, age: 7300)
        let beat = Date(timeIntervalSince1970: OnlineGCTests.written + 7300 - 60).timeIntervalSince1970
        try await f.driver.write(try #require(OnlineRunHeartbeat.path(id)), contents: Array(String(beat).utf8))
        let r = try await next.run(try await next.plan())
        #expect(r.finishedInterrupted.isEmpty)
        #expect(r.skipped.contains { $0.contains(id) && $0.contains("at work") }, "\(r.skipped)")
        #expect(try await journal.entry(id).completed == false)
        #expect(!r.quarantinesChecked.contains(id))

        // Ten minutes later the heartbeat is stale: the run died, and its entry is finished.
        let after = Fixture.collector(f, age: 7300 + 600)
        let r2 = try await after.run(try await after.plan())
        #expect(r2.finishedInterrupted == [id])
        #expect(try await journal.entry(id).completed)
    }

    /// SIGINT or SIGTERM (`stopRequested`) during the moves: no more data moves, the blobs not moved get their links
    /// back, the run still settles and re-scans, finishes its journal entry, and leaves step 7 to the next run.
    @Test func aStopOnRequestMovesNoMoreAndPutsTheRestBack() async throws {
        let (f, _, _, _) = Fixture.store()
        let asked = Locked(0)
        var collector = Fixture.collector(f)
        collector.stopRequested = { asked.withLock { $0 += 1; return $0 > 1 } }
        let plan = try await collector.plan()
        let order = plan.gc.blobs.map(\.digest)
        let linksBefore = f.driver.allFiles.keys.filter { $0.components.contains("_layers") }
        let r = try await collector.run(plan)
        #expect(r.interrupted)
        #expect(r.quarantined == [order[0]])
        #expect(r.quarantinesChecked.isEmpty, "step 7 is left to the next run")
        let id = try #require(r.journalID)
        let entry = try await Fixture.entry(f, id)
        #expect(entry.completed)
        #expect(entry.quarantine?.map(\.state) == [.quarantined, .skipped, .skipped, .skipped])
        for d in order[1...] {
            #expect(f.exists(StoreLayout.blobData(d)))
            for link in entry.layerLinks(of: d) { #expect(f.exists(try #require(link.path)), "\(d)'s link is back") }
        }
        // Only the moved blob's links (if any) are missing.
        let missing = Set(linksBefore).subtracting(f.driver.allFiles.keys)
        #expect(missing.isSubset(of: Set(entry.layerLinks(of: order[0]).compactMap(\.path))), "\(missing)")
    }

    /// Runs where `/proc` tells this process's identity, and always under CI, where a missing one fails the test
    /// (`#require`) instead of skipping it.
    static var identityKnown: Bool { ProcessIdentity.current != nil || RequiredTool.isCI }

    /// A heartbeat names its writer (`ProcessIdentity`): on this kernel and PID namespace, a writer that exited is dead
    /// once its heartbeat has missed a refresh (40 s, not five minutes), and one that runs is alive however old;
    /// anywhere else (or unparsable words), the time decides as before.
    @Test(.enabled(if: Self.identityKnown, "/proc tells this process's identity (Linux)"))
    func theKernelDecidesForAHeartbeatWrittenHere() async throws {
        let here = try #require(ProcessIdentity.current)
        let f = StoreFixture()
        let id = JournalEntry.makeID(Date(timeIntervalSince1970: 9_000))
        let path = try #require(OnlineRunHeartbeat.path(id))
        let now = Date(timeIntervalSince1970: 10_000)
        func liveness(_ written: Double, _ writer: String?) async throws -> OnlineRunHeartbeat.Liveness {
            try await f.driver.write(path, contents: Array((String(written) + (writer.map { " " + $0 } ?? "")).utf8))
            return await OnlineRunHeartbeat.liveness(of: id, driver: f.driver, now: now, here: here)
        }
        var exited = here
        exited.start += 1  // the pid now belongs to another process than the writer
        var elsewhere = here
        elsewhere.boot = "00000000-0000-0000-0000-000000000000"
        #expect(try await liveness(9_950, exited.words) == .gone, "50 s since a process that is gone wrote it")
        #expect(try await liveness(9_990, exited.words) == .exited(age: 10), "within two refreshes: left for now")
        #expect(try await liveness(1_000, here.words) == .alive(age: 9_000, pid: here.pid), "old, but its writer runs")
        #expect(try await liveness(9_950, elsewhere.words) == .alive(age: 50), "another kernel: the time decides")
        #expect(try await liveness(1_000, elsewhere.words) == .gone)
        #expect(try await liveness(9_950, "x y 1 2") == .alive(age: 50), "unparsable words: the time decides")
        #expect(try await liveness(9_950, here.words + " extra") == .alive(age: 50))
        #expect(try await liveness(9_950, nil) == .alive(age: 50))
        #expect(try await liveness(10_100, nil) == .alive(age: 0), "a clock 100 s ahead: alive")
        #expect(try await liveness(10_400, nil) == .gone, "more than 5 minutes ahead: no live run wrote it")
        #expect(try await liveness(1e12, exited.words) == .gone, "a forged far-future time holds nothing open")
        #expect(try await liveness(1e12, here.words) == .alive(age: 0, pid: here.pid), "unless its writer runs")
        // A process that ran and was killed: its own start time, its pid no longer there.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        let pid = child.processIdentifier
        let started = try #require(ProcessIdentity.status(of: String(pid))?.start)
        let running = ProcessIdentity(boot: here.boot, pidNamespace: here.pidNamespace, pid: pid, start: started)
        #expect(try await liveness(1_000, running.words) == .alive(age: 9_000, pid: pid), "a running child, however old its heartbeat")
        kill(pid, SIGKILL)
        child.waitUntilExit()
        #expect(try await liveness(9_950, running.words) == .gone, "the same child, killed and reaped")
        #expect(ProcessIdentity(words: here.words.split(separator: " ")) == here, "the words read back")
    }

    /// Killed on this host: a run 10 s later leaves the entry, saying its writer has exited; a run a minute later
    /// finishes it, without waiting five minutes.
    @Test(.enabled(if: Self.identityKnown, "/proc tells this process's identity (Linux)"))
    func aRunKilledOnThisHostIsFinishedWithoutWaitingFiveMinutes() async throws {
        let here = try #require(ProcessIdentity.current)
        let (f, _, _, _) = Fixture.store()
        let id = try await Self.killed(f, after: 1).entry.id
        var dead = here
        dead.start += 1
        let beat = OnlineGCTests.written + 7300 - 10
        try await f.driver.write(try #require(OnlineRunHeartbeat.path(id)), contents: Array("\(beat) \(dead.words)".utf8))
        let soon = Fixture.collector(f, age: 7300)
        let r1 = try await soon.run(try await soon.plan())
        #expect(r1.finishedInterrupted.isEmpty)
        #expect(r1.skipped.contains { $0.contains(id) && $0.contains("has exited (heartbeat 10s ago)") && $0.contains("40s old") }, "\(r1.skipped)")
        #expect(try await Journal(driver: f.driver).entry(id).completed == false)

        let later = Fixture.collector(f, age: 7300 + 60)
        let r2 = try await later.run(try await later.plan())
        #expect(r2.finishedInterrupted == [id], "\(r2.skipped)")
        #expect(try await Journal(driver: f.driver).entry(id).completed)
        #expect(!f.exists(try #require(OnlineRunHeartbeat.path(id))), "the dead run's heartbeat goes with it")
    }
}
