import Foundation
import Testing

/// Under tmux at 80×24, on the bundled demo store: the footer names the keys of each screen, the filter takes `!`
/// and regular expressions, `S` reverses the sort with the arrow in the header, and `y` copies through OSC 52: tmux
/// (with `set-clipboard on`) takes the escape into its paste buffer, and the message line shows the same text.
@Suite(.serialized, .heavy) struct TUIKeysAndCopyEndToEndTests {
    @Test(.timeLimit(.minutes(2)))
    func footerFilterSortAndCopyAt80x24() async throws {
        try RequiredTool.require("tmux")
        let drydock = try DrydockBinary.path()
        let tmux = try await TmuxSession.start([drydock, "--registry-url", "http://127.0.0.1:5000"], width: 80, height: 24)
        defer { tmux.stop() }
        try await tmux.checked(["set-option", "-g", "set-clipboard", "on"])

        var screen = try await tmux.waitFor("the demo repository list, verified") {
            $0.contains("library/alpine") && TmuxSession.isSettled($0)
        }
        let lines = { (s: String) in s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines(screen).contains { $0.hasPrefix(" Enter open / filter s S sort D space v verify") && $0.hasSuffix("? help q quit") }, "\(screen)")

        // !library: every repository but the library ones; a regex narrows to one.
        try await tmux.send("/")
        try await tmux.type("!library")
        try await tmux.send("Enter")
        screen = try await tmux.waitFor("the inverse filter") { $0.contains("(not)") && $0.contains("legacy/tampered") }
        #expect(!screen.contains("library/alpine"))
        try await tmux.send("Escape", "/")
        try await tmux.type("^library.alp")
        try await tmux.send("Enter")
        screen = try await tmux.waitFor("the regex filter") { $0.contains("1 of 8 match (regex)") }
        #expect(screen.contains("library/alpine"))

        // The tags of library/alpine: their own footer; S reverses the name sort, the header says so.
        try await tmux.send("Enter")
        screen = try await tmux.waitFor("the tags, with their footer") { $0.contains("Tags (2)") && $0.contains("Space mark") }
        #expect(screen.contains("TAG▲"))
        try await tmux.send("S")
        screen = try await tmux.waitFor("the reversed sort") { $0.contains("TAG▼") && $0.contains("Z to A") }

        // y: the menu; 4 copies the pull command.
        try await tmux.send("g", "y")
        screen = try await tmux.waitFor("the copy menu") { $0.contains("Copy to the clipboard") && $0.contains("pull command") }
        let tag = try #require(lines(screen).first { $0.contains("REPO:TAG") }?.components(separatedBy: "library/alpine:").last)
            .trimmingCharacters(in: .whitespaces).components(separatedBy: " ").first ?? ""
        #expect(!tag.isEmpty)
        try await tmux.send("4")
        let pull = "docker pull 127.0.0.1:5000/library/alpine:\(tag)"
        screen = try await tmux.waitFor("the copied message") { $0.contains("Copied pull command: \(pull)") }
        let buffer = try await tmux.waitForBuffer { $0 == pull }
        #expect(buffer == pull)
        // The screen is intact: the escape drew nothing.
        #expect(screen.contains("Tags (2)") && !screen.contains("52;c"))
        for line in lines(screen) { #expect(line.count <= 80, "too wide: \(line)") }
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}

/// Under tmux at 80×24 on the demo: the tampered manifest's failed signature check is cut at the screen edge; Enter
/// shows it whole. A layer's line opens the manifests sharing it.
@Suite(.serialized, .heavy) struct TUIWholeLineEndToEndTests {
    @Test(.timeLimit(.minutes(2)))
    func aCutVerificationFailureOpensWholeAndALayerListsItsUsers() async throws {
        try RequiredTool.require("tmux")
        let drydock = try DrydockBinary.path()
        let tmux = try await TmuxSession.start([drydock], width: 80, height: 24)
        defer { tmux.stop() }
        try await tmux.waitFor("the demo, verified") { $0.contains("legacy/tampered") && TmuxSession.isSettled($0) }
        try await tmux.send("/")
        try await tmux.type("tampered")
        try await tmux.send("Enter", "Enter", "Enter")
        var screen = try await tmux.waitFor("the tampered manifest, verified") { $0.contains("✗ signature") }
        #expect(!screen.contains("invalid signature"), "cut at the edge: \(screen)")
        try await tmux.send("/")
        try await tmux.type("✗ sig")
        try await tmux.send("Enter", "Enter")
        screen = try await tmux.waitFor("the whole line") { $0.contains("┌─ ✗ signature") }
        #expect(screen.contains("invalid") && screen.contains("signature") && screen.contains("[y] copy"), "\(screen)")
        // Each Escape alone: an Escape followed at once by a key reads as Alt plus that key.
        try await tmux.send("Escape")
        try await tmux.waitFor("the whole line closed") { !$0.contains("┌─ ✗ signature") }
        try await tmux.send("Escape")
        try await tmux.waitFor("the filter cleared") { !$0.contains("filter:") }
        try await tmux.send("/")
        try await tmux.type("enter lists")
        try await tmux.send("Enter", "Enter")
        try await tmux.waitFor("the layer list") { $0.contains("Layers (") }
        try await tmux.send("G", "Enter")
        screen = try await tmux.waitFor("who shares the layer") { $0.contains("shared by") && $0.contains("manifest") }
        #expect(screen.contains("legacy/tampered"), "\(screen)")
        try await tmux.send("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}

/// `drydock STORE --key PEM` is the browser's option too (it was rejected as an unexpected argument): an unreadable
/// key is named, with exit 1, before the screen starts.
@Suite(.serialized, .heavy) struct TUIKeyOptionEndToEndTests {
    @Test(.timeLimit(.minutes(3)))
    func theBrowserTakesKey() async throws {
        try RequiredTool.require("tmux")
        let drydock = try DrydockBinary.path()
        let tmux = try await TmuxSession.start([drydock, "--key", "/nonexistent/cosign.pub"], width: 120, height: 24)
        defer { tmux.stop() }
        #expect(try await tmux.waitForExit() == 1)
        let screen = try await tmux.capture()
        #expect(screen.contains("drydock: cannot read the key file /nonexistent/cosign.pub"), "\(screen)")
        #expect(!screen.contains("Unexpected argument"))
    }
}

extension TmuxSession {
    /// Polls tmux's newest paste buffer until `condition` holds (or 10 s pass); returns the last seen.
    func waitForBuffer(_ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(10)
        var last = ""
        while Date() < deadline {
            let result = try await run(["show-buffer"])
            last = result.status == 0 ? result.stdout : ""
            if condition(last) { return last }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return last
    }
}
