import Foundation
import Testing

/// The real `drydock gc --online` killed with SIGKILL while it moves blobs into the quarantine, the registry serving
/// throughout (README, "Online garbage collection", runs that stop part way; `OnlineGCInterruptedTests` plays the same
/// state through the library). The registry is the judge: every kept tag pulls right after the kill, a rollback pushed
/// as a client pushes (HEAD, upload what is missing, PUT) pulls whole, a run at once leaves the killed run's entry (its
/// heartbeat is fresh) and collects the garbage it left, and a run after 40 s finishes that entry, with nothing a tag
/// needs lost.
@Suite(.heavy, .serialized) struct OnlineGCKillTests {
    /// Garbage written straight into `blobs/`, so the moves outlast the test's look at the quarantine: one rename each.
    static let orphans = 6000

    @Test(.timeLimit(.minutes(5)))
    func aRunKilledWhileMovingIsFinishedByTheNextAndEveryTagPulls() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        try await RegistryServer.with { server in
            let api = server.api
            let ledger = Soak.Ledger()
            let files = StoreFiles(server)
            let (kept, _) = try await Soak.pushImage(api, "team/app", tag: "v1", reuse: nil, ledger: ledger)
            let (index, _) = try await Soak.pushIndex(api, "team/multi", tag: "latest", ledger: ledger)
            // v2 deleted: its manifest, config and layer are candidates, with their `_layers` links.
            let (gone, goneLayers) = try await Soak.pushImage(api, "team/app", tag: "v2", reuse: nil, ledger: ledger)
            let goneManifest = try await api.manifest("team/app", gone)
            let goneConfig = try #require(Self.config(of: goneManifest.body))
            #expect(try await api.deleteManifest("team/app", gone) == 202)
            let orphans = try Self.writeOrphans(files, count: Self.orphans)

            // The first run, killed once it has moved a few blobs.
            let root = server.rootDirectory.path
            let quarantine = files.v2.appendingPathComponent("drydock/quarantine", isDirectory: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try DrydockBinary.path())
            process.arguments = ["gc", "--online", "--yes", "--grace", "0s", "--settle", "0s", "--no-cache-check", root]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Whatever ends the test early, the child does not outlive it.
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
            let deadline = Date().addingTimeInterval(90)
            var id: String?
            while process.isRunning, Date() < deadline {
                if let run = try? FileManager.default.contentsOfDirectory(atPath: quarantine.path).first,
                    let moved = try? FileManager.default.contentsOfDirectory(atPath: quarantine.appendingPathComponent("\(run)/sha256").path),
                    moved.count >= 10
                {
                    id = run
                    kill(process.processIdentifier, SIGKILL)
                    break
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            if process.isRunning, id == nil { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let killed = try #require(id, "the run never moved a blob within 90 s (exit \(process.terminationStatus))")
            #expect(process.terminationReason == .uncaughtSignal, "the run ended on its own before the kill")
            let candidates = orphans + [gone, goneConfig] + goneLayers.map { StoreFiles.sha256($0.1) }
            let moved = candidates.filter { files.exists(files.quarantinedData(killed, $0)) }
            let inPlace = candidates.filter { files.exists(files.blobData($0)) }
            #expect(!moved.isEmpty && !inPlace.isEmpty, "killed part way: \(moved.count) moved, \(inPlace.count) in place")
            #expect(moved.count + inPlace.count == candidates.count, "every candidate is in one place or the other")
            let heartbeat = files.v2.appendingPathComponent("drydock/running/\(killed)")
            #expect(files.exists(heartbeat), "the kill left the run's heartbeat, fresh: only the kernel can tell it is dead")
            print("OnlineGCKillTests: killed after \(moved.count) of \(candidates.count) moves")

            // Right after the kill the registry serves every kept tag whole.
            #expect(await Soak.pullProblem(api, "team/app", "v1", expected: kept) == nil)
            #expect(await Soak.pullProblem(api, "team/multi", "latest", expected: index) == nil)

            // A rollback lands before the next run: v2 pushed again as a client pushes it.
            for (_, bytes) in goneLayers where try await !api.blobExists("team/app", StoreFiles.sha256(bytes)) {
                try await Soak.upload(api, "team/app", bytes)
            }
            if try await !api.blobExists("team/app", goneConfig) {
                // The config's bytes are the kill's or the blob store's now: read them back from wherever they are.
                let bytes = try #require(files.read(files.blobData(goneConfig)) ?? files.read(files.quarantinedData(killed, goneConfig)))
                try await Soak.upload(api, "team/app", bytes)
            }
            let put = try await api.putManifest("team/app", "v2", contentType: MediaType.ociManifest, body: goneManifest.body)
            #expect(put.status == 201, "\(put.bodyString.prefix(200))")
            #expect(await Soak.pullProblem(api, "team/app", "v2", expected: gone) == nil)

            struct Report: Decodable {
                var finishedInterrupted: [String]
                var skipped: [String]
                var quarantined: [String]
            }
            func collect() async throws -> Report {
                let run = try await DeleteScenario.drydock(
                    ["gc", "--online", "--yes", "--json", "--grace", "0s", "--settle", "0s", "--no-cache-check", root])
                #expect(run.exitCode == 0, "\(run.stderrString)")
                return try JSONDecoder().decode(Report.self, from: Data(run.stdout))
            }

            // A run at once: the killed run's heartbeat is seconds old, so its entry is left, named as a run that has
            // exited (the kernel says so, but only a heartbeat that missed two refreshes is believed). It collects the garbage the
            // kill left in place, which the killed entry still lists as pending.
            let first = try await collect()
            #expect(first.finishedInterrupted.isEmpty)
            #expect(first.skipped.contains { $0.contains(killed) && $0.contains("has exited") && $0.contains("40s old") }, "\(first.skipped.prefix(3))")
            #expect(Set(first.quarantined).isSuperset(of: Set(orphans).intersection(inPlace)))
            #expect(await Soak.pullProblem(api, "team/app", "v2", expected: gone) == nil)

            // Once the heartbeat is 40 s old (five minutes is the rule where the kernel cannot tell), the next run
            // finishes the killed run's entry.
            let beat = try #require(files.read(heartbeat).flatMap { String(decoding: $0, as: UTF8.self).split(separator: " ").first }.flatMap { Double($0) })
            let wait = beat + 41 - Date().timeIntervalSince1970
            if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
            let next = try await collect()
            #expect(next.finishedInterrupted == [killed], "\(next.finishedInterrupted) \(next.skipped.prefix(3))")
            #expect(next.skipped.allSatisfy { !$0.contains(killed) }, "\(next.skipped.prefix(3))")
            #expect(!files.exists(heartbeat), "the dead run's heartbeat is removed with its entry finished")

            // Every tag pulls whole, and no garbage is left in blobs/.
            #expect(await Soak.pullProblem(api, "team/app", "v1", expected: kept) == nil)
            #expect(await Soak.pullProblem(api, "team/app", "v2", expected: gone) == nil)
            #expect(await Soak.pullProblem(api, "team/multi", "latest", expected: index) == nil)
            let leftOrphans = orphans.filter { files.exists(files.blobData($0)) }
            #expect(leftOrphans.isEmpty, "\(leftOrphans.count) orphan(s) still in blobs/")
        }
    }

    /// `count` blobs of random bytes no manifest references, written where the registry keeps blob data.
    static func writeOrphans(_ files: StoreFiles, count: Int) throws -> [String] {
        var written: [String] = []
        written.reserveCapacity(count)
        for _ in 0..<count {
            let bytes = (0..<64).map { _ in UInt8.random(in: 0...255) }
            let digest = StoreFiles.sha256(bytes)
            let data = files.blobData(digest)
            try FileManager.default.createDirectory(at: data.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: data)
            written.append(digest)
        }
        return written
    }

    static func config(of manifest: [UInt8]) -> String? {
        struct M: Decodable {
            struct D: Decodable { var digest: String }
            var config: D
        }
        return (try? JSONDecoder().decode(M.self, from: Data(manifest)))?.config.digest
    }
}
