import Foundation
import Testing

/// Bare `drydock` opens the bundled demo store: browse to the layers of an index child, see the planted faults,
/// filter, help, resize, quit with the terminal restored.
@Suite(.serialized, .heavy) struct TUIDemoEndToEndTests {
    @Test(.timeLimit(.minutes(2)))
    func demoStoreBrowsesToLayersAndShowsPlantedFaults() async throws {
        try RequiredTool.require("tmux")
        let drydock = try DrydockBinary.path()
        let tmux = try await TmuxSession.start([drydock], width: 120, height: 35)
        defer { tmux.stop() }

        var screen = try await tmux.waitFor("the demo repository list, verified") {
            $0.contains("DEMO registry") && $0.contains("legacy/tampered") && TmuxSession.isSettled($0)
        }
        #expect(screen.contains("Repositories (8)"))
        // The planted faults show as failed repositories; marks are text, not colour alone.
        let tampered = try #require(screen.split(separator: "\n").first { $0.contains("legacy/tampered") })
        #expect(tampered.contains("✗"))
        let missing = try #require(screen.split(separator: "\n").first { $0.contains("broken/missing-layer") })
        #expect(missing.contains("✗"))

        // library/alpine: its index, then a child, then that child's layers.
        try await tmux.send("/")
        try await tmux.type("alpine")
        try await tmux.send("Enter", "Enter")
        try await tmux.waitFor("the tags of library/alpine") { $0.contains("Tags (2)") && $0.contains("oci-index") }
        try await tmux.send("Enter")
        // The end state: the opened repository's full read re-verifies the index, children check included (a frame
        // drawn from the light index already lists the children, with only the checks that read needs).
        screen = try await tmux.waitFor("the index detail, verified with its children") {
            $0.contains("Children") && $0.contains("linux/arm64/v8") && $0.contains("✓ children")
        }
        // Move to the first child line and open it.
        try await tmux.send("/")
        try await tmux.type("arm64")
        try await tmux.send("Enter", "Enter")
        screen = try await tmux.waitFor("the arm64 child manifest") { $0.contains("Media type") && $0.contains("arm64") && !$0.contains("Children") }
        try await tmux.send("l")
        screen = try await tmux.waitFor("the child's layers") { $0.contains("Layers (") && $0.contains("present") }

        // Help, then back out to the top with Esc/h and quit.
        try await tmux.send("?")
        try await tmux.waitFor("the help overlay") { $0.contains("┌─ Keys") }
        try await tmux.send("Escape")
        try await tmux.resize(width: 80, height: 24)
        screen = try await tmux.waitFor("the redraw at 80×24") { $0.contains("Layers (") && !$0.contains("┌─ Keys") }
        for line in screen.split(separator: "\n") { #expect(line.count <= 80, "too wide: \(line)") }
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)
        #expect(try await tmux.display("#{alternate_on} #{mouse_any_flag} #{keypad_flag}") == "0 0 0")
    }
}
