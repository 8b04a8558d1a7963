import Foundation
import RegistryStorage
import Testing

/// `drydock gc` against `docker-registry garbage-collect` (distribution 2.8.2): the same marks on stores without
/// indexes; on a multi-arch store Drydock keeps the children the registry's `--delete-untagged` would sweep, and after
/// a real `drydock gc` the registry serves every kept image completely.
@Suite(.heavy) struct GCInteropTests {
    /// The "eligible for deletion" lines of the registry's collector.
    struct RegistryGC: Equatable {
        var blobs: Set<String> = []
        var manifests: Set<String> = []

        init(_ stdout: String) {
            for line in stdout.split(separator: "\n") {
                if let r = line.range(of: "blob eligible for deletion: ") { blobs.insert(String(line[r.upperBound...])) }
                if let r = line.range(of: "manifest eligible for deletion: ") { manifests.insert(String(line[r.upperBound...])) }
            }
        }

        init(blobs: Set<String>, manifests: Set<String>) {
            self.blobs = blobs
            self.manifests = manifests
        }
    }

    struct DrydockGC: Decodable {
        struct Ref: Decodable { var repository: String; var digest: String }
        var blobs: [String]
        var manifests: [Ref]
        var bytes: Int64
        var keptAgainstRegistry: [Ref]

        var asRegistry: RegistryGC { RegistryGC(blobs: Set(blobs), manifests: Set(manifests.map(\.digest))) }
    }

    static func drydockGC(_ root: URL, deleteUntagged: Bool, dryRun: Bool = true, followSymlinks: Bool = false) async throws -> DrydockGC {
        var arguments = ["gc", "--json"] + (dryRun ? ["--dry-run"] : ["--yes"])
        if deleteUntagged { arguments.append("--delete-untagged") }
        if followSymlinks { arguments.append("--follow-symlinks") }
        let result = try await DeleteScenario.drydock(arguments + [root.path])
        try #require(result.exitCode == 0, "\(result.commandLine): \(result.stderrString)")
        return try JSONDecoder().decode(DrydockGC.self, from: Data(result.stdout))
    }

    @Test(.timeLimit(.minutes(3)))
    func dryRunMarksWhatTheRegistryMarksWithoutIndexes() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-gc-agree")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "gc-base")
        for (tag, seed) in [("a", "gc-a"), ("b", "gc-b"), ("c", "gc-c"), ("d", "gc-d")] {
            try layout.addImage(tag: tag, layers: [base, LayerSpec(seed: seed)], labels: ["image": tag])
        }
        let pristine = scratch.url.appendingPathComponent("pristine")
        var options = RegistryServer.Options()
        options.rootDirectory = pristine
        try await RegistryServer.with(options) { server in
            func copy(_ source: String, _ repository: String, _ tag: String, _ format: Skopeo.Format) async throws -> String {
                try await Skopeo.copy(layout: layout, tag: source, to: server, repository: repository, destinationTag: tag, format: format).digest
            }
            // Retags leave untagged revisions in every format; a deleted manifest leaves orphan blobs.
            for (source, repository, format) in [("a", "s2", Skopeo.Format.v2s2), ("b", "s2", .v2s2), ("a", "oci", .oci), ("c", "oci", .oci), ("a", "lib/s1", .v2s1), ("d", "lib/s1", .v2s1)] {
                _ = try await copy(source, repository, "v1", format)
            }
            let doomed = try await copy("d", "doomed", "v1", .oci)
            #expect(try await server.api.deleteManifest("doomed", doomed) == 202)
        }
        for deleteUntagged in [false, true] {
            let registry = try await Self.registryGC(pristine, in: scratch.url, dryRun: true, deleteUntagged: deleteUntagged)
            let ours = try await Self.drydockGC(pristine, deleteUntagged: deleteUntagged)
            #expect(ours.asRegistry == registry, "--delete-untagged \(deleteUntagged)")
            #expect(!registry.blobs.isEmpty)
            #expect(deleteUntagged ? registry.manifests.count == 3 : registry.manifests.isEmpty)
            #expect(ours.keptAgainstRegistry.isEmpty)
        }

        // Real runs on two copies: the same tree, except that Drydock also removes the `_layers` links of swept
        // blobs (as registry 3.0 does; 2.8.2 leaves them dangling).
        let theirs = scratch.url.appendingPathComponent("theirs")
        let ours = scratch.url.appendingPathComponent("ours")
        try FileManager.default.copyItem(at: pristine, to: theirs)
        try FileManager.default.copyItem(at: pristine, to: ours)
        _ = try await Self.registryGC(theirs, in: scratch.url, dryRun: false, deleteUntagged: true)
        let ran = try await Self.drydockGC(ours, deleteUntagged: true, dryRun: false)
        let sweptLinks = Set(ran.blobs.map { "/_layers/" + $0.replacingOccurrences(of: ":", with: "/") + "/link" })
        let expected = DeleteScenario.snapshot(theirs).filter { path, _ in !sweptLinks.contains { path.hasSuffix($0) } }
        let actual = DeleteScenario.snapshot(ours)
        #expect(actual == expected, "\(DeleteScenario.difference(actual, expected))")
        #expect(actual.count < DeleteScenario.snapshot(theirs).count, "dangling layer links were removed")
    }

    /// `docker-registry garbage-collect` on the store at `root` (with a config written for it), parsed.
    static func registryGC(_ root: URL, in scratch: URL, dryRun: Bool, deleteUntagged: Bool) async throws -> RegistryGC {
        let config = scratch.appendingPathComponent("gc-\(root.lastPathComponent).yml")
        try Data(RegistryServer.configYAML(options: RegistryServer.Options(), root: root, port: 5000).utf8).write(to: config)
        let run = try await RegistryServer.garbageCollect(configPath: config.path, dryRun: dryRun, deleteUntagged: deleteUntagged)
        #expect(run.exitCode == 0, "\(run.stdout)")
        return RegistryGC(run.stdout)
    }

    @Test(.timeLimit(.minutes(3)))
    func keepsMultiArchChildrenAndTheRegistryServesEveryKeptImage() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-gc-multi")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "gcm-base")
        let amd = try layout.addImage(tag: "amd", layers: [base, LayerSpec(seed: "gcm-amd")])
        let arm = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "gcm-arm")], architecture: "arm64", variant: "v8")
        try layout.addIndex(tag: "multi", images: [amd, arm])
        let old = try layout.addImage(tag: "old", layers: [base, LayerSpec(seed: "gcm-old")], labels: ["v": "old"])
        let root = scratch.url.appendingPathComponent("store")
        var options = RegistryServer.Options()
        options.rootDirectory = root
        var retagged = ""
        try await RegistryServer.with(options) { server in
            try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "multi", all: true)
            try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "lists", format: .v2s2, all: true)
            retagged = try await Skopeo.copy(layout: layout, tag: "old", to: server, repository: "app", destinationTag: "v1", format: .v2s2).digest
            try await Skopeo.copy(layout: layout, tag: "amd", to: server, repository: "app", destinationTag: "v1", format: .v2s2)

            let registry = RegistryGC(try await server.garbageCollect(dryRun: true, deleteUntagged: true).stdout)
            let ours = try await Self.drydockGC(root, deleteUntagged: true)
            // The registry's hazard: untagged children of a tagged index are "eligible", with their layers.
            #expect(registry.manifests.isSuperset(of: [amd.manifestDigest, arm.manifestDigest]))
            #expect(registry.blobs.contains(arm.layerDigests[1]))
            #expect(ours.manifests.map(\.digest) == [retagged], "only the retagged-away image goes")
            #expect(Set(ours.keptAgainstRegistry.map(\.digest)).isSuperset(of: [amd.manifestDigest, arm.manifestDigest]))
            #expect(!ours.blobs.contains(arm.layerDigests[1]) && !ours.blobs.contains(arm.configDigest))
            #expect(ours.blobs.contains(old.layerDigests[1]))
            #expect(ours.asRegistry.blobs.isSubset(of: registry.blobs))
        }

        // A real run, with the registry stopped; then the registry serves every kept image completely.
        let ran = try await Self.drydockGC(root, deleteUntagged: true, dryRun: false)
        #expect(ran.manifests.map(\.digest) == [retagged])
        #expect(try await Self.drydockGC(root, deleteUntagged: true).blobs.isEmpty, "nothing left to collect")
        try await DeleteScenario.serve(root) { api in
            for (repo, tag) in [("multi", "multi"), ("lists", "multi"), ("app", "v1")] {
                try await DeleteScenario.pullCompletely(api, repo, tag)
            }
            let gone = try await api.manifest("app", retagged)
            #expect(gone.status == 404 && DeleteScenario.errorCode(gone.body) == "MANIFEST_UNKNOWN")
            #expect(try await api.getBlob("app", old.layerDigests[1]).status == 404)
        }
        let entries = try await DeleteScenario.drydock(["undo", "--list", "--json", root.path])
        struct Entry: Decodable { var operation: String; var blobs: Int }
        let journal = try JSONDecoder().decode([Entry].self, from: Data(entries.stdout))
        #expect(journal.map(\.operation) == ["gc"], "the real run is journaled")
        #expect(journal.first?.blobs == ran.blobs.count)
    }
}
