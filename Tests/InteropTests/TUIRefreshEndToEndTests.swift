import Foundation
import Testing

/// The view stays fresh, under tmux, on the store of a running registry: a tag pushed while the browser shows the
/// repository's tags appears without a key (the on-disk watch sees the new tag folder), the selection stays on its
/// row, and the status line says when the store was read.
@Suite(.serialized, .heavy) struct TUIRefreshEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func aPushWhileBrowsingAppearsWithoutAKey() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-refresh")
        defer { scratch.remove() }
        let (layout, _) = try BrowserFixture.twoTags(in: scratch, seeds: "refresh-")
        let store = scratch.url.appendingPathComponent("store", isDirectory: true)
        try await RegistryServer.with(BrowserFixture.serving(store)) { server in
            try await Skopeo.copy(layout: layout, tag: "v2", to: server, repository: "team/app", format: .oci)
            let tmux = try await BrowserFixture.browse([store.path, "--refresh", "1"], width: 120, height: 24, showing: "team/app")
            defer { tmux.stop() }
            try await tmux.send("Enter")
            let before = try await tmux.waitFor("the one tag, and when it was read") {
                $0.contains("Tags (1)") && $0.contains("v2") && $0.contains(" read ")
            }
            // The push sorts before the selected row: the highlight must follow v2, not stay on row 1.
            try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app", format: .oci)
            let after = try await tmux.waitFor("the pushed tag, no key pressed", timeout: 30) {
                $0.contains("Tags (2)") && $0.contains("v1") && $0.contains("row 2/2")
            }
            #expect(!after.contains("Rescanning"), "\(after)")
            #expect(before != after)
            try await tmux.send("q")
            #expect(try await tmux.waitForExit() == 0)
        }
    }
}
