/// A strict, single-pass JSON reader (RFC 8259) for manifests and image configs.
///
/// `JSONDocument.parse` walks the bytes once and records every value as a node of a flat "tape" in
/// document order: a container's node is followed by its members (an object's as key node, value
/// subtree, key node, …) and records the index just past its subtree, so readers skip whole values
/// in one step. Strings and numbers stay byte ranges into the input until a reader asks for them,
/// so parsing allocates little beyond the tape, and only strings a reader asks for become `String`s.
///
/// What it accepts, and where that differs from Foundation's `JSONDecoder`:
/// - Exactly one value, with only space, tab, CR and LF around it: trailing data, trailing commas
///   and a leading byte order mark are errors (Go's `encoding/json`, and so the registry, rejects
///   them too; `JSONDecoder` lets the last two through).
/// - Every value is checked, including those no reader looks at: raw control characters in strings,
///   invalid escapes, malformed UTF-8 (overlong forms, encoded surrogates, beyond U+10FFFF), numbers
///   with leading zeros or missing digits, and `NaN`/`Infinity` are all errors.
/// - A `\u` escape of a lone UTF-16 surrogate is accepted and read as U+FFFD, as Go does (the
///   registry stores and serves such documents); `JSONDecoder` rejects the document.
/// - Nesting deeper than `maxDepth` (by default `JSONShape.maxDepth`) fails with `isTooDeep` before
///   anything is allocated for it; parsing is iterative, so no input can exhaust the stack.
/// - With `replacingInvalidUTF8`, ill-formed UTF-8 in strings is read as U+FFFD instead of failing, as Go's
///   decoder does; the libtrust and cosign readers use it because the registry verified them with Go.
/// - Duplicate object keys are kept on the tape; `member(_:_:)` and the typed readers let the last
///   one win, as Go does (`JSONDecoder` keeps the first).
/// - Errors name the byte offset (from 0) where the problem was found.
struct JSONDocument: Sendable {
    enum Kind: UInt8, Sendable {
        case null, `false`, `true`, number, string, array, object

        var name: String {
            switch self {
            case .null: "null"
            case .false, .true: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    struct Node: Sendable {
        var kind: Kind
        /// Strings: 1 when the text holds escapes. Numbers: 1 when written without fraction or exponent.
        var flags: UInt8
        /// Byte offset of the value; for strings, of the first byte after the opening quote.
        var start: UInt32
        /// Strings: offset of the closing quote. Numbers: one past the last digit. Containers: the
        /// index of the first node after the subtree. Literals: unused.
        var end: UInt32
        /// Containers: number of elements or members.
        var count: UInt32
    }

    /// A syntax error, with the byte offset where it was found.
    struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        var offset: Int
        var message: String
        /// The input is nested more than `maxDepth` levels deep.
        var isTooDeep = false

        var description: String { "\(message) at byte offset \(offset)" }
    }

    let bytes: [UInt8]
    let nodes: ContiguousArray<Node>

    /// The top-level value.
    var root: Int { 0 }

    static func parse(
        _ bytes: [UInt8], maxDepth: Int = JSONShape.maxDepth, replacingInvalidUTF8: Bool = false
    ) throws(SyntaxError) -> JSONDocument {
        guard bytes.count < Int(UInt32.max) else { throw SyntaxError(offset: 0, message: "document too large") }
        let nodes = try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> ContiguousArray<Node> in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                throw SyntaxError(offset: 0, message: "unexpected end of input, expected a JSON value")
            }
            var scanner = Scanner(p: base, n: buffer.count, maxDepth: maxDepth, replacingInvalidUTF8: replacingInvalidUTF8)
            try scanner.document()
            return scanner.nodes
        }
        return JSONDocument(bytes: bytes, nodes: nodes)
    }
}

// MARK: - Scanning

extension JSONDocument {
    private struct Scanner {
        let p: UnsafePointer<UInt8>
        let n: Int
        let maxDepth: Int
        let replacingInvalidUTF8: Bool
        var pos = 0
        var nodes: ContiguousArray<Node>

        init(p: UnsafePointer<UInt8>, n: Int, maxDepth: Int, replacingInvalidUTF8: Bool) {
            self.p = p
            self.n = n
            self.maxDepth = maxDepth
            self.replacingInvalidUTF8 = replacingInvalidUTF8
            nodes = []
            // Manifests and configs run about one node per 12–20 bytes: sized so most documents never regrow (a
            // node is 16 bytes, so the guess costs at most about 1.3 times the document's own size, for as long as
            // the parse lasts).
            nodes.reserveCapacity(n / 12 + 16)
        }

        func fail(_ message: String, at offset: Int? = nil) -> SyntaxError {
            SyntaxError(offset: offset ?? pos, message: message)
        }

        /// What stands at `pos`, for messages: `'x'`, a byte in hex, or the end of input.
        func found() -> String {
            guard pos < n else { return "end of input" }
            let b = p[pos]
            return b > 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(hex(b))"
        }

        @inline(__always) mutating func skipSpace() {
            while pos < n {
                let b = p[pos]
                guard b <= 0x20, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
                pos += 1
            }
        }

        @inline(__always) mutating func append(_ kind: Kind, flags: UInt8 = 0, start: Int, end: Int = 0) {
            nodes.append(Node(kind: kind, flags: flags, start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: end), count: 0))
        }

        /// Iterative: `stack` holds the node index of every open container.
        mutating func document() throws(SyntaxError) {
            var stack = ContiguousArray<Int>()
            stack.reserveCapacity(16)
            value: while true {
                skipSpace()
                guard pos < n else {
                    throw fail(stack.isEmpty ? "unexpected end of input, expected a JSON value" : "unexpected end of input inside \(nodes[stack[stack.count - 1]].kind == .object ? "an object" : "an array")")
                }
                switch p[pos] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let isObject = p[pos] == UInt8(ascii: "{")
                    guard stack.count < maxDepth else {
                        var e = fail("JSON nested more than \(maxDepth) levels deep")
                        e.isTooDeep = true
                        throw e
                    }
                    let index = nodes.count
                    append(isObject ? .object : .array, start: pos)
                    pos += 1
                    skipSpace()
                    if pos < n, p[pos] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        pos += 1
                        nodes[index].end = UInt32(truncatingIfNeeded: nodes.count)
                    } else {
                        stack.append(index)
                        if isObject { try memberKey() }
                        continue value
                    }
                case UInt8(ascii: "\""): try string()
                case UInt8(ascii: "t"): try literal("true", .true)
                case UInt8(ascii: "f"): try literal("false", .false)
                case UInt8(ascii: "n"): try literal("null", .null)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
                default:
                    throw fail(pos == 0 && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF
                        ? "byte order mark before the JSON value" : "expected a JSON value, found \(found())")
                }
                // A value is complete: hand it to the open containers, closing those that end here.
                while let top = stack.last {
                    nodes[top].count += 1
                    skipSpace()
                    let isObject = nodes[top].kind == .object
                    guard pos < n else { throw fail("unexpected end of input inside \(isObject ? "an object" : "an array")") }
                    let b = p[pos]
                    if b == UInt8(ascii: ",") {
                        pos += 1
                        if isObject {
                            skipSpace()
                            try memberKey()
                        }
                        continue value
                    }
                    guard b == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                        throw fail(isObject ? "expected ',' or '}' after an object member, found \(found())" : "expected ',' or ']' after an array element, found \(found())")
                    }
                    pos += 1
                    nodes[top].end = UInt32(truncatingIfNeeded: nodes.count)
                    stack.removeLast()
                }
                skipSpace()
                guard pos == n else { throw fail("unexpected \(found()) after the JSON value") }
                return
            }
        }

        /// `"key"`, the colon and the space after it.
        mutating func memberKey() throws(SyntaxError) {
            guard pos < n, p[pos] == UInt8(ascii: "\"") else { throw fail("expected a string as object key, found \(found())") }
            try string()
            skipSpace()
            guard pos < n, p[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after an object key, found \(found())") }
            pos += 1
        }

        mutating func literal(_ word: StaticString, _ kind: Kind) throws(SyntaxError) {
            let count = word.utf8CodeUnitCount
            let text = word.utf8Start
            guard pos + count <= n else { throw fail("invalid literal, expected \(word)") }
            for k in 1..<count where p[pos + k] != text[k] {
                throw fail("invalid literal, expected \(word)")
            }
            append(kind, start: pos)
            pos += count
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() throws(SyntaxError) {
            let start = pos
            var integer: UInt8 = 1
            if p[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < n, JSONDocument.isDigit(p[pos]) else { throw fail("invalid number: expected a digit, found \(found())") }
            if p[pos] == UInt8(ascii: "0") {
                pos += 1
                if pos < n, JSONDocument.isDigit(p[pos]) { throw fail("invalid number: leading zero", at: pos - 1) }
            } else {
                while pos < n, JSONDocument.isDigit(p[pos]) { pos += 1 }
            }
            if pos < n, p[pos] == UInt8(ascii: ".") {
                integer = 0
                pos += 1
                guard pos < n, JSONDocument.isDigit(p[pos]) else { throw fail("invalid number: expected a digit after '.', found \(found())") }
                while pos < n, JSONDocument.isDigit(p[pos]) { pos += 1 }
            }
            if pos < n, p[pos] | 0x20 == UInt8(ascii: "e") {
                integer = 0
                pos += 1
                if pos < n, p[pos] == UInt8(ascii: "+") || p[pos] == UInt8(ascii: "-") { pos += 1 }
                guard pos < n, JSONDocument.isDigit(p[pos]) else { throw fail("invalid number: expected a digit in the exponent, found \(found())") }
                while pos < n, JSONDocument.isDigit(p[pos]) { pos += 1 }
            }
            append(.number, flags: integer, start: start, end: pos)
        }

        /// True when any of the eight bytes is `"`, `\`, below 0x20 or above 0x7F.
        @inline(__always) static func needsAttention(_ w: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let control = (w &- ones &* 0x20) & ~w
            let hasQuote = (quote &- ones) & ~quote
            let hasBackslash = (backslash &- ones) & ~backslash
            return (control | hasQuote | hasBackslash | w) & highs != 0
        }

        /// A string starting at the opening quote at `pos`.
        mutating func string() throws(SyntaxError) {
            let open = pos
            pos += 1
            let start = pos
            var escaped: UInt8 = 0
            while true {
                while pos &+ 8 <= n, !Scanner.needsAttention(UnsafeRawPointer(p + pos).loadUnaligned(as: UInt64.self)) {
                    pos &+= 8
                }
                guard pos < n else { throw fail("unterminated string", at: open) }
                let b = p[pos]
                if b == UInt8(ascii: "\"") {
                    append(.string, flags: escaped, start: start, end: pos)
                    pos += 1
                    return
                } else if b == UInt8(ascii: "\\") {
                    escaped = 1
                    try escape()
                } else if b < 0x20 {
                    throw fail("control character 0x\(hex(b)) in string (must be escaped)")
                } else if b < 0x80 {
                    pos += 1
                } else if try !wellFormedUTF8Sequence() {
                    // Only reached when replacing: the reader's String repair turns the byte into U+FFFD.
                    pos += 1
                }
            }
        }

        /// The escape starting at the backslash at `pos`.
        mutating func escape() throws(SyntaxError) {
            let backslash = pos
            pos += 1
            guard pos < n else { throw fail("unterminated string") }
            switch p[pos] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                pos += 1
            case UInt8(ascii: "u"):
                pos += 1
                for _ in 0..<4 {
                    guard pos < n, JSONDocument.hexValue(p[pos]) != nil else {
                        throw fail("invalid \\u escape: expected four hex digits", at: backslash)
                    }
                    pos += 1
                }
            default:
                throw fail("invalid escape: \(found()) after a backslash", at: backslash)
            }
        }

        /// Steps over the well-formed UTF-8 sequence at `pos` and returns true; at an ill-formed one, returns false
        /// when replacing and fails otherwise.
        mutating func wellFormedUTF8Sequence() throws(SyntaxError) -> Bool {
            do {
                try utf8Sequence()
                return true
            } catch where replacingInvalidUTF8 {
                return false
            }
        }

        /// One well-formed UTF-8 sequence of two to four bytes (Unicode table 3-7) starting at `pos`.
        mutating func utf8Sequence() throws(SyntaxError) {
            let lead = p[pos]
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xED: length = 3; high = 0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0: length = 4; low = 0x90
            case 0xF4: length = 4; high = 0x8F
            case 0xF1...0xF3: length = 4
            default: throw fail("invalid UTF-8 byte 0x\(hex(lead)) in string")
            }
            guard pos + length <= n else { throw fail("truncated UTF-8 sequence in string") }
            let second = p[pos + 1]
            guard second >= low, second <= high else { throw fail("invalid UTF-8 sequence in string") }
            for k in 2..<max(length, 2) where p[pos + k] & 0xC0 != 0x80 {
                throw fail("invalid UTF-8 sequence in string")
            }
            pos += length
        }
    }
}

extension JSONDocument {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always) static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
}
