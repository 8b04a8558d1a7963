import Foundation
import RegistryStorage

/// The one way text leaves the CLI. Store text (names, platforms, dates, journal entries) can carry terminal control
/// sequences, so every human-readable line is escaped here, at the sink, whatever its caller already escaped:
/// forgetting `SafeText.escaping` where a line is built then cannot reach the terminal. Only the program's own line
/// breaks survive. JSON documents go out unchanged through `json`, since the encoder escapes control characters.
enum FileHandleOutput {
    /// A line (or lines) of human-readable text on standard output.
    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(line(text).utf8))
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(line(text).utf8))
    }

    /// A question on standard error, left on the same line as the answer.
    static func prompt(_ text: String) {
        FileHandle.standardError.write(Data(SafeText.escapingKeepingLineFeeds(text).utf8))
    }

    /// A one-line progress display on standard error (a terminal); nil clears it. The clearing sequence is ours; the
    /// text is escaped, line feeds included, so it stays on its line.
    static func progress(_ text: String?) {
        FileHandle.standardError.write(Data(("\r\u{1b}[K" + SafeText.escaping(text ?? "")).utf8))
    }

    /// A document made by `JSONEncoder` (which writes control characters as `\u001b`), on standard output.
    static func json(_ document: String) {
        FileHandle.standardOutput.write(Data((document.hasSuffix("\n") ? document : document + "\n").utf8))
    }

    private static func line(_ text: String) -> String {
        let escaped = SafeText.escapingKeepingLineFeeds(text)
        return escaped.hasSuffix("\n") ? escaped : escaped + "\n"
    }
}

/// Standard output is written only through `FileHandleOutput`, which escapes store text; this hides the standard
/// library's `print` from the whole module so that no line can skip it.
@available(*, unavailable, message: "write through FileHandleOutput.standardOutput (escapes store text) or FileHandleOutput.json")
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {}
