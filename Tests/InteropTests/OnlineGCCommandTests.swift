import Foundation
import Testing

/// `drydock gc --online` as a command against a store the real registry writes and serves: what it refuses (nothing
/// changed), and `drydock undo` putting a collection back, blobs included, as the registry then serves them.
@Suite(.heavy, .serialized) struct OnlineGCCommandTests {
    @Test(.timeLimit(.minutes(3)))
    func refusalsChangeNothing() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        try await RegistryServer.with { server in
            let api = server.api
            let ledger = Soak.Ledger()
            _ = try await Soak.pushImage(api, "team/app", tag: "v1", reuse: nil, ledger: ledger)
            let (gone, _) = try await Soak.pushImage(api, "team/app", tag: "v2", reuse: nil, ledger: ledger)
            #expect(try await api.deleteManifest("team/app", gone) == 202)
            let root = server.rootDirectory
            let before = DeleteScenario.snapshot(root, includingJournal: true)
            // (arguments, exit status, what stderr must say)
            let cases: [([String], Int32, [String])] = [
                (["gc", "--online", "--yes", "--grace", "0s", root.path], 1, ["--no-cache-check", "--config", "refused"]),
                (["gc", "--online", "--yes", "--grace", "0s", "--no-cache-check", "--read-only", root.path], 1, ["read-only"]),
                (["gc", "--grace", "2s", "--yes", root.path], 2, ["--grace goes with --online"]),
                (["gc", "--online", "--grace", "soon", "--no-cache-check", root.path], 2, ["not a duration"]),
            ]
            for (arguments, status, messages) in cases {
                let result = try await DeleteScenario.drydock(arguments)
                #expect(result.exitCode == status, "\(arguments): \(result.stderrString)")
                for m in messages { #expect(result.stderrString.contains(m), "\(arguments): \(result.stderrString)") }
            }
            #expect(DeleteScenario.snapshot(root, includingJournal: true) == before, "nothing changed, not even a journal")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func undoPutsACollectionBackBlobsIncluded() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        try await RegistryServer.with { server in
            let api = server.api
            let ledger = Soak.Ledger()
            let (kept, _) = try await Soak.pushImage(api, "team/app", tag: "v1", reuse: nil, ledger: ledger)
            let (gone, layers) = try await Soak.pushImage(api, "team/app", tag: "v2", reuse: nil, ledger: ledger)
            #expect(try await api.deleteManifest("team/app", gone) == 202)
            let layer = StoreFiles.sha256(try #require(layers.first?.1))
            let root = server.rootDirectory.path
            let dry = try await DeleteScenario.drydock(["gc", "--online", "--dry-run", "--json", "--grace", "0s", "--no-cache-check", root])
            #expect(dry.exitCode == 0, "\(dry.stderrString)")
            #expect(dry.stdoutString.contains(layer), "the dry run names the layer")
            let run = try await DeleteScenario.drydock(["gc", "--online", "--yes", "--json", "--grace", "0s", "--settle", "0s", "--no-cache-check", root])
            #expect(run.exitCode == 0, "\(run.stderrString)")
            #expect(run.stderrString.contains("quarantining"), "progress on stderr: \(run.stderrString)")
            struct Report: Decodable {
                var journal: String?
                var quarantined: [String]
            }
            let report = try JSONDecoder().decode(Report.self, from: Data(run.stdout))
            let id = try #require(report.journal)
            #expect(report.quarantined.contains(layer) && report.quarantined.contains(gone))
            // The phases, with their counts.
            let n = report.quarantined.count
            for phase in ["drydock: marked ", "candidates: \(n) blob(s), 0 untagged manifest(s)", "drydock: unlinking ", "drydock: quarantined \(n)/\(n) blobs", "drydock: settling", "drydock: re-scanned: 0 blob(s) and 0 manifest(s)"] {
                #expect(run.stderrString.contains(phase), "\(phase): \(run.stderrString)")
            }
            #expect(try await api.blobStatus("team/app", layer) == 404, "the registry no longer has the layer")
            #expect(await Soak.pullProblem(api, "team/app", "v1", expected: kept) == nil)

            let undo = try await DeleteScenario.drydock(["undo", "--yes", root, id])
            #expect(undo.exitCode == 0, "\(undo.stderrString)")
            let blob = try await api.getBlob("team/app", layer)
            #expect(blob.status == 200 && StoreFiles.sha256(blob.body) == layer, "the registry serves the layer again")
            let again = try await DeleteScenario.drydock(["undo", "--yes", root, id])
            #expect(again.exitCode == 1 && again.stderrString.contains("already undone"), "\(again.stderrString)")
        }
    }

    /// `storage.cache.blobdescriptor: inmemory`: the running registry would keep vouching for quarantined blobs, so
    /// an online run is refused with the two ways out, and nothing changes.
    @Test(.timeLimit(.minutes(3)))
    func anInMemoryCacheIsRefused() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        var options = RegistryServer.Options()
        options.extraStorageYAML = "  cache:\n    blobdescriptor: inmemory\n"
        try await RegistryServer.with(options) { server in
            let api = server.api
            let ledger = Soak.Ledger()
            _ = try await Soak.pushImage(api, "team/app", tag: "v1", reuse: nil, ledger: ledger)
            let (gone, _) = try await Soak.pushImage(api, "team/app", tag: "v2", reuse: nil, ledger: ledger)
            #expect(try await api.deleteManifest("team/app", gone) == 202)
            let before = DeleteScenario.snapshot(server.rootDirectory, includingJournal: true)
            for extra in [[], ["--dry-run"], ["--no-cache-check"]] {
                let result = try await DeleteScenario.drydock(["gc", "--online", "--yes", "--grace", "0s", "--config", server.configPath] + extra)
                #expect(result.exitCode == 1, "\(extra): \(result.stderrString)")
                for m in ["inmemory", "without --online", "redis"] {
                    #expect(result.stderrString.contains(m), "\(extra): \(result.stderrString)")
                }
            }
            #expect(DeleteScenario.snapshot(server.rootDirectory, includingJournal: true) == before, "nothing changed")
        }
    }

    /// An offline `gc` on a configuration whose `http.addr` answers is refused (exit 1, nothing changed) unless
    /// `--online` or `--registry-stopped`; once the registry is stopped it runs.
    @Test(.timeLimit(.minutes(3)))
    func offlineGCRefusesWhileTheRegistryAnswers() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let server = try await RegistryServer.start()
        server.keepsWorkDirectory = true
        defer { try? FileManager.default.removeItem(at: server.workDirectory) }
        let api = server.api
        let ledger = Soak.Ledger()
        _ = try await Soak.pushImage(api, "team/app", tag: "v1", reuse: nil, ledger: ledger)
        let (gone, _) = try await Soak.pushImage(api, "team/app", tag: "v2", reuse: nil, ledger: ledger)
        #expect(try await api.deleteManifest("team/app", gone) == 202)
        let before = DeleteScenario.snapshot(server.rootDirectory, includingJournal: true)
        let refused = try await DeleteScenario.drydock(["gc", "--yes", "--config", server.configPath])
        #expect(refused.exitCode == 1, "\(refused.stderrString)")
        #expect(refused.stderrString.contains("answers") && refused.stderrString.contains("--registry-stopped"), "\(refused.stderrString)")
        #expect(DeleteScenario.snapshot(server.rootDirectory, includingJournal: true) == before, "nothing changed")
        let dry = try await DeleteScenario.drydock(["gc", "--dry-run", "--config", server.configPath])
        #expect(dry.exitCode == 0, "a dry run changes nothing and is not refused: \(dry.stderrString)")
        await OffPool.run { server.stop() }
        let stopped = try await DeleteScenario.drydock(["gc", "--yes", "--config", server.configPath])
        #expect(stopped.exitCode == 0, "\(stopped.stderrString)")
        #expect(DeleteScenario.snapshot(server.rootDirectory, includingJournal: true) != before, "the stopped registry's store was collected")
    }
}
