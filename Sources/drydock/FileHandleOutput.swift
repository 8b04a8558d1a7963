import Foundation
import RegistryStorage

/// The one way text leaves the CLI. Store text (names, platforms, dates, journal entries) can carry terminal control
/// sequences, so every human-readable line is escaped here, at the sink, whatever its caller already escaped:
/// forgetting `SafeText.escaping` where a line is built then cannot reach the terminal. Only the program's own line
/// breaks survive. JSON documents go out through `json`, which escapes only what the encoder leaves raw.
enum FileHandleOutput {
    /// A line (or lines) of human-readable text on standard output.
    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(line(text).utf8))
    }

    /// Lines for scripts (`ls -q`, `--format`); nothing at all for none (not an empty line). Escaped like every
    /// line, except that tabs survive: a `--format` template separates fields with them, and a terminal only moves
    /// the cursor right for one. Store values reach here already escaped (`ListFormat`), their tabs included.
    static func lines(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n").split(separator: "\t", omittingEmptySubsequences: false)
            .map { SafeText.escapingKeepingLineFeeds(String($0)) }.joined(separator: "\t")
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
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

    /// A document made by `JSONEncoder`, on standard output.
    static func json(_ document: String) {
        jsonBytes(Array((document.hasSuffix("\n") ? document : document + "\n").utf8))
    }

    /// Part of a JSON document, whole UTF-8 characters only. The encoder writes C0 controls as `\u001b` but leaves
    /// DEL and the C1 controls (U+0080–U+009F, which some terminals obey) raw; they can only sit inside strings, so
    /// writing them as `\u00XX` escapes keeps the document's value.
    static func jsonBytes(_ bytes: [UInt8]) {
        escapingDelAndC1(bytes[...]).withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            // Written from the array itself: `Data(bytes)` was a copy of up to a megabyte per call.
            FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: raw.count, deallocator: .none))
        }
    }

    /// JSON text that went through `escapingDelAndC1` already (`StreamedListReport.DocumentOutput`), written as it is;
    /// throws what write(2) reports.
    static func escapedJSONBytes(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = write(STDOUT_FILENO, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw OutputError(reason: String(cString: strerror(n < 0 ? errno : EIO))) }
            done += n
        }
    }

    struct OutputError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot write to standard output: \(reason)" }
    }

    /// Whether `raw` may hold DEL or a C1 control (a C2 byte, which most often leads another character): false is
    /// certain, true sends the text through `escapingDelAndC1`.
    static func holdsDelOrC1(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard let base = raw.baseAddress else { return false }
        return memchr(base, 0xC2, raw.count) != nil || memchr(base, 0x7F, raw.count) != nil
    }

    /// `bytes` with DEL and the C1 controls written as `\u00XX` escapes (`jsonBytes`); the same bytes when there are
    /// none, as nearly always.
    static func escapingDelAndC1(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        // In UTF-8 a C1 control is C2 80...C2 9F; no other character encodes that pair. `memchr` looks for the two
        // bytes at vector speed: `ls --json` writes about 100 MB for a 2000-repository store, nearly always clean.
        guard bytes.withUnsafeBytes(holdsDelOrC1) else { return bytes }
        var out: ArraySlice<UInt8> = []
        out.reserveCapacity(bytes.count + 64)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let isC1 = bytes[i] == 0xC2 && i + 1 < bytes.endIndex && (0x80...0x9F).contains(bytes[i + 1])
            if isC1 || bytes[i] == 0x7F {
                let value = isC1 ? bytes[i + 1] : bytes[i]
                out += Array("\\u00\(String(value, radix: 16))".utf8)
                i += isC1 ? 2 : 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
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
