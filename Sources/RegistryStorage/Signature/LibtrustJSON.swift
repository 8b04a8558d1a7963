/// A small JSON reader and a writer that reproduces Go's `encoding/json` output byte for byte
/// (sorted map keys, HTML-safe escapes, `MarshalIndent` layout). libtrust documents are rebuilt by
/// Go's encoder, so reassembled schema1 documents only match when we write exactly as Go does.
indirect enum LibtrustJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The literal as written; Go decodes it to float64 when it lands in an interface value.
    case number(String)
    case string(String)
    case array([LibtrustJSON])
    /// Members in document order; duplicates are kept so lookups can resolve them as Go does.
    case object([Member])

    struct Member: Sendable, Equatable {
        var key: String
        var value: LibtrustJSON
        /// Byte range of the value in the parsed input.
        var range: Range<Int>
    }

    /// Go map semantics: exact key, last duplicate wins.
    func member(_ key: String) -> Member? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }
    }

    /// Go struct-field semantics: exact or case-insensitive match, last one in the document wins.
    func field(_ name: String) -> Member? {
        guard case .object(let members) = self else { return nil }
        let folded = name.lowercased()
        return members.last { $0.key == name || $0.key.lowercased() == folded }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

// MARK: - Parsing

extension LibtrustJSON {
    /// Nesting deeper than this is refused. Parsing keeps its own stack, so this bounds only the
    /// recursion of later walks (encoding, comparing, releasing) over hostile documents.
    static let maxDepth = 512

    static func parse(_ bytes: [UInt8]) -> Result<LibtrustJSON, JWSError> {
        var parser = Parser(bytes: bytes)
        do throws(JWSError) {
            let value = try parser.document()
            parser.skipSpace()
            guard parser.pos == bytes.count else { throw parser.fail("invalid character after top-level value") }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var pos = 0

        /// An open container while parsing; `valueStart` is where the pending member's value begins.
        enum Frame {
            case array([LibtrustJSON])
            case object([Member], key: String, valueStart: Int)
        }

        func fail(_ what: String) -> JWSError {
            .malformedJSON("\(what) at offset \(pos)")
        }

        mutating func skipSpace() {
            while pos < bytes.count {
                switch bytes[pos] {
                case 0x20, 0x09, 0x0A, 0x0D: pos += 1
                default: return
                }
            }
        }

        func peek(_ c: Character) -> Bool {
            pos < bytes.count && bytes[pos] == UInt8(ascii: c.unicodeScalars.first!)
        }

        /// Reads `"key"` and `:` and the space after it; returns the key.
        mutating func memberKey() throws(JWSError) -> String {
            skipSpace()
            guard peek("\"") else { throw fail("expected object key") }
            let key = try string()
            skipSpace()
            guard peek(":") else { throw fail("expected ':'") }
            pos += 1
            skipSpace()
            return key
        }

        /// Iterative, so hostile nesting cannot exhaust the thread's stack.
        mutating func document() throws(JWSError) -> LibtrustJSON {
            var stack = [Frame]()
            while true {
                skipSpace()
                guard pos < bytes.count else { throw fail("unexpected end of JSON input") }
                var value: LibtrustJSON
                switch bytes[pos] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard stack.count < LibtrustJSON.maxDepth else { throw fail("nesting too deep") }
                    let isObject = bytes[pos] == UInt8(ascii: "{")
                    pos += 1
                    skipSpace()
                    if isObject, peek("}") {
                        pos += 1
                        value = .object([])
                    } else if !isObject, peek("]") {
                        pos += 1
                        value = .array([])
                    } else {
                        stack.append(isObject ? .object([], key: try memberKey(), valueStart: pos) : .array([]))
                        continue
                    }
                case UInt8(ascii: "\""): value = .string(try string())
                case UInt8(ascii: "t"): try literal("true"); value = .bool(true)
                case UInt8(ascii: "f"): try literal("false"); value = .bool(false)
                case UInt8(ascii: "n"): try literal("null"); value = .null
                default: value = .number(try number())
                }
                // Hand the finished value to its container, closing containers that end here.
                attach: while true {
                    guard let top = stack.popLast() else { return value }
                    switch top {
                    case .array(var items):
                        items.append(value)
                        skipSpace()
                        if peek(",") { pos += 1; stack.append(.array(items)); break attach }
                        guard peek("]") else { throw fail(pos < bytes.count ? "expected ',' or ']'" : "unexpected end of JSON input") }
                        pos += 1
                        value = .array(items)
                    case .object(var members, let key, let start):
                        members.append(Member(key: key, value: value, range: start..<pos))
                        skipSpace()
                        if peek(",") {
                            pos += 1
                            stack.append(.object(members, key: try memberKey(), valueStart: pos))
                            break attach
                        }
                        guard peek("}") else { throw fail(pos < bytes.count ? "expected ',' or '}'" : "unexpected end of JSON input") }
                        pos += 1
                        value = .object(members)
                    }
                }
            }
        }

        mutating func literal(_ word: String) throws(JWSError) {
            let w = Array(word.utf8)
            guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
                throw fail("invalid literal")
            }
            pos += w.count
        }

        mutating func number() throws(JWSError) -> String {
            let start = pos
            func digits(_ p: inout Int, _ b: [UInt8]) -> Int {
                let s = p
                while p < b.count, b[p] >= 0x30, b[p] <= 0x39 { p += 1 }
                return p - s
            }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 else { throw fail("invalid character") }
            if bytes[pos] == 0x30 { pos += 1 } else { _ = digits(&pos, bytes) }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
                pos += 1
                guard digits(&pos, bytes) > 0 else { throw fail("invalid number") }
            }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
                pos += 1
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                guard digits(&pos, bytes) > 0 else { throw fail("invalid number") }
            }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }

        mutating func hex4() throws(JWSError) -> UInt32 {
            guard pos + 4 <= bytes.count else { throw fail("invalid escape") }
            var v: UInt32 = 0
            for c in bytes[pos..<pos + 4] {
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("invalid escape")
                }
                v = v << 4 | d
            }
            pos += 4
            return v
        }

        /// Invalid UTF-8 and lone surrogates become U+FFFD, as Go's decoder does.
        mutating func string() throws(JWSError) -> String {
            pos += 1
            var out = [UInt8]()
            func appendScalar(_ v: UInt32, _ out: inout [UInt8]) {
                out.append(contentsOf: Array(String(Unicode.Scalar(v) ?? "\u{FFFD}").utf8))
            }
            while true {
                guard pos < bytes.count else { throw fail("unexpected end of JSON input") }
                let c = bytes[pos]
                if c == UInt8(ascii: "\"") { pos += 1; break }
                if c < 0x20 { throw fail("invalid character in string literal") }
                if c != UInt8(ascii: "\\") { out.append(c); pos += 1; continue }
                pos += 1
                guard pos < bytes.count else { throw fail("unexpected end of JSON input") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let u = try hex4()
                    if (0xD800..<0xDC00).contains(u), pos + 6 <= bytes.count,
                       bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        let save = pos
                        pos += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            appendScalar(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), &out)
                        } else {
                            appendScalar(0xFFFD, &out)
                            pos = save
                        }
                    } else {
                        appendScalar(u, &out)
                    }
                default: throw fail("invalid escape")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
