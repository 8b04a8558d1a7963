import Foundation
import RegistryStorage
import Testing

/// A child of a tagged multi-arch index is not garbage (issue: `rm` and the browser called deleting the s390x child
/// of `team/frontend:stable` harmless, and the tag then stopped pulling for s390x). On a store the real registry wrote:
/// `ls` says what reaches each manifest, `rm` refuses such a delete unless `--force`, and the registry judges both.
@Suite(.heavy) struct ReachabilityInteropTests {
    @Test(.timeLimit(.minutes(3)))
    func aChildOfATaggedIndexIsListedAsNeededAndItsDeleteIsRefusedUnlessForced() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-reach")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "reach-base")
        let amd = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "reach-amd")])
        let s390x = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "reach-s390x")], architecture: "s390x")
        try layout.addIndex(tag: "stable", images: [amd, s390x])
        let old = try layout.addImage(tag: "old", layers: [base, LayerSpec(seed: "reach-old")], labels: ["v": "old"])
        let new = try layout.addImage(tag: "new", layers: [base, LayerSpec(seed: "reach-new")], labels: ["v": "new"])
        let root = scratch.url.appendingPathComponent("store")
        var options = RegistryServer.Options()
        options.rootDirectory = root
        try await RegistryServer.with(options) { server in
            try await Skopeo.copy(layout: layout, tag: "stable", to: server, repository: "team/frontend", all: true)
            // v1 first names `old`, then `new`: `old` is left stored and truly untagged.
            try await Skopeo.copy(layout: layout, tag: "old", to: server, repository: "team/frontend", destinationTag: "v1")
            try await Skopeo.copy(layout: layout, tag: "new", to: server, repository: "team/frontend", destinationTag: "v1")
        }
        let child = s390x.manifestDigest

        // ls: the child is reached through stable for linux/s390x; only `old` counts as untagged.
        let json = try await DeleteScenario.drydock(["ls", "--json", root.path, "team/frontend"])
        try #require(json.exitCode == 0, "\(json.stderrString)")
        struct Listing: Decodable {
            struct Repository: Decodable { var manifests: [Manifest] }
            struct Manifest: Decodable {
                struct Pull: Decodable, Equatable { var tag: String; var platform: String? }
                var digest: String
                var reachable: Bool
                var neededBy: [Pull]
            }
            var repositories: [Repository]
        }
        let manifests = try JSONDecoder().decode(Listing.self, from: Data(json.stdout)).repositories.flatMap(\.manifests)
        let byDigest = Dictionary(manifests.map { ($0.digest, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byDigest[child]?.reachable == true)
        #expect(byDigest[child]?.neededBy == [.init(tag: "stable", platform: "linux/s390x")])
        #expect(byDigest[old.manifestDigest]?.reachable == false && byDigest[old.manifestDigest]?.neededBy == [])
        #expect(byDigest[new.manifestDigest]?.neededBy == [.init(tag: "v1", platform: nil)])
        let table = try await DeleteScenario.drydock(["ls", root.path, "team/frontend"])
        let childLine = table.stdoutString.split(separator: "\n").first { $0.contains(child) }
        #expect(childLine?.contains("in stable (linux/s390x)") == true, "\(table.stdoutString)")
        let oldLine = table.stdoutString.split(separator: "\n").first { $0.contains(old.manifestDigest) }
        #expect(oldLine?.contains("(untagged)") == true)
        let store = try await DeleteScenario.drydock(["ls", root.path])
        let storeLine = store.stdoutString.split(separator: "\n").first { $0.hasPrefix("team/frontend") }
        // REPOSITORY TAGS MANIFESTS UNTAGGED ...: 2 tags, 5 manifests (index, two children, old, new), 1 untagged.
        #expect(storeLine.map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(4).map(String.init) } == ["team/frontend", "2", "5", "1"], "\(store.stdoutString)")

        // rm: the dry run names the pulls that break; the real run refuses and changes nothing.
        let before = DeleteScenario.snapshot(root, includingJournal: true)
        let dry = try await DeleteScenario.drydock(["rm", "--dry-run", "--delete-enabled", root.path, "team/frontend@\(child)"])
        #expect(dry.exitCode == 0)
        #expect(dry.stdoutString.contains("BREAKS PULLS") && dry.stdoutString.contains("team/frontend:stable (linux/s390x)"), "\(dry.stdoutString)")
        let refused = try await DeleteScenario.drydock(["rm", "--yes", "--delete-enabled", root.path, "team/frontend@\(child)"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderrString.contains("refused") && refused.stderrString.contains("--force"), "\(refused.stderrString)")
        #expect(DeleteScenario.snapshot(root, includingJournal: true) == before, "a refused delete changes nothing")
        let refusedJSON = try await DeleteScenario.drydock(["rm", "--yes", "--json", "--delete-enabled", root.path, "team/frontend@\(child)"])
        #expect(refusedJSON.exitCode == 1 && refusedJSON.stdoutString.contains("\"brokenPulls\""))
        // The registry still serves stable completely, every platform.
        try await DeleteScenario.serve(root) { api in
            try await DeleteScenario.pullCompletely(api, "team/frontend", "stable")
            try await DeleteScenario.pullCompletely(api, "team/frontend", "v1")
        }
        // Deleting the untagged image is not refused.
        let untagged = try await DeleteScenario.drydock(["rm", "--yes", "--delete-enabled", root.path, "team/frontend@\(old.manifestDigest)"])
        #expect(untagged.exitCode == 0, "\(untagged.stderrString)")

        // --force does what it says: the registry then fails the s390x pull, as the preview warned.
        let forced = try await DeleteScenario.drydock(["rm", "--yes", "--force", "--delete-enabled", root.path, "team/frontend@\(child)"])
        #expect(forced.exitCode == 0, "\(forced.stderrString)")
        try await DeleteScenario.serve(root) { api in
            let gone = try await api.manifest("team/frontend", child)
            #expect(gone.status == 404 && DeleteScenario.errorCode(gone.body) == "MANIFEST_UNKNOWN")
            #expect(try await api.manifest("team/frontend", "stable").status == 200, "the index itself is still served")
            try await DeleteScenario.pullCompletely(api, "team/frontend", amd.manifestDigest)
        }
    }
}
