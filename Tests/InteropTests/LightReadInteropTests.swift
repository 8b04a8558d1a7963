import Foundation
import RegistryStorage
import Testing

/// `ls` reads the store light (digests from folder names, sizes from descriptors); where the registry is the judge it
/// must still say what the registry says: a layer its DELETE unlinked is gone, and a layer whose blob is missing is a
/// problem, not `ok`.
@Suite(.heavy) struct LightReadInteropTests {
    struct Listed: Decodable {
        struct Problem: Decodable { var code: String }
        struct Manifest: Decodable { var digest: String; var problems: [Problem] }
        struct Repository: Decodable { var name: String; var layers: [String]; var manifests: [Manifest] }
        var repositories: [Repository]
    }

    static func ls(_ arguments: [String]) async throws -> Listed {
        let run = try await DeleteScenario.drydock(["ls", "--json"] + arguments)
        try #require(run.exitCode == 0, "\(run.commandLine): \(run.stderrString)")
        return try JSONDecoder().decode(Listed.self, from: Data(run.stdout))
    }

    /// Two repositories sharing nothing, pushed by the real registry.
    static func push(_ scratch: URL) async throws -> (root: URL, app: ImageInfo, other: ImageInfo) {
        let layout = try OCIImageBuilder(directory: scratch.appendingPathComponent("layout"))
        let app = try layout.addImage(tag: "app", layers: [LayerSpec(seed: "light-a1"), LayerSpec(seed: "light-a2")])
        let other = try layout.addImage(tag: "other", layers: [LayerSpec(seed: "light-o1")])
        let root = scratch.appendingPathComponent("store")
        var options = RegistryServer.Options()
        options.rootDirectory = root
        try await RegistryServer.with(options) { server in
            try await Skopeo.copy(layout: layout, tag: "app", to: server, repository: "team/app", destinationTag: "v1", format: .v2s2)
            try await Skopeo.copy(layout: layout, tag: "other", to: server, repository: "other", destinationTag: "v1", format: .oci)
        }
        return (root, app, other)
    }

    @Test(.timeLimit(.minutes(3)))
    func aLayerTheRegistryUnlinkedIsNoLongerListed() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-light-unlinked")
        defer { scratch.remove() }
        let (root, app, _) = try await Self.push(scratch.url)
        let layer = app.layerDigests[1]
        let link = StoreFiles(root: root).layerLink("team/app", layer)
        try await DeleteScenario.serve(root) { (api: RegistryAPI) async throws in
            #expect(try await api.deleteBlob("team/app", layer) == 202)
            #expect(try await api.blobStatus("team/app", layer) == 404, "the registry no longer serves it in team/app")
        }
        // The registry removed the link file and left its folder.
        #expect(!FileManager.default.fileExists(atPath: link.path))
        #expect(FileManager.default.fileExists(atPath: link.deletingLastPathComponent().path))
        for arguments in [[root.path], [root.path, "team/app"]] {
            let listed = try await Self.ls(arguments)
            let layers = try #require(listed.repositories.first { $0.name == "team/app" }).layers
            #expect(Set(layers) == [app.configDigest, app.layerDigests[0]], "\(arguments)")
        }
        let gc = try await GCInteropTests.drydockGC(root, deleteUntagged: false)
        #expect(gc.blobs.isEmpty, "the blob is still referenced by team/app:v1")
    }

    @Test(.timeLimit(.minutes(3)))
    func aMissingLayerBlobIsAProblemNotOK() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-light-missing")
        defer { scratch.remove() }
        let (root, app, _) = try await Self.push(scratch.url)
        let layer = app.layerDigests[1]
        try FileManager.default.removeItem(at: StoreFiles(root: root).blobData(layer).deletingLastPathComponent())
        try await DeleteScenario.serve(root) { (api: RegistryAPI) async throws in
            #expect(try await api.blobStatus("team/app", layer) == 404, "the registry cannot serve the layer")
        }

        let table = try await DeleteScenario.drydock(["ls", root.path])
        #expect(table.exitCode == 0, "\(table.stderrString)")
        let lines = table.stdoutString.split(separator: "\n")
        let appLine = try #require(lines.first { $0.hasPrefix("team/app ") })
        let otherLine = try #require(lines.first { $0.hasPrefix("other ") })
        #expect(appLine.hasSuffix("1 error"), "\(appLine)")
        #expect(otherLine.hasSuffix("ok"), "\(otherLine)")

        for arguments in [[root.path], [root.path, "team/app"], [root.path, "team/app:v1"]] {
            let listed = try await Self.ls(arguments)
            let manifest = try #require(listed.repositories.first { $0.name == "team/app" }?.manifests.first)
            #expect(manifest.problems.map(\.code) == ["blob.missing"], "\(arguments)")
        }
        let verify = try await DeleteScenario.drydock(["verify", root.path, "team/app"])
        #expect(verify.exitCode == 1, "verify agrees: \(verify.stdoutString)")
    }

    /// `blobs/` linked out of the store: ls still lists (every manifest then reports its unreadable blob) and says
    /// the missing-blob check did not run, rather than failing.
    @Test(.timeLimit(.minutes(3)))
    func unlistableBlobsAreNotCheckedRatherThanFatal() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-light-blobs-link")
        defer { scratch.remove() }
        let (root, _, _) = try await Self.push(scratch.url)
        let blobs = StoreFiles(root: root).v2.appendingPathComponent("blobs")
        let moved = scratch.url.appendingPathComponent("blobs-elsewhere")
        try FileManager.default.moveItem(at: blobs, to: moved)
        try FileManager.default.createSymbolicLink(at: blobs, withDestinationURL: moved)
        let table = try await DeleteScenario.drydock(["ls", root.path])
        #expect(table.exitCode == 0, "\(table.stderrString)")
        #expect(table.stderrString.contains("missing blobs are not checked"), "\(table.stderrString)")
        #expect(table.stdoutString.contains("team/app"))
    }
}
