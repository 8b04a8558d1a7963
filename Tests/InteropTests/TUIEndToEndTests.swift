import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `drydock` under tmux, on a store the real registry wrote: browse to a layer list, filter, help, resize,
/// quit, and the terminal comes back each time (after `q` and after SIGTERM).
@Suite(.serialized, .heavy) struct TUIEndToEndTests {
    /// Three repositories pushed by skopeo into docker-registry 2.8.2; the registry is stopped before the UI starts.
    static func makeStore(in scratch: TemporaryDirectory) async throws -> (store: String, app: ImageInfo) {
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "base")
        let app = try layout.addImage(
            tag: "v1", layers: [base, LayerSpec(seed: "app")], labels: ["org.opencontainers.image.title": "café ☕ 日本"])
        let arm = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "app-arm64")], architecture: "arm64", variant: "v8")
        try layout.addIndex(tag: "multi", images: [app, arm])
        let store = try await BrowserFixture.storeWrittenByTheRegistry(in: scratch) { server in
            try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app", format: .oci)
            try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "team/multi", all: true)
            try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "base", format: .v2s2)
        }
        return (store.path, app)
    }

    static func short(_ digest: String) -> String { String(digest.split(separator: ":").last!.prefix(12)) }

    @Test(.timeLimit(.minutes(3)))
    func browsesFiltersHelpsResizesAndQuits() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let drydock = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-tui")
        defer { scratch.remove() }
        let (store, app) = try await Self.makeStore(in: scratch)

        let tmux = try await TmuxSession.start([drydock, store], width: 120, height: 35)
        defer { tmux.stop() }

        // The catalog, then sizes and verification fill in.
        var screen = try await tmux.waitFor("the indexed repository list") {
            $0.contains("base") && $0.contains("team/app") && $0.contains("team/multi")
                && TmuxSession.isSettled($0)
        }
        #expect(screen.contains("Repositories (3)"))
        #expect(screen.contains("deletes off"), "delete is off by default")
        // The status line names the store; a path too long for its room keeps its tail behind "…".
        let statusLine = try #require(screen.split(separator: "\n").last { $0.contains("deletes off") })
        if store.count <= 40 {
            #expect(statusLine.hasPrefix(" \(store) │"), "status line: \(statusLine)")
        } else {
            #expect(statusLine.hasPrefix(" …") && statusLine.contains("\(store.suffix(20)) │"), "status line: \(statusLine)")
        }
        #expect(try await tmux.display("#{alternate_on}") == "1")

        // Filter: incremental, case-insensitive; Enter keeps it; Esc clears it.
        try await tmux.send("/")
        try await tmux.type("MULTI")
        screen = try await tmux.waitFor("the filter to narrow the list") { $0.contains("/MULTI") && $0.contains("1 of 3 match") }
        #expect(!screen.contains(" base "))
        try await tmux.send("Enter")
        try await tmux.waitFor("the kept filter") { $0.contains("filter: MULTI") }
        try await tmux.send("Escape")
        try await tmux.waitFor("the filter to clear") { !$0.contains("filter:") && $0.contains(" base ") }

        // Down to the layers of team/app:v1.
        try await tmux.send("/")
        try await tmux.type("team/app")
        try await tmux.send("Enter", "Enter")
        try await tmux.waitFor("the tags of team/app") { $0.contains("Tags (1)") && $0.contains("v1") }
        try await tmux.send("Enter")
        screen = try await tmux.waitFor("the manifest") { $0.contains("Layers ›") && $0.contains("Media type") }
        #expect(screen.contains("Repositories › team/app › v1 › sha256:\(Self.short(app.manifestDigest))"))
        #expect(screen.contains("café ☕ 日本"))
        try await tmux.send("Enter")
        // The list itself, not just its title: a capture can catch a frame whose top line is redrawn and whose body
        // is still the manifest.
        screen = try await tmux.waitFor("the layer list") { s in
            s.contains("Layers (2") && s.contains("✓ present") && app.layerDigests.allSatisfy { s.contains(Self.short($0)) }
        }
        for layer in app.layerDigests { #expect(screen.contains(Self.short(layer)), "layer \(layer) missing:\n\(screen)") }
        #expect(screen.contains(Self.short(app.configDigest)))
        #expect(screen.contains("✓ present"))
        #expect(screen.contains("4 mf · 3 repos"), "the base layer is shared:\n\(screen)")
        #expect(screen.contains("› layers"))

        // Help overlay, and Esc closes it.
        try await tmux.send("?")
        screen = try await tmux.waitFor("the help overlay") { $0.contains("┌─ Keys") }
        #expect(screen.contains("filter: type, Enter keeps it, Esc clears it"))
        try await tmux.send("Escape")
        try await tmux.waitFor("the help to close") { !$0.contains("┌─ Keys") && $0.contains("Layers (2") }

        // Resize to 80×24: redrawn at the new size, nothing past column 80.
        try await tmux.resize(width: 80, height: 24)
        screen = try await tmux.waitFor("the redraw at 80×24") { s in
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            return s.contains("Layers (2") && lines.count <= 25 && (lines.dropFirst(21).contains { $0.contains("deletes off") })
        }
        for line in screen.split(separator: "\n") { #expect(line.count <= 80, "too wide: \(line)") }
        #expect(try await tmux.display("#{window_width}x#{window_height}") == "80x24")
        #expect(screen.contains("q quit"))

        // q quits from anywhere; the terminal is restored.
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)
        #expect(try await tmux.display("#{alternate_on} #{mouse_any_flag} #{keypad_flag}") == "0 0 0")
    }

    @Test(.timeLimit(.minutes(3)))
    func sigtermRestoresTheTerminal() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let drydock = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-tui")
        defer { scratch.remove() }
        let (store, _) = try await Self.makeStore(in: scratch)

        let tmux = try await TmuxSession.start([drydock, "--no-color", store], width: 100, height: 30)
        defer { tmux.stop() }
        try await tmux.waitFor("the repository list") { $0.contains("team/multi") }
        #expect(try await tmux.display("#{alternate_on} #{mouse_any_flag} #{keypad_flag}") == "1 1 1")
        let pid = try await tmux.commandPID()
        try #require(pid > 0)
        kill(pid, SIGTERM)
        #expect(try await tmux.waitForExit() == 128 + Int(SIGTERM))
        #expect(try await tmux.display("#{alternate_on} #{mouse_any_flag} #{keypad_flag}") == "0 0 0")
    }

    @Test(.timeLimit(.minutes(1)))
    func aStoreThatCannotBeOpenedIsAnErrorNotABlankScreen() async throws {
        try RequiredTool.require("tmux")
        let drydock = try DrydockBinary.path()
        let missing = "/nonexistent/drydock-store-\(UUID().uuidString.prefix(6))"
        let tmux = try await TmuxSession.start([drydock, missing], width: 100, height: 30)
        defer { tmux.stop() }
        #expect(try await tmux.waitForExit() == 1)
        let screen = try await tmux.capture()
        #expect(screen.contains("drydock: cannot open store"), "\(screen)")
        #expect(try await tmux.display("#{alternate_on}") == "0")
    }

    @Test func refusesToStartWithoutATerminal() async throws {
        let result = try await DrydockBinary.run(["/nonexistent"])
        #expect(result.exitCode == 1)
        #expect(result.stderrString.contains("needs a terminal"), "\(result.stderrString)")
        #expect(result.stdout.isEmpty, "no escape sequences on a pipe")
    }
}
