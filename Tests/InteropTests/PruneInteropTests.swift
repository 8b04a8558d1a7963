import Foundation
import RegistryStorage
import Testing

/// `drydock prune` on a store the real registry (2.8.2) wrote, with push times set on the tag links: the registry
/// judges what is kept (tags/list, complete pulls of every platform and referrer) and what is gone (404).
@Suite(.heavy) struct PruneInteropTests {
    /// `team/app`: v1..v4 pushed 40, 30, 20, 10 days ago; `multi` an index over amd64 and s390x pushed 50 days ago;
    /// v1 and v4 each signed by a cosign-style tag (`sha256-<hex>.sig`) and by an OCI referrer (`subject`).
    /// `other/app`: one tag, `only`.
    struct Scenario {
        var root: URL
        var images: [String: String] = [:]
        var amd = ""
        var s390x = ""
        var index = ""
        var signatures: [String: String] = [:]
        var referrers: [String: String] = [:]

        var signatureTags: [String: String] { images.filter { ["v1", "v4"].contains($0.key) }.mapValues { "sha256-\($0.dropFirst("sha256:".count)).sig" } }
    }

    static let ages: [String: Double] = ["v1": 40, "v2": 30, "v3": 20, "v4": 10, "multi": 50, "only": 100]

    static func push(into root: URL, layout layoutURL: URL) async throws -> Scenario {
        let layout = try OCIImageBuilder(directory: layoutURL)
        let base = LayerSpec(seed: "prune-base")
        for v in ["v1", "v2", "v3", "v4"] { try layout.addImage(tag: v, layers: [base, LayerSpec(seed: "prune-\(v)")]) }
        let amd = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "prune-amd")])
        let s390x = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "prune-s390x")], architecture: "s390x")
        let index = try layout.addIndex(tag: "multi", images: [amd, s390x])
        for v in ["v1", "v4"] {
            try layout.addImage(tag: "sig-\(v)", layers: [LayerSpec(seed: "prune-cosign-\(v)")])
            try layout.addImage(tag: "ref-\(v)", layers: [LayerSpec(seed: "prune-referrer-\(v)")])
        }
        try layout.addImage(tag: "only", layers: [LayerSpec(seed: "prune-other")])
        var scenario = Scenario(root: root, amd: amd.manifestDigest, s390x: s390x.manifestDigest, index: index.digest)
        var options = RegistryServer.Options()
        options.rootDirectory = root
        try await RegistryServer.with(options) { server in
            for v in ["v1", "v2", "v3", "v4"] {
                scenario.images[v] = try await Skopeo.copy(layout: layout, tag: v, to: server, repository: "team/app").digest
            }
            try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "team/app", all: true)
            for v in ["v1", "v4"] {
                let subject = try #require(scenario.images[v])
                let tag = scenario.signatureTags[v]!
                scenario.signatures[v] = try await Skopeo.copy(layout: layout, tag: "sig-\(v)", to: server, repository: "team/app", destinationTag: tag).digest
                scenario.referrers[v] = try await putReferrer(server, layout: layout, source: "ref-\(v)", subject: subject)
            }
            try await Skopeo.copy(layout: layout, tag: "only", to: server, repository: "other/app")
        }
        let files = StoreFiles(root: root)
        for (repo, tags) in [("team/app", ["v1", "v2", "v3", "v4", "multi"] + scenario.signatureTags.values), ("other/app", ["only"])] {
            for tag in tags {
                let link = files.repository(repo).appendingPathComponent("_manifests/tags/\(tag)/current/link")
                let age = ages[tag] ?? 1
                try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age * 86_400)], ofItemAtPath: link.path)
            }
        }
        return scenario
    }

    /// Pushes the image `source` untagged, with a `subject` naming `subject`: an OCI 1.1 referrer. Its blobs come in
    /// with a temporary push to a scratch repository and a cross-repository mount.
    static func putReferrer(_ server: RegistryServer, layout: OCIImageBuilder, source: String, subject: String) async throws -> String {
        let api = server.api
        try await Skopeo.copy(layout: layout, tag: source, to: server, repository: "scratch/\(source)")
        let served = try await api.manifest("scratch/\(source)", source)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(served.body)) as? [String: Any])
        let subjectManifest = try await api.manifest("team/app", subject)
        json["subject"] = ["mediaType": MediaType.ociManifest, "digest": subject, "size": subjectManifest.body.count]
        var blobs = [(json["config"] as? [String: Any])?["digest"] as? String]
        blobs += ((json["layers"] as? [[String: Any]]) ?? []).map { $0["digest"] as? String }
        for blob in blobs.compactMap({ $0 }) {
            let mount = try await api.request("POST", "/v2/team/app/blobs/uploads/?mount=\(blob)&from=scratch/\(source)")
            try #require(mount.status == 201, "mount \(blob): \(mount.status) \(mount.bodyString)")
        }
        let bytes = Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
        let digest = StoreFiles.sha256(bytes)
        let put = try await api.putManifest("team/app", digest, contentType: MediaType.ociManifest, body: bytes)
        try #require(put.status == 201, "\(put.status) \(put.bodyString)")
        return digest
    }

    struct Report: Decodable {
        struct Kept: Decodable { var tag: String; var digest: String; var pushed: String?; var reason: String }
        struct Removed: Decodable { var tag: String; var digest: String; var pushed: String? }
        struct Repository: Decodable {
            var name: String
            var order: String
            var keep: [Kept]
            var remove: [Removed]
            var removeSignatureTags: [Removed]
            var manifests: [String]
        }
        var repositories: [Repository]
        var bytes: Int64
        var journal: String?
        var executed: Bool
    }

    static let rules = ["--repository", "team/**", "--keep-last", "1", "--keep-tag", "^multi$", "--untagged"]

    @Test(.timeLimit(.minutes(5)))
    func pruneKeepsExactlyTheRetainedTagsAndTheRegistryServesThemCompletely() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-prune")
        defer { scratch.remove() }
        let s = try await Self.push(into: scratch.url.appendingPathComponent("store"), layout: scratch.url.appendingPathComponent("layout"))
        let root = s.root.path
        let pristine = DeleteScenario.snapshot(s.root, includingJournal: true)

        // The plan: v4 (newest) and multi (by pattern) stay; v1..v3 go, with the images nothing reaches then: their
        // manifests, v1's cosign signature and v1's referrer. Index children and v4's signatures stay.
        let dry = try await DeleteScenario.drydock(["prune", "--dry-run", "--json", root] + Self.rules)
        try #require(dry.exitCode == 0, "\(dry.stderrString)")
        let plan = try JSONDecoder().decode(Report.self, from: Data(dry.stdout))
        #expect(plan.repositories.map(\.name) == ["team/app"], "scratch/* and other/app are out of scope")
        let app = try #require(plan.repositories.first { $0.name == "team/app" })
        #expect(app.order == "pushed")
        #expect(app.keep.map(\.tag) == ["v4", "multi"])
        #expect(app.keep.map(\.reason) == ["keep-last 1 by pushed", "keep-tag ^multi$"])
        #expect(app.remove.map(\.tag) == ["v3", "v2", "v1"])
        #expect(app.remove.map(\.digest) == ["v3", "v2", "v1"].map { s.images[$0]! })
        #expect(app.removeSignatureTags.map(\.tag) == [s.signatureTags["v1"]!])
        let gone = Set(["v1", "v2", "v3"].map { s.images[$0]! } + [s.signatures["v1"]!, s.referrers["v1"]!])
        #expect(Set(app.manifests) == gone)
        #expect(plan.bytes > 0 && !plan.executed)
        #expect(DeleteScenario.snapshot(s.root, includingJournal: true) == pristine, "a dry run changes nothing")

        // The same rules as a policy file give the same plan.
        let policy = scratch.url.appendingPathComponent("policy.yml")
        try Data("rules:\n  - repositories: [\"team/**\"]\n    keep-last: 1\n    keep-tags: ['^multi$']\n".utf8).write(to: policy)
        let viaPolicy = try await DeleteScenario.drydock(["prune", "--dry-run", "--json", root, "--policy", policy.path, "--untagged"])
        try #require(viaPolicy.exitCode == 0, "\(viaPolicy.stderrString)")
        let policyPlan = try JSONDecoder().decode(Report.self, from: Data(viaPolicy.stdout))
        #expect(policyPlan.repositories.map(\.name) == ["team/app"])
        #expect(policyPlan.repositories.first?.keep.map(\.tag) == app.keep.map(\.tag) && policyPlan.repositories.first?.manifests == app.manifests)

        // Caps fail closed and change nothing.
        let capped = try await DeleteScenario.drydock(["prune", "--yes", "--delete-enabled", root, "--max-delete", "2"] + Self.rules)
        #expect(capped.exitCode == 1 && capped.stderrString.contains("--max-delete 2"), "\(capped.stderrString)")
        let percent = try await DeleteScenario.drydock(["prune", "--yes", "--delete-enabled", root, "--max-delete", "50%"] + Self.rules)
        #expect(percent.exitCode == 1, "3 of 5 tags is more than 50%: \(percent.stderrString)")
        let emptied = try await DeleteScenario.drydock(["prune", "--yes", "--delete-enabled", root, "--repository", "other/*", "--keep-tag", "^none$"])
        #expect(emptied.exitCode == 1 && emptied.stderrString.contains("--allow-empty"), "\(emptied.stderrString)")
        let gated = try await DeleteScenario.drydock(["prune", "--yes", root] + Self.rules)
        #expect(gated.exitCode == 1 && gated.stderrString.contains("refused"), "deletes are off by default: \(gated.stderrString)")
        #expect(DeleteScenario.snapshot(s.root, includingJournal: true) == pristine, "refused prunes change nothing")

        // Apply: one journal entry.
        let applied = try await DeleteScenario.drydock(["prune", "--yes", "--json", "--delete-enabled", root] + Self.rules)
        try #require(applied.exitCode == 0, "\(applied.stderrString)")
        let done = try JSONDecoder().decode(Report.self, from: Data(applied.stdout))
        #expect(done.executed && done.journal != nil)
        let journal = try await DeleteScenario.drydock(["undo", "--list", root])
        #expect(journal.stdoutString.split(separator: "\n").count == 1, "\(journal.stdoutString)")

        try await DeleteScenario.serve(s.root) { api in
            #expect(try await api.tags("team/app").sorted() == ["multi", s.signatureTags["v4"]!, "v4"].sorted())
            #expect(try await api.tags("other/app") == ["only"], "out of scope")
            try await DeleteScenario.pullCompletely(api, "team/app", "v4")
            try await DeleteScenario.pullCompletely(api, "team/app", "multi")
            try await DeleteScenario.pullCompletely(api, "team/app", s.signatureTags["v4"]!)
            try await DeleteScenario.pullCompletely(api, "team/app", s.referrers["v4"]!)
            for d in [s.amd, s.s390x] { try await DeleteScenario.pullCompletely(api, "team/app", d) }
            for ref in ["v1", "v2", "v3", s.signatureTags["v1"]!] + Array(gone) {
                let m = try await api.manifest("team/app", ref)
                #expect(m.status == 404, "\(ref): \(m.status)")
            }
        }

        // Undo brings every tag back.
        let undo = try await DeleteScenario.drydock(["undo", "--yes", root])
        #expect(undo.exitCode == 0, "\(undo.stderrString)")
        try await DeleteScenario.serve(s.root) { api in
            #expect(try await api.tags("team/app").sorted() == (["v1", "v2", "v3", "v4", "multi"] + s.signatureTags.values).sorted())
            for tag in ["v1", "v2", "v3", s.signatureTags["v1"]!] { try await DeleteScenario.pullCompletely(api, "team/app", tag) }
            try await DeleteScenario.pullCompletely(api, "team/app", s.referrers["v1"]!)
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aSavedPlanAppliesExactlyAndIsRefusedOnceATagMoved() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-prune-plan")
        defer { scratch.remove() }
        let s = try await Self.push(into: scratch.url.appendingPathComponent("store"), layout: scratch.url.appendingPathComponent("layout"))
        let root = s.root.path
        let planFile = scratch.url.appendingPathComponent("plan.json").path
        let direct = scratch.url.appendingPathComponent("direct")
        // `cp -a` keeps the tag links' modification times, which are the push times.
        let copied = try await Shell.run("/bin/cp", ["-a", s.root.path, direct.path], timeout: 60)
        try #require(copied.exitCode == 0, "\(copied.stderrString)")

        let saved = try await DeleteScenario.drydock(["prune", "--plan-out", planFile, root] + Self.rules)
        try #require(saved.exitCode == 0, "\(saved.stderrString)")
        let before = DeleteScenario.snapshot(s.root, includingJournal: true)
        // v4 (kept) pushed again: same digest, new link write. The plan no longer describes the store.
        let v4 = StoreFiles(root: s.root).repository("team/app").appendingPathComponent("_manifests/tags/v4/current/link")
        let original = try FileManager.default.attributesOfItem(atPath: v4.path)[.modificationDate] as! Date
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: v4.path)
        let stale = try await DeleteScenario.drydock(["prune", "--yes", "--delete-enabled", root, "--apply", planFile])
        #expect(stale.exitCode == 1 && stale.stderrString.contains("team/app:v4 was pushed again"), "\(stale.stderrString)")
        #expect(DeleteScenario.snapshot(s.root, includingJournal: true) == before, "a stale plan changes nothing")

        // Put back as it was, the plan applies, and leaves the same tree as a direct prune.
        try FileManager.default.setAttributes([.modificationDate: original], ofItemAtPath: v4.path)
        let applied = try await DeleteScenario.drydock(["prune", "--yes", "--delete-enabled", root, "--apply", planFile])
        #expect(applied.exitCode == 0, "\(applied.stderrString)")
        let directRun = try await DeleteScenario.drydock(["prune", "--yes", "--delete-enabled", direct.path] + Self.rules)
        #expect(directRun.exitCode == 0, "\(directRun.stderrString)")
        #expect(DeleteScenario.snapshot(s.root) == DeleteScenario.snapshot(direct),
            "\(DeleteScenario.difference(DeleteScenario.snapshot(s.root), DeleteScenario.snapshot(direct)))")
        #expect(applied.stdoutString.contains("drydock gc "), "the run names the gc that frees the space: \(applied.stdoutString)")
    }
}
