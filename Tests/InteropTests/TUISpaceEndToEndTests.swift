import Foundation
import Testing

/// Size bars and the "where space goes" view (`D`) in the real binary under tmux, with NO_COLOR, on a store the real
/// registry wrote: `team/data` holds one big layer of its own, `team/app` two images (one left untagged by a re-push
/// of `v1`), `team/tools` one; all three share a base layer. Checked at 80×24, then at 120×35.
@Suite(.serialized, .heavy) struct TUISpaceEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func barsAndTheSpaceViewAt80x24And120x35() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["tmux"])
        let drydock = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-tui-space")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "space-base", fileCount: 2, bytesPerFile: 4000, compression: .none)
        try layout.addImage(tag: "data", layers: [base, LayerSpec(seed: "space-big", fileCount: 8, bytesPerFile: 40_000, compression: .none)])
        try layout.addImage(tag: "app-old", layers: [base, LayerSpec(seed: "space-app-old", compression: .none)])
        try layout.addImage(tag: "app", layers: [base, LayerSpec(seed: "space-app", compression: .none)])
        try layout.addImage(tag: "tools", layers: [base, LayerSpec(seed: "space-tools", compression: .none)])
        var options = RegistryServer.Options()
        options.rootDirectory = scratch.url.appendingPathComponent("store", isDirectory: true)
        try await RegistryServer.with(options) { server in
            try await Skopeo.copy(layout: layout, tag: "data", to: server, repository: "team/data", destinationTag: "v1", format: .oci)
            // The second push of team/app:v1 leaves the first manifest untagged: gc mode 2 frees it.
            try await Skopeo.copy(layout: layout, tag: "app-old", to: server, repository: "team/app", destinationTag: "v1", format: .oci)
            try await Skopeo.copy(layout: layout, tag: "app", to: server, repository: "team/app", destinationTag: "v1", format: .oci)
            try await Skopeo.copy(layout: layout, tag: "tools", to: server, repository: "team/tools", destinationTag: "v1", format: .oci)
        }
        let store = options.rootDirectory!

        let tmux = try await TmuxSession.start([drydock, store.path], environment: ["NO_COLOR": "1"], width: 80, height: 24)
        defer { tmux.stop() }
        var screen = try await tmux.waitFor("the indexed repository list with bars") {
            $0.contains("team/tools") && TmuxSession.isSettled($0) && $0.contains("█]")
        }
        Self.checkWidth(screen, 80)
        // team/data is the largest: its bar (the SIZE bar; the unique bar gives way at 80 columns if names need it) is full.
        let data = try #require(screen.split(separator: "\n").first { $0.contains("team/data") })
        #expect(data.contains("█]") && !data.contains(" ]"), "full bar: \(data)")
        let tools = try #require(screen.split(separator: "\n").first { $0.contains("team/tools") })
        #expect(tools.contains("["), "\(tools)")
        #expect(screen.contains("D space"), "the footer names D: \(screen)")
        #expect(try await Self.colourCodes(tmux).isEmpty, "NO_COLOR: no colour escapes")

        try await tmux.send("D")
        screen = try await tmux.waitFor("the space view with both gc figures") {
            $0.contains("Where space goes") && $0.contains("gc+untagged") && !$0.contains("planning")
        }
        Self.checkWidth(screen, 80)
        #expect(screen.contains("Largest repositories"), "\(screen)")
        #expect(screen.contains("Layers shared most"), "\(screen)")
        let lines = screen.split(separator: "\n").map(String.init)
        let largest = try #require(lines.firstIndex { $0.contains("Largest repositories") })
        #expect(lines[largest + 1].contains("team/data"), "largest first: \(screen)")
        // The base layer is in all three repositories (3 manifests reference it: the re-pushed v1's old one too, 4).
        let shared = try #require(lines.firstIndex { $0.contains("Layers shared most") })
        #expect(lines[shared + 1].contains("3 repos, 4 manifests"), "\(screen)")
        let gc2 = try #require(lines.first { $0.contains("gc+untagged") })
        #expect(gc2.contains("1 manifest, "), "the untagged manifest: \(gc2)")
        #expect(try #require(lines.first { $0.contains("gc frees") }).contains("0 B"), "nothing orphaned: \(screen)")
        #expect(try await Self.colourCodes(tmux).isEmpty, "NO_COLOR: no colour escapes")

        try await tmux.resize(width: 120, height: 35)
        // The widest bars (12 columns) show only once the resize is drawn.
        screen = try await tmux.waitFor("the space view at 120×35") { $0.contains("Where space goes") && $0.contains("[██████████]") }
        Self.checkWidth(screen, 120)
        let wide = screen.split(separator: "\n").map(String.init)
        let dataRow = try #require(wide.first { $0.contains("  team/data") })
        #expect(dataRow.components(separatedBy: "[██████████]").count == 3, "unique and total bars, both full: \(dataRow)")
        // Enter on the shared layer opens who shares it.
        let sharedRow = try #require(wide.firstIndex { $0.contains("3 repos, 4 manifests") })
        let largestRow = try #require(wide.firstIndex { $0.contains("Largest repositories") })
        try await tmux.send("g")
        // Rows from the first (the store heading) to the shared layer: the body starts two lines under the title bar.
        for _ in 0..<(sharedRow - 2) { try await tmux.send("j") }
        try await tmux.send("Enter")
        screen = try await tmux.waitFor("who shares the base layer") { $0.contains("shared by") && $0.contains("3 repos, 4 manifests") }
        #expect(screen.contains("team/tools") && screen.contains("team/data"), "\(screen)")
        #expect(largestRow < sharedRow)
        try await tmux.send("Escape")
        try await tmux.send("Escape")
        screen = try await tmux.waitFor("the repository list at 120×35") { $0.contains("REPOSITORY") && $0.contains("[██████████]") }
        Self.checkWidth(screen, 120)
        let dataWide = try #require(screen.split(separator: "\n").first { $0.contains("team/data") })
        #expect(dataWide.components(separatedBy: "[██████████]").count == 3, "both bars at 120: \(dataWide)")
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    static func checkWidth(_ screen: String, _ cols: Int) {
        for line in screen.split(separator: "\n") { #expect(line.count <= cols, "too wide: \(line)") }
    }

    /// SGR colour codes (30–37, 38;5, 40–47, 90–97) in the pane, as `capture-pane -e` shows them.
    static func colourCodes(_ tmux: TmuxSession) async throws -> [String] {
        let escaped = try await tmux.checked(["capture-pane", "-p", "-e", "-t", tmux.session]).stdout
        let pattern = try NSRegularExpression(pattern: "\u{1b}\\[(?:[0-9;]*;)?(3[0-8]|4[0-8]|9[0-7])[;m]")
        let range = NSRange(escaped.startIndex..., in: escaped)
        return pattern.matches(in: escaped, range: range).compactMap { Range($0.range, in: escaped).map { String(escaped[$0]) } }
    }
}
