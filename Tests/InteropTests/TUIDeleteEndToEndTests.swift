import Foundation
import Testing

/// The TUI confirm flow under tmux, on a store the real registry wrote: `d` on a tag shows the preview, `n` cancels
/// with the store unchanged, `d` then `y` deletes (the tag folder goes, the list updates), and the real registry then
/// answers 404 for the tag.
@Suite(.serialized, .heavy) struct TUIDeleteEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func deleteATagThroughTheConfirmDialog() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let drydock = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-delete")
        defer { scratch.remove() }

        // team/app:v1 and team/app:v2 (different images sharing a base layer), pushed by skopeo.
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "base")
        try layout.addImage(tag: "v1", layers: [base, LayerSpec(seed: "one")])
        try layout.addImage(tag: "v2", layers: [base, LayerSpec(seed: "two")])
        var options = RegistryServer.Options()
        options.rootDirectory = scratch.url.appendingPathComponent("store", isDirectory: true)
        try await RegistryServer.with(options) { server in
            try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app", format: .oci)
            try await Skopeo.copy(layout: layout, tag: "v2", to: server, repository: "team/app", format: .oci)
        }
        let store = options.rootDirectory!
        let files = StoreFiles(root: store)
        let tagFolder = files.repository("team/app").appendingPathComponent("_manifests/tags/v1")
        #expect(files.exists(tagFolder))

        let tmux = try await TmuxSession.start([drydock, store.path, "--delete-enabled"], width: 120, height: 40)
        defer { tmux.stop() }
        try await tmux.waitFor("the indexed repository list") {
            $0.contains("team/app") && $0.contains("delete enabled") && TmuxSession.isSettled($0)
        }
        try await tmux.send("Enter")
        try await tmux.waitFor("the tags of team/app") { $0.contains("Tags (2)") && $0.contains("v1") && $0.contains("v2") }
        let before = files.allFiles()

        // d: the preview.
        try await tmux.send("d")
        let dialog = try await tmux.waitFor("the delete dialog") { $0.contains("Delete tag team/app:v1?") && $0.contains("[y] yes") }
        #expect(dialog.contains("Removes 1 path"))
        #expect(dialog.contains("_manifests/tags/v1"))
        #expect(dialog.contains("Garbage collection would then free"))

        // n: cancelled, nothing changed on disk.
        try await tmux.send("n")
        try await tmux.waitFor("the cancel message") { $0.contains("Cancelled: nothing was changed.") && !$0.contains("Delete tag") }
        #expect(files.allFiles() == before)
        #expect(files.exists(tagFolder))

        // d, y: deleted; the list updates.
        try await tmux.send("d")
        try await tmux.waitFor("the delete dialog again") { $0.contains("Delete tag team/app:v1?") }
        try await tmux.send("y")
        let after = try await tmux.waitFor("the updated tag list") {
            $0.contains("✓ Deleted") && $0.contains("Tags (1)") && !$0.contains("Delete tag")
        }
        #expect(after.contains("v2"))
        #expect(!after.contains(" v1 "), "v1 still listed:\n\(after)")
        #expect(!files.exists(tagFolder))
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)

        // The real registry agrees: the tag is gone, v2 still answers.
        let (v1, v2, tags) = try await RegistryServer.with(options) { server throws -> (Int, Int, [String]) in
            let v1 = try await server.api.manifest("team/app", "v1").status
            let v2 = try await server.api.manifest("team/app", "v2").status
            return (v1, v2, try await server.api.tags("team/app"))
        }
        #expect(v1 == 404)
        #expect(v2 == 200)
        #expect(tags == ["v2"])
    }
}

/// Under tmux, on a store the real registry wrote: the s390x child of `team/frontend:stable` is listed as reached by
/// stable, `d` on it names the pull that breaks and `y` does not confirm; typing the repository name does; the
/// registry then fails that platform, as the dialog said.
@Suite(.serialized, .heavy) struct TUIIndexChildEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func deletingAnIndexChildNamesTheBrokenPullAndNeedsTheRepositoryName() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let drydock = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-child")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "tui-child-base")
        let amd = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "tui-child-amd")])
        let s390x = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "tui-child-s390x")], architecture: "s390x")
        try layout.addIndex(tag: "stable", images: [amd, s390x])
        var options = RegistryServer.Options()
        options.rootDirectory = scratch.url.appendingPathComponent("store", isDirectory: true)
        try await RegistryServer.with(options) { server in
            _ = try await Skopeo.copy(layout: layout, tag: "stable", to: server, repository: "team/frontend", all: true)
        }
        let store = options.rootDirectory!
        let files = StoreFiles(root: store)

        let tmux = try await TmuxSession.start([drydock, store.path, "--delete-enabled"], width: 120, height: 40)
        defer { tmux.stop() }
        try await tmux.waitFor("the indexed repository list") {
            $0.contains("team/frontend") && $0.contains("delete enabled") && !$0.contains("indexing") && !$0.contains("verifying")
        }
        try await tmux.send("Enter")
        try await tmux.waitFor("the tags of team/frontend") { $0.contains("Tags (1)") && $0.contains("stable") }
        try await tmux.send("Tab")
        let list = try await tmux.waitFor("the manifests, none untagged") { $0.contains("Manifests (3)") && $0.contains("in stable (linux/s390x)") }
        #expect(!list.contains("(untagged)"), "\(list)")
        try await tmux.send("/")
        try await tmux.type(String(s390x.manifestDigest.dropFirst(7).prefix(16)))
        try await tmux.send("Enter")
        let before = files.allFiles()
        try await tmux.send("d")
        try await tmux.waitFor("the delete dialog naming the broken pull") {
            $0.contains("BREAKS PULLS") && $0.contains("team/frontend:stable (linux/s390x)") && $0.contains("Type the repository name")
        }
        try await tmux.send("y", "Enter")
        try await tmux.waitFor("the typed-name warning") { $0.contains("Type exactly team/frontend") }
        #expect(files.allFiles() == before, "y alone deleted nothing")
        try await tmux.send("C-u")
        try await tmux.type("team/frontend")
        try await tmux.send("Enter")
        try await tmux.waitFor("the delete's result") { $0.contains("✓ Deleted") }
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)

        try await RegistryServer.with(options) { server in
            let child = try await server.api.manifest("team/frontend", s390x.manifestDigest)
            #expect(child.status == 404, "the s390x child is gone, as the dialog said")
            #expect(try await server.api.manifest("team/frontend", amd.manifestDigest).status == 200)
        }
    }
}
