import Foundation
import Testing

/// The TUI confirm flow under tmux, on a store the real registry wrote: `d` on a tag shows the preview, `n` cancels
/// with the store unchanged, `d` then `y` deletes (the tag folder goes, the list updates), and the real registry then
/// answers 404 for the tag.
@Suite(.serialized, .heavy) struct TUIDeleteEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func deleteATagThroughTheConfirmDialog() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-delete")
        defer { scratch.remove() }

        // team/app:v1 and team/app:v2 (different images sharing a base layer), pushed by skopeo.
        let (store, _) = try await BrowserFixture.twoTagStore(in: scratch, seeds: "")
        let files = StoreFiles(root: store)
        let tagFolder = files.repository("team/app").appendingPathComponent("_manifests/tags/v1")
        #expect(files.exists(tagFolder))

        let tmux = try await BrowserFixture.browse(
            [store.path, "--delete-enabled"], width: 120, height: 40, showing: "team/app", also: { $0.contains("delete enabled") })
        defer { tmux.stop() }
        try await tmux.send("Enter")
        try await tmux.waitFor("the tags of team/app") { $0.contains("Tags (2)") && $0.contains("v1") && $0.contains("v2") }
        let before = files.allFiles()

        // d: the preview.
        try await tmux.send("d")
        let dialog = try await tmux.waitFor("the delete dialog") { $0.contains("Delete tag team/app:v1?") && $0.contains("[y] yes") }
        #expect(dialog.contains("Removes 1 path"))
        #expect(dialog.contains("_manifests/tags/v1"))
        #expect(dialog.contains("Frees now: 0 B of blobs") && dialog.contains("After gc (X, mode 1)"))

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
        let (v1, v2, tags) = try await RegistryServer.with(BrowserFixture.serving(store)) { server throws -> (Int, Int, [String]) in
            let v1 = try await server.api.manifest("team/app", "v1").status
            let v2 = try await server.api.manifest("team/app", "v2").status
            return (v1, v2, try await server.api.tags("team/app"))
        }
        #expect(v1 == 404)
        #expect(v2 == 200)
        #expect(tags == ["v2"])
    }
}

/// Under tmux, with the real registry serving the store: the delete dialog for `team/app:v1` is open when a push moves
/// v1 to v2's image; `y` then refuses, naming the move, changes nothing, and the browser reads the store again. The
/// registry still serves v1 as pushed.
@Suite(.serialized, .heavy) struct TUIDeleteAfterAPushEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func aTagMovedWhileTheDialogIsOpenIsNotDeleted() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-moved")
        defer { scratch.remove() }
        let (store, _) = try await BrowserFixture.twoTagStore(in: scratch, seeds: "moved")
        let files = StoreFiles(root: store)
        let currentLink = files.tagCurrentLink("team/app", "v1")
        try await RegistryServer.with(BrowserFixture.serving(store)) { server in
            let api = server.api
            let v2 = try await api.manifest("team/app", "v2")
            let v2Digest = try #require(v2.digestHeader)
            #expect(files.readLink(currentLink) != v2Digest)

            let tmux = try await BrowserFixture.browse(
                [store.path, "--delete-enabled"], width: 200, height: 40, showing: "team/app", also: { $0.contains("delete enabled") })
            defer { tmux.stop() }
            try await tmux.send("Enter")
            try await tmux.waitFor("the tags of team/app") { $0.contains("Tags (2)") && $0.contains("v1") }
            try await tmux.send("d")
            try await tmux.waitFor("the delete dialog") { $0.contains("Delete tag team/app:v1?") && $0.contains("[y] yes") }

            // The push lands while the dialog is open: v1 is now v2's image.
            let put = try await api.putManifest("team/app", "v1", contentType: try #require(v2.contentType), body: v2.body)
            #expect(put.status == 201, "\(put.bodyString.prefix(200))")
            #expect(files.readLink(currentLink) == v2Digest)
            let before = files.allFiles()

            try await tmux.send("y")
            let refused = try await tmux.waitFor("the refusal") { $0.contains("✗ Cannot delete") && !$0.contains("Delete tag") }
            #expect(refused.contains("changed since the plan") && refused.contains("team/app:v1 now points at"), "\(refused)")
            #expect(files.allFiles() == before, "nothing changed, not even a journal entry")
            #expect(files.readLink(currentLink) == v2Digest)
            try await tmux.send("q")
            #expect(try await tmux.waitForExit() == 0)

            let served = try await api.manifest("team/app", "v1")
            #expect(served.status == 200 && served.digestHeader == v2Digest, "the registry serves v1 as pushed")
        }
    }
}

/// Under tmux, on a store the real registry wrote: the s390x child of `team/frontend:stable` is listed as reached by
/// stable, `d` on it names the pull that breaks and `y` does not confirm; typing the repository name does; the
/// registry then fails that platform, as the dialog said.
@Suite(.serialized, .heavy) struct TUIIndexChildEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func deletingAnIndexChildNamesTheBrokenPullAndNeedsTheRepositoryName() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-child")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "tui-child-base")
        let amd = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "tui-child-amd")])
        let s390x = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "tui-child-s390x")], architecture: "s390x")
        try layout.addIndex(tag: "stable", images: [amd, s390x])
        let store = try await BrowserFixture.storeWrittenByTheRegistry(in: scratch) { server in
            _ = try await Skopeo.copy(layout: layout, tag: "stable", to: server, repository: "team/frontend", all: true)
        }
        let files = StoreFiles(root: store)

        let tmux = try await BrowserFixture.browse(
            [store.path, "--delete-enabled"], width: 120, height: 40, showing: "team/frontend", also: { $0.contains("delete enabled") })
        defer { tmux.stop() }
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

        try await RegistryServer.with(BrowserFixture.serving(store)) { server in
            let child = try await server.api.manifest("team/frontend", s390x.manifestDigest)
            #expect(child.status == 404, "the s390x child is gone, as the dialog said")
            #expect(try await server.api.manifest("team/frontend", amd.manifestDigest).status == 200)
        }
    }
}

/// The prune form under tmux, on a store the real registry wrote with push times set on the tag links: `P`, keep last
/// 1 (plus the default `^latest$`), Enter plans, Enter asks for the count, typing it applies as one journal entry;
/// the registry then lists exactly the kept tags and serves them completely; `u` `y` brings every tag back.
@Suite(.serialized, .heavy) struct TUIPruneEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func pruneFromTheBrowserKeepsTheRuleAndUndoRestores() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-prune")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "tui-prune-base")
        for v in ["v1", "v2", "v3"] {
            try layout.addImage(tag: v, layers: [base, LayerSpec(seed: "tui-prune-\(v)")], labels: ["v": v])
        }
        let store = try await BrowserFixture.storeWrittenByTheRegistry(in: scratch) { server in
            for v in ["v1", "v2", "v3"] {
                try await Skopeo.copy(layout: layout, tag: v, to: server, repository: "team/app", format: .oci)
            }
            try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app", destinationTag: "latest", format: .oci)
        }
        let tags = StoreFiles(root: store).repository("team/app").appendingPathComponent("_manifests/tags")
        // Pushed: v1 3 h ago, v2 2 h ago, latest 1 h ago, v3 10 min ago.
        for (tag, age) in [("v1", 3.0 * 3600), ("v2", 2.0 * 3600), ("latest", 3600.0), ("v3", 600.0)] {
            let link = tags.appendingPathComponent("\(tag)/current/link").path
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: link)
        }

        let tmux = try await BrowserFixture.browse(
            [store.path, "--delete-enabled"], width: 120, height: 40, showing: "team/app", also: { $0.contains("delete enabled") })
        defer { tmux.stop() }
        try await tmux.send("Enter")
        try await tmux.waitFor("the tags of team/app") { $0.contains("Tags (4)") }
        try await tmux.send("P")
        try await tmux.waitFor("the prune form") { $0.contains("Prune") && $0.contains("^latest$") }
        try await tmux.send("C-u")
        try await tmux.type("1")
        try await tmux.send("Enter")
        try await tmux.waitFor("the plan") { 
            $0.contains("team/app: keeps 2, removes 2 of 4 tags") && $0.contains("keep    v3  keep-last 1 by pushed")
                && $0.contains("remove  v2") && $0.contains("remove  v1")
        }
        try await tmux.send("Enter")
        try await tmux.waitFor("the typed-count confirmation") { $0.contains("Type 2 to confirm") }
        try await tmux.type("2")
        try await tmux.send("Enter")
        try await tmux.waitFor("the prune's result") { $0.contains("u undoes it") && $0.contains("Tags (2)") }

        let afterPrune = try await RegistryServer.with(BrowserFixture.serving(store)) { server throws -> [String] in
            for tag in ["latest", "v3"] { try await DeleteScenario.pullCompletely(server.api, "team/app", tag) }
            #expect(try await server.api.manifest("team/app", "v1").status == 404)
            return try await server.api.tags("team/app").sorted()
        }
        #expect(afterPrune == ["latest", "v3"])

        // u: the whole prune is one journal entry.
        try await tmux.send("u")
        try await tmux.waitFor("the undo preview") { $0.contains("Undo?") }
        try await tmux.send("y")
        try await tmux.waitFor("the restored tags") { $0.contains("Restored") && $0.contains("Tags (4)") }
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)
        let restored = try await RegistryServer.with(BrowserFixture.serving(store)) { server throws -> [String] in
            for tag in ["v1", "v2"] { try await DeleteScenario.pullCompletely(server.api, "team/app", tag) }
            return try await server.api.tags("team/app").sorted()
        }
        #expect(restored == ["latest", "v1", "v2", "v3"])
    }
}
