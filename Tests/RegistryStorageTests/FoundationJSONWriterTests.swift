import Foundation
import Testing
@testable import RegistryStorage

/// `FoundationJSONWriter` against its oracle, Foundation's `JSONEncoder` with the options `drydock ls --json` used:
/// the same bytes for hostile strings and for every shape the listing writes (nested objects in arrays, empty arrays,
/// absent optionals, fragments rendered apart and spliced in).
@Suite struct FoundationJSONWriterTests {
    /// A record shaped like the listing's objects; keys in sorted order: `count`, `flag`, `items`, `name`, `note`, `tags`.
    struct Record: Encodable {
        var count: Int64
        var flag: Bool
        var items: [Record]
        var name: String
        var note: String?
        var tags: [String]

        func write(to w: inout FoundationJSONWriter) {
            w.beginObject()
            w.key("count")
            w.int(count)
            w.key("flag")
            w.bool(flag)
            w.key("items")
            w.beginArray()
            for item in items { item.write(to: &w) }
            w.endArray()
            w.key("name")
            w.string(name)
            if let note {
                w.key("note")
                w.string(note)
            }
            w.key("tags")
            w.strings(tags)
            w.endObject()
        }
    }

    static func encoded(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    static let hostile: [String] = {
        var all: [String] = []
        var controls = ""
        for v in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        all.append(controls)
        all.append("quote\" backslash\\ slash/ \\/ \\u0041 \"\"")
        all.append("DEL\u{7F} C1\u{80}\u{85}\u{9F} nbsp\u{A0}")
        all.append("line\u{2028}para\u{2029}bom\u{FEFF}")
        all.append(String(decoding: [0x62, 0x61, 0x64, 0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82], as: UTF8.self))
        all.append("emoji 😀👨‍👩‍👧 flag 🇫🇷 é e\u{301} 中文 \u{10FFFF}")
        all.append("<script>&amp;</script>")
        all.append(String(repeating: "long/name-", count: 2000))
        all.append("")
        var ascii = ""
        for v in 0x20..<0x80 { ascii.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        all.append(ascii)
        return all
    }()

    /// A digest written from its words is the same text as its description written as a string, for every
    /// algorithm (sha384 and sha512 fill words past the fourth), in an array and as an object value.
    @Test func aDigestIsWrittenAsItsDescription() throws {
        let digests: [Digest] = [
            Digest.sha256(of: Array("{}".utf8)), try Digest.parse("sha256:" + String(repeating: "0123456789abcdef", count: 4)).get(),
            try Digest.parse("sha384:" + String(repeating: "fedcba9876543210", count: 6)).get(),
            try Digest.parse("sha512:" + String(repeating: "a0", count: 64)).get(),
        ]
        func written(asString: Bool) -> [UInt8] {
            var writer = FoundationJSONWriter()
            writer.beginObject()
            writer.key("all")
            if asString { writer.strings(digests.map(\.description)) } else { writer.digests(digests) }
            writer.key("one")
            if asString { writer.string(digests[2].description) } else { writer.digest(digests[2]) }
            writer.endObject()
            return writer.bytes
        }
        let direct = written(asString: false)
        #expect(direct == written(asString: true))
        #expect(String(decoding: direct, as: UTF8.self).contains("\"sha512:" + String(repeating: "a0", count: 64) + "\""))
    }

    @Test func hostileStringsAreEscapedAsTheEncoderDoes() throws {
        for s in Self.hostile {
            var w = FoundationJSONWriter()
            w.string(s)
            #expect(w.bytes == (try Self.encoded(s)), "\(s.unicodeScalars.map { String($0.value, radix: 16) }.prefix(40))")
            var list = FoundationJSONWriter()
            list.strings([s, s])
            #expect(list.bytes == (try Self.encoded([s, s])))
        }
    }

    @Test func nestedShapesMatchTheEncoder() throws {
        let leaf = Record(count: Int64.min, flag: false, items: [], name: "leaf", note: nil, tags: [])
        let names = Self.hostile
        let middle = names.indices.map { i in
            Record(
                count: Int64(i) * 1_000_003 - 7, flag: i % 2 == 0, items: i % 3 == 0 ? [] : [leaf, leaf],
                name: names[i], note: i % 2 == 0 ? names[(i + 1) % names.count] : nil, tags: Array(names.prefix(i % 4)))
        }
        let root = Record(count: Int64.max, flag: true, items: middle, name: "root", note: "", tags: ["a", "b/c"])
        var w = FoundationJSONWriter()
        root.write(to: &w)
        #expect(w.bytes == (try Self.encoded(root)))
        // A top-level empty array, and arrays of records.
        var empty = FoundationJSONWriter()
        empty.strings([])
        #expect(empty.bytes == (try Self.encoded([String]())))
        var array = FoundationJSONWriter()
        array.beginArray()
        for r in middle { r.write(to: &array) }
        array.endArray()
        #expect(array.bytes == (try Self.encoded(middle)))
    }

    /// A value of any depth, encoded as the encoder encodes arrays, strings and numbers.
    indirect enum Node: Encodable {
        case list([Node])
        case text(String)
        case number(Int64)

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .list(let items): try c.encode(items)
            case .text(let s): try c.encode(s)
            case .number(let n): try c.encode(n)
            }
        }

        func write(to w: inout FoundationJSONWriter) {
            switch self {
            case .list(let items):
                w.beginArray()
                for item in items { item.write(to: &w) }
                w.endArray()
            case .text(let s): w.string(s)
            case .number(let n): w.int(n)
            }
        }
    }

    /// The writer's own buffer grows from its smallest size at every kind of append (indents 300 levels deep, escaped
    /// and plain strings of every length up to several times the buffer, numbers of every width and sign): the text
    /// is the encoder's, so no byte is lost, doubled or written past the end when it grows.
    @Test func theBufferGrowsAtEveryKindOfAppend() throws {
        var g = SystemRandomNumberGenerator()
        var node = Node.text("core")
        for level in 0..<300 {
            let length = Int(g.next() % 700)
            let text = String((0..<length).map { i in i % 97 == 0 ? "\u{1}" : i % 89 == 0 ? "\"" : "x" })
            let number = Int64(bitPattern: g.next()) >> (g.next() % 64)
            node = .list(level % 3 == 0 ? [node, .text(text), .number(number), .list([])] : [.number(0 &- number), node, .text(text)])
        }
        for capacity in [0, 1, 255, 257, 4096] {
            var w = FoundationJSONWriter(capacity: capacity)
            node.write(to: &w)
            #expect(w.bytes == (try Self.encoded(node)), "capacity \(capacity)")
            #expect(w.count == w.bytes.count)
        }
        for n: Int64 in [0, 9, 10, -1, -10, 99, 100, .max, .min, .max - 1, .min + 1, 1_000_000_000_000_000_000] {
            var w = FoundationJSONWriter()
            w.int(n)
            #expect(w.bytes == Array(String(n).utf8))
        }
    }

    /// The streamed listing renders each repository apart, at the depth it takes in the document, and splices it in:
    /// a value rendered at its depth is the encoder's text at that place, byte for byte.
    @Test func fragmentsRenderedAtTheirDepthAreTheDocumentsText() throws {
        let items = (0..<3).map { i in Record(count: Int64(i), flag: true, items: [], name: "n\(i)", note: nil, tags: ["t\(i)"]) }
        let parent = Record(count: 1, flag: false, items: items, name: "p", note: "x", tags: [])
        let document = try Self.encoded([parent, parent])
        for (depth, value) in [(1, parent)] + items.map({ (3, $0) }) {
            // Array (1) > object (2) > items array (3): an item's braces sit at depth 3.
            var fragment = FoundationJSONWriter(depth: depth)
            value.write(to: &fragment)
            let text = fragment.bytes
            let placed = (0...(document.count - text.count)).contains { document[$0..<$0 + text.count].elementsEqual(text) }
            #expect(placed, "\(value.name) at depth \(depth)")
        }
        // One level off is not the document's text.
        var shallow = FoundationJSONWriter(depth: 2)
        items[0].write(to: &shallow)
        let text = shallow.bytes
        #expect(!(0...(document.count - text.count)).contains { document[$0..<$0 + text.count].elementsEqual(text) })
    }
}
