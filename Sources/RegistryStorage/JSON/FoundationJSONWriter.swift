/// Writes JSON byte for byte as Foundation's `JSONEncoder` does with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (swift-foundation's `JSONWriter`, Swift 6 on Linux), without building the encoder's value
/// tree: `drydock ls --json` renders about 100 MB this way (README "Scale"). The caller writes each object's keys in
/// sorted order (the encoder sorts by UTF-8 bytes) and skips absent optionals, as synthesized `Encodable` does.
///
/// The encoder's layout: two spaces per level, `"key" : value`, `,` at line ends, and an empty array or object as
/// `[`, an empty line, then `]` at the opening line's indent. Strings escape `"`, `\`, `\b \f \n \r \t`, other C0
/// controls as `\u00xx` (lowercase hex); DEL and everything above stays raw UTF-8.
package struct FoundationJSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Values written so far in each open container, innermost last.
    private var counts: [Int] = []
    /// The indent level of the outermost value: a fragment rendered to be spliced in at that depth.
    private let baseDepth: Int

    package init(depth: Int = 0, capacity: Int = 0) {
        baseDepth = depth
        bytes.reserveCapacity(capacity)
    }

    private var depth: Int { baseDepth + counts.count }

    private mutating func newline(_ depth: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: depth * 2))
    }

    /// Where an array element starts: after the previous one's comma, on its own line. Object values come after `key`.
    private mutating func beforeValue() {
        guard let last = counts.last else { return }
        if last > 0 { bytes.append(UInt8(ascii: ",")) }
        counts[counts.count - 1] = last + 1
        newline(depth)
    }

    /// An object member's key; the value follows. Keys are ASCII here, written as given.
    package mutating func key(_ name: StaticString) {
        let last = counts[counts.count - 1]
        if last > 0 { bytes.append(UInt8(ascii: ",")) }
        counts[counts.count - 1] = last + 1
        newline(depth)
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), 0x20, UInt8(ascii: ":"), 0x20])
        pendingKey = true
    }

    /// A value written right after `key` goes on the key's line.
    private var pendingKey = false

    private mutating func startValue() {
        if pendingKey { pendingKey = false } else { beforeValue() }
    }

    package mutating func beginObject() {
        startValue()
        bytes.append(UInt8(ascii: "{"))
        counts.append(0)
    }

    package mutating func endObject() { close(UInt8(ascii: "}")) }

    package mutating func beginArray() {
        startValue()
        bytes.append(UInt8(ascii: "["))
        counts.append(0)
    }

    package mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func close(_ bracket: UInt8) {
        let written = counts.removeLast()
        if written == 0 { bytes.append(0x0A) }
        newline(depth)
        bytes.append(bracket)
    }

    package mutating func string(_ s: String) {
        startValue()
        var s = s
        s.withUTF8 { FoundationJSONWriter.appendString($0, to: &bytes) }
    }

    /// A digest as its `sha256:<hex>` string; nothing in it needs escaping.
    package mutating func digest(_ d: Digest) {
        startValue()
        bytes.append(UInt8(ascii: "\""))
        d.appendDescription(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An array of digests (`digest`).
    package mutating func digests(_ list: some Sequence<Digest>) {
        beginArray()
        for d in list { digest(d) }
        endArray()
    }

    package mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    package mutating func int(_ v: Int64) {
        startValue()
        bytes.append(contentsOf: String(v).utf8)
    }

    package mutating func bool(_ v: Bool) {
        startValue()
        bytes.append(contentsOf: (v ? "true" : "false").utf8)
    }

    /// Text already rendered at this depth by another writer (`FoundationJSONWriter(depth:)`), taken as one value.
    package mutating func raw(_ rendered: [UInt8]) {
        startValue()
        bytes.append(contentsOf: rendered)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func appendString(_ s: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        for i in 0..<s.count {
            let b = s[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<i]))
            start = i + 1
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<s.count]))
        out.append(UInt8(ascii: "\""))
    }
}
