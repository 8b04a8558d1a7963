import Foundation
import Testing

/// A cleanup finished in the browser, under tmux at 80×24, on a store the real registry wrote: untagging `v1` says it
/// frees nothing now and what each kind of gc frees after; `X` offers both modes with their bytes; mode 2 (with untagged
/// manifests) collects v1's manifest and its own layer; the registry then answers 404 for them and still serves v2.
@Suite(.serialized, .heavy) struct TUIGCModesEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func untagThenCollectWithUntaggedManifests() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-gc-modes")
        defer { scratch.remove() }
        let (store, v1) = try await BrowserFixture.twoTagStore(in: scratch, seeds: "gc-modes-")

        let tmux = try await BrowserFixture.browse([store.path, "--delete-enabled"], width: 80, height: 24, showing: "team/app")
        defer { tmux.stop() }
        try await tmux.send("Enter")
        try await tmux.waitFor("the tags of team/app") { $0.contains("Tags (2)") && $0.contains("v1") }
        try await tmux.send("d")
        let dialog = try await tmux.waitFor("the untag dialog with the three figures") {
            $0.contains("Delete tag team/app:v1?") && $0.contains("[y] yes")
        }
        #expect(dialog.contains("Frees now: 0 B of blobs (link files only)."), "\(dialog)")
        #expect(dialog.contains("After gc (X, mode 1): 0 B (0 blobs)."), "\(dialog)")
        // v1's own layer, config and manifest come back only once its untagged manifest is collected.
        #expect(dialog.contains("After gc with untagged manifests (X, mode 2): "), "\(dialog)")
        #expect(!dialog.contains("(X, mode 2): 0 B"), "\(dialog)")
        try await tmux.send("y")
        try await tmux.waitFor("the untag done") { $0.contains("✓ Deleted") && $0.contains("Tags (1)") }

        try await tmux.send("X")
        let modes = try await tmux.waitFor("the gc screen with both modes") { $0.contains("[1] orphan blobs") }
        #expect(modes.contains("1: orphan blobs only") && modes.contains("frees 0 B: 0 blobs"), "\(modes)")
        #expect(modes.contains("2: also untagged manifests (--delete-untagged)") && modes.contains("1 manifest, 3 blobs"), "\(modes)")
        try await tmux.send("2")
        try await tmux.waitFor("mode 2's plan") { $0.contains("Mode 2: with untagged manifests") && $0.contains("Type yes") }
        try await tmux.type("yes")
        try await tmux.send("Enter")
        let done = try await tmux.waitFor("the collection's result") { $0.contains("✓ Garbage collection removed 3 blobs") }
        for line in done.split(separator: "\n") { #expect(line.count <= 80, "too wide: \(line)") }
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)

        let (old, kept) = try await RegistryServer.with(BrowserFixture.serving(store)) { server throws -> (Int, Int) in
            (try await server.api.manifest("team/app", v1.manifestDigest).status, try await server.api.manifest("team/app", "v2").status)
        }
        #expect(old == 404)
        #expect(kept == 200)
    }
}
