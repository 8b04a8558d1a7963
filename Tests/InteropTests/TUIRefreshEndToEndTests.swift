import Foundation
import Testing

/// The view stays fresh, under tmux, on the store of a running registry: a tag pushed while the browser shows the
/// repository's tags appears without a key (the on-disk watch sees the new tag folder), the selection stays on its
/// row, and the status line says when the store was read.
@Suite(.serialized, .heavy) struct TUIRefreshEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func aPushWhileBrowsingAppearsWithoutAKey() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let drydock = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-refresh")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "refresh-base")
        try layout.addImage(tag: "v1", layers: [base, LayerSpec(seed: "refresh-one")])
        try layout.addImage(tag: "v2", layers: [base, LayerSpec(seed: "refresh-two")])
        var options = RegistryServer.Options()
        options.rootDirectory = scratch.url.appendingPathComponent("store", isDirectory: true)
        let store = options.rootDirectory!
        try await RegistryServer.with(options) { server in
            try await Skopeo.copy(layout: layout, tag: "v2", to: server, repository: "team/app", format: .oci)
            let tmux = try await TmuxSession.start([drydock, store.path, "--refresh", "1"], width: 120, height: 24)
            defer { tmux.stop() }
            try await tmux.waitFor("the indexed repository list") { $0.contains("team/app") && TmuxSession.isSettled($0) }
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
