import Testing
@testable import RegistryStorage

@Suite struct SafeTextTests {
    @Test func escapesC0DelAndC1ControlsOnly() {
        #expect(SafeText.escaping("a\u{1b}[2J\u{07}\u{7f}\u{9b}\u{a0}é\n") == "a\\x1b[2J\\x07\\x7f\\x9b\u{a0}é\\x0a")
        #expect(SafeText.escapingKeepingLineFeeds("a\u{1b}\nb\r\n") == "a\\x1b\nb\\x0d\n")
    }

    /// The plain-ASCII shortcut returns the text only when no byte needs escaping: each control on its own, at either
    /// end of otherwise plain text, still comes out escaped.
    @Test func plainTextIsReturnedAsItIsAndEveryControlStillEscaped() {
        let plain = "blob eligible for deletion: sha256:0251ee41 (64 B) ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"
        #expect(SafeText.escaping(plain) == plain)
        #expect(SafeText.escapingKeepingLineFeeds(plain + "\n" + plain + "\n") == plain + "\n" + plain + "\n")
        #expect(SafeText.escaping("a\nb") == "a\\x0ab")
        for value in Array(0x00...0x1F) + [0x7F] + Array(0x80...0x9F) {
            let c = String(Unicode.Scalar(UInt32(value))!)
            let hex = String(value, radix: 16)
            let escaped = "\\x" + (hex.count == 1 ? "0" + hex : hex)
            #expect(SafeText.escaping(c + "x") == escaped + "x")
            #expect(SafeText.escaping("x" + c) == "x" + escaped)
            if value != 0x0A { #expect(SafeText.escapingKeepingLineFeeds("x" + c) == "x" + escaped) }
        }
        #expect(SafeText.escaping("caf\u{e9} \u{1F600}") == "caf\u{e9} \u{1F600}")
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
