import Foundation
import RegistryStorage
import Testing

/// Issue 12: part of a registry-written store reached through a symlink. Registry 2.8.2 follows the link and serves
/// (and its collector keeps) what lies behind it; Drydock does not follow it without `--follow-symlinks`, so it cannot
/// know what that part references. A real `drydock gc` must refuse and name the link, the dry run must say the same
/// and exit 1, and with `--follow-symlinks` the collection runs and the registry still serves every tag completely.
@Suite(.serialized, .heavy) struct GCSymlinkInteropTests {
    enum Variant: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// `repositories/tools/ci` moved out of the store and linked back.
        case repositoryOutside
        /// `repositories/tools/ci` moved elsewhere inside the store root and linked back (relative target).
        case repositoryInside
        case manifestsFolder
        case revisionsFolder
        /// Only `--delete-untagged` depends on tags: every revision would look untagged.
        case tagsFolder
        /// The `data` file of `tools/ci:stable`'s manifest blob.
        case manifestData

        var testDescription: String { rawValue }
        var deleteUntagged: Bool { self == .tagsFolder }
    }

    struct Pushed {
        var root: URL
        var outside: URL
        var stable: String
        var doomedLayer: String
        /// Every tag that must keep pulling.
        var tags: [(repository: String, tag: String)]
    }

    static func push(_ scratch: URL) async throws -> Pushed {
        let layout = try OCIImageBuilder(directory: scratch.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "gcsym-base")
        try layout.addImage(tag: "old", layers: [base, LayerSpec(seed: "gcsym-old")], labels: ["v": "old"])
        try layout.addImage(tag: "stable", layers: [base, LayerSpec(seed: "gcsym-stable")], labels: ["v": "stable"])
        try layout.addImage(tag: "next", layers: [LayerSpec(seed: "gcsym-next")])
        let amd = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "gcsym-amd")])
        let arm = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "gcsym-arm")], architecture: "arm64", variant: "v8")
        try layout.addIndex(tag: "multi", images: [amd, arm])
        let doomed = try layout.addImage(tag: "doomed", layers: [LayerSpec(seed: "gcsym-doomed")])
        let root = scratch.appendingPathComponent("store")
        var options = RegistryServer.Options()
        options.rootDirectory = root
        return try await RegistryServer.with(options) { server in
            // A retag leaves an untagged revision in tools/ci; a deleted manifest leaves orphan blobs to sweep.
            try await Skopeo.copy(layout: layout, tag: "old", to: server, repository: "tools/ci", destinationTag: "stable", format: .v2s2)
            let stable = try await Skopeo.copy(layout: layout, tag: "stable", to: server, repository: "tools/ci", format: .v2s2).digest
            try await Skopeo.copy(layout: layout, tag: "next", to: server, repository: "tools/ci", format: .oci)
            try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "tools/ci", all: true)
            try await Skopeo.copy(layout: layout, tag: "next", to: server, repository: "other/app", destinationTag: "v1", format: .v2s2)
            let d = try await Skopeo.copy(layout: layout, tag: "doomed", to: server, repository: "doomed", format: .oci).digest
            #expect(try await server.api.deleteManifest("doomed", d) == 202)
            return Pushed(
                root: root, outside: scratch.appendingPathComponent("outside"), stable: stable,
                doomedLayer: doomed.layerDigests[0],
                tags: [("tools/ci", "stable"), ("tools/ci", "next"), ("tools/ci", "multi"), ("other/app", "v1")])
        }
    }

    /// Moves `path` (inside the v2 folder) to `target` and links it back; returns the path as Drydock names it.
    static func relocate(_ pushed: Pushed, _ variant: Variant) throws -> String {
        let files = StoreFiles(root: pushed.root)
        let fm = FileManager.default
        try fm.createDirectory(at: pushed.outside, withIntermediateDirectories: true)
        let ci = "repositories/tools/ci"
        let (moved, target): (String, String) = switch variant {
        case .repositoryOutside: (ci, pushed.outside.appendingPathComponent("ci").path)
        case .repositoryInside: (ci, "../../parked/ci")
        case .manifestsFolder: (ci + "/_manifests", pushed.outside.appendingPathComponent("_manifests").path)
        case .revisionsFolder: (ci + "/_manifests/revisions", pushed.outside.appendingPathComponent("revisions").path)
        case .tagsFolder: (ci + "/_manifests/tags", pushed.outside.appendingPathComponent("tags").path)
        case .manifestData:
            (String(files.blobData(pushed.stable).path.dropFirst(files.v2.path.count + 1)), pushed.outside.appendingPathComponent("data").path)
        }
        let link = files.v2.appendingPathComponent(moved)
        let destination = target.hasPrefix("/") ? URL(fileURLWithPath: target) : link.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL
        try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.moveItem(at: link, to: destination)
        try fm.createSymbolicLink(atPath: link.path, withDestinationPath: target)
        return moved
    }

    static func drydock(_ arguments: [String]) async throws -> ProcessResult {
        try await DeleteScenario.drydock(arguments)
    }

    @Test(.timeLimit(.minutes(3)), arguments: Variant.allCases)
    func gcRefusesWhatItCannotSeeAndFollowsWhenAsked(_ variant: Variant) async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-gc-symlink")
        defer { scratch.remove() }
        let pushed = try await Self.push(scratch.url)
        let linkPath = try Self.relocate(pushed, variant)
        let untagged = variant.deleteUntagged ? ["--delete-untagged"] : []
        let store = pushed.root.path

        // The dry run names the link and exits 1, as text and as JSON.
        let dry = try await Self.drydock(["gc", "--dry-run"] + untagged + [store])
        #expect(dry.exitCode == 1, "\(variant): \(dry.stdoutString) \(dry.stderrString)")
        #expect(dry.stdoutString.contains("blocked: ") && dry.stdoutString.contains(linkPath), "\(variant): \(dry.stdoutString)")
        let dryJSON = try await Self.drydock(["gc", "--dry-run", "--json"] + untagged + [store])
        #expect(dryJSON.exitCode == 1)
        struct Blockers: Decodable { var blockers: [String] }
        let blockers = try JSONDecoder().decode(Blockers.self, from: Data(dryJSON.stdout)).blockers
        #expect(blockers.contains { $0.contains(linkPath) }, "\(variant): \(blockers)")

        // A real run refuses and changes nothing (the relocated part included).
        let before = DeleteScenario.snapshot(scratch.url, includingJournal: true)
        let real = try await Self.drydock(["gc", "--yes"] + untagged + [store])
        #expect(real.exitCode == 1, "\(variant): \(real.stdoutString) \(real.stderrString)")
        #expect(real.stderrString.contains(linkPath), "\(variant): \(real.stderrString)")
        let after = DeleteScenario.snapshot(scratch.url, includingJournal: true)
        let changed = DeleteScenario.difference(after, before)
        #expect(changed.isEmpty, "\(variant): \(changed)")
        try await DeleteScenario.serve(pushed.root) { api in
            for (repository, tag) in pushed.tags { try await DeleteScenario.pullCompletely(api, repository, tag) }
        }

        // The registry's collector follows the link and keeps tools/ci:stable; so does Drydock with --follow-symlinks.
        let registry = try await GCInteropTests.registryGC(pushed.root, in: scratch.url, dryRun: true, deleteUntagged: variant.deleteUntagged)
        let followed = try await GCInteropTests.drydockGC(pushed.root, deleteUntagged: variant.deleteUntagged, followSymlinks: true)
        #expect(!registry.blobs.contains(pushed.stable) && !followed.blobs.contains(pushed.stable))
        #expect(followed.blobs.contains(pushed.doomedLayer))
        if variant.deleteUntagged {
            // 2.8.2's -m also sweeps the untagged children of tools/ci:multi; Drydock keeps them.
            #expect(followed.asRegistry.blobs.isSubset(of: registry.blobs))
        } else {
            #expect(followed.asRegistry == registry, "\(variant)")
        }
        let ran = try await GCInteropTests.drydockGC(pushed.root, deleteUntagged: variant.deleteUntagged, dryRun: false, followSymlinks: true)
        #expect(ran.blobs.contains(pushed.doomedLayer))
        try await DeleteScenario.serve(pushed.root) { api in
            for (repository, tag) in pushed.tags { try await DeleteScenario.pullCompletely(api, repository, tag) }
            #expect(try await api.getBlob("doomed", pushed.doomedLayer).status == 404)
        }
    }
}
