import Foundation
import RegistryStorage
import Testing

/// `drydock prune` over S3 (the real registry on moto): push times come from the tag links' `LastModified`.
@Suite(.heavy) struct PruneS3InteropTests {
    @Test(.timeLimit(.minutes(5)))
    func pushTimesComeFromLastModifiedAndThePruneAppliesAndUndoes() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-prune-s3")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "prune-s3-base")
        for v in ["v1", "v2", "v3"] { try layout.addImage(tag: v, layers: [base, LayerSpec(seed: "prune-s3-\(v)")]) }
        try await S3RegistryBed.with { bed in
            var digests: [String: String] = [:]
            // Pushed a second and more apart (LastModified has one-second resolution), oldest first. By name alone
            // v1 would rank first, so keeping v3 shows the times were read.
            for v in ["v1", "v2", "v3"] {
                digests[v] = try await Skopeo.copy(layout: layout, tag: v, to: bed.server, repository: "team/app").digest
                try await Task.sleep(for: .milliseconds(1100))
            }
            let dry = try await bed.drydock(["prune", "--dry-run", "--json", "--keep-last", "1", "--untagged"] + bed.direct)
            try #require(dry.exitCode == 0, "\(dry.stderrString)")
            let plan = try JSONDecoder().decode(PruneInteropTests.Report.self, from: Data(dry.stdout))
            let app = try #require(plan.repositories.first { $0.name == "team/app" })
            #expect(app.keep.map(\.tag) == ["v3"] && app.remove.map(\.tag) == ["v2", "v1"])
            #expect(Set(app.manifests) == Set([digests["v1"]!, digests["v2"]!]))
            let formatter = ISO8601DateFormatter()
            let pushed = (app.keep.map(\.pushed) + app.remove.map(\.pushed)).map { $0.flatMap(formatter.date(from:)) }
            #expect(pushed.allSatisfy { $0.map { abs($0.timeIntervalSinceNow) < 600 } == true }, "every push time read: \(pushed)")

            let applied = try await bed.drydock(["prune", "--yes", "--delete-enabled", "--keep-last", "1", "--untagged"] + bed.direct)
            try #require(applied.exitCode == 0, "\(applied.stderrString)")
            #expect(try await bed.api.tags("team/app") == ["v3"])
            try await DeleteScenario.pullCompletely(bed.api, "team/app", "v3")
            for ref in ["v1", "v2", digests["v1"]!, digests["v2"]!] { #expect(try await bed.api.manifest("team/app", ref).status == 404, "\(ref)") }

            let undo = try await bed.drydock(["undo", "--yes"] + bed.direct)
            #expect(undo.exitCode == 0, "\(undo.stderrString)")
            #expect(try await bed.api.tags("team/app").sorted() == ["v1", "v2", "v3"])
            for v in ["v1", "v2"] { try await DeleteScenario.pullCompletely(bed.api, "team/app", v) }
        }
    }
}
