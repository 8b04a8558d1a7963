import Testing
@testable import RegistryStorage

@Suite struct SafeTextTests {
    @Test func escapesC0DelAndC1ControlsOnly() {
        #expect(SafeText.escaping("a\u{1b}[2J\u{07}\u{7f}\u{9b}\u{a0}é\n") == "a\\x1b[2J\\x07\\x7f\\x9b\u{a0}é\\x0a")
        #expect(SafeText.escapingKeepingLineFeeds("a\u{1b}\nb\r\n") == "a\\x1b\nb\\x0d\n")
    }

    @Test func cutsAfterEscapingAndNeverInsideAnEscape() {
        let created = "2024-05-01T10:00:0\u{1b}]0;pwned\u{07}"
        // Cutting the raw text at 19 would keep a bare ESC; escaping first keeps "\x1b" whole or not at all.
        #expect(SafeText.escapedPrefix(created, maxLength: 19) == "2024-05-01T10:00:0")
        #expect(SafeText.escapedPrefix(created, maxLength: 22) == "2024-05-01T10:00:0\\x1b")
        #expect(SafeText.escapedPrefix(created, maxLength: 21) == "2024-05-01T10:00:0")
        #expect(SafeText.escapedPrefix("2024-05-01T10:00:00.123Z", maxLength: 19) == "2024-05-01T10:00:00")
    }
}
