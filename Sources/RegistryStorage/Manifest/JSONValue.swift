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

    static func parse(_ bytes: [UInt8], maxDepth: Int = JSONShape.maxDepth) throws(SyntaxError) -> JSONDocument {
        guard bytes.count < Int(UInt32.max) else { throw SyntaxError(offset: 0, message: "document too large") }
        let nodes = try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> ContiguousArray<Node> in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                throw SyntaxError(offset: 0, message: "unexpected end of input, expected a JSON value")
            }
            var scanner = Scanner(p: base, n: buffer.count, maxDepth: maxDepth)
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
        var pos = 0
        var nodes: ContiguousArray<Node>

        init(p: UnsafePointer<UInt8>, n: Int, maxDepth: Int) {
            self.p = p
            self.n = n
            self.maxDepth = maxDepth
            nodes = []
            nodes.reserveCapacity(n / 24 + 8)
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
            guard pos < n, isDigit(p[pos]) else { throw fail("invalid number: expected a digit, found \(found())") }
            if p[pos] == UInt8(ascii: "0") {
                pos += 1
                if pos < n, isDigit(p[pos]) { throw fail("invalid number: leading zero", at: pos - 1) }
            } else {
                while pos < n, isDigit(p[pos]) { pos += 1 }
            }
            if pos < n, p[pos] == UInt8(ascii: ".") {
                integer = 0
                pos += 1
                guard pos < n, isDigit(p[pos]) else { throw fail("invalid number: expected a digit after '.', found \(found())") }
                while pos < n, isDigit(p[pos]) { pos += 1 }
            }
            if pos < n, p[pos] | 0x20 == UInt8(ascii: "e") {
                integer = 0
                pos += 1
                if pos < n, p[pos] == UInt8(ascii: "+") || p[pos] == UInt8(ascii: "-") { pos += 1 }
                guard pos < n, isDigit(p[pos]) else { throw fail("invalid number: expected a digit in the exponent, found \(found())") }
                while pos < n, isDigit(p[pos]) { pos += 1 }
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
                } else {
                    try utf8Sequence()
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
                    guard pos < n, hexValue(p[pos]) != nil else {
                        throw fail("invalid \\u escape: expected four hex digits", at: backslash)
                    }
                    pos += 1
                }
            default:
                throw fail("invalid escape: \(found()) after a backslash", at: backslash)
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

@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

@inline(__always) private func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
    default: nil
    }
}

private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
}

// MARK: - Reading

extension JSONDocument {
    @inline(__always) func kind(_ i: Int) -> Kind { nodes[i].kind }

    /// The index of the first node after value `i` and everything inside it.
    @inline(__always) func next(_ i: Int) -> Int {
        let node = nodes[i]
        return node.kind.rawValue >= Kind.array.rawValue ? Int(node.end) : i + 1
    }

    /// Elements of an array, or members of an object.
    func count(_ i: Int) -> Int { Int(nodes[i].count) }

    /// The byte offset where value `i` starts (strings: at the opening quote).
    func offset(_ i: Int) -> Int {
        let node = nodes[i]
        return Int(node.start) - (node.kind == .string ? 1 : 0)
    }

    /// Indices of an array's elements.
    func elements(_ array: Int) -> Children {
        Children(document: self, index: array + 1, end: next(array), step: 1)
    }

    /// Indices of an object's keys; each key's value is at `key + 1`.
    func keys(_ object: Int) -> Children {
        Children(document: self, index: object + 1, end: next(object), step: 2)
    }

    struct Children: Sequence, IteratorProtocol {
        let document: JSONDocument
        var index: Int
        let end: Int
        let step: Int

        mutating func next() -> Int? {
            guard index < end else { return nil }
            defer { index = document.next(index + step - 1) }
            return index
        }
    }

    /// The value of `object`'s last member named `key`, if any (Go's rule for duplicates).
    func member(_ object: Int, _ key: String) -> Int? {
        var found: Int?
        for k in keys(object) where string(k) == key { found = k + 1 }
        return found
    }

    /// True when string node `i` reads exactly `literal` (an ASCII name without escapes).
    @inline(__always) func stringEquals(_ i: Int, _ literal: StaticString) -> Bool {
        let node = nodes[i]
        let length = Int(node.end &- node.start)
        if node.flags != 0 { return string(i) == literal.description }
        guard length == literal.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            let text = literal.utf8Start
            let base = buffer.baseAddress! + Int(node.start)
            for k in 0..<length where base[k] != text[k] { return false }
            return true
        }
    }

    /// The text of string node `i`, escapes decoded.
    func string(_ i: Int) -> String {
        let node = nodes[i]
        let start = Int(node.start), end = Int(node.end)
        return bytes.withUnsafeBufferPointer { buffer in
            let text = UnsafeBufferPointer(rebasing: buffer[start..<end])
            return node.flags == 0 ? String(decoding: text, as: UTF8.self) : JSONDocument.unescape(text)
        }
    }

    /// The text of string node `i`; when it equals one of `known`, that string itself, which saves
    /// allocating a copy of a text that recurs in every document (media types).
    func string(_ i: Int, preferring known: KnownStrings) -> String {
        let node = nodes[i]
        guard node.flags == 0 else { return string(i) }
        let start = Int(node.start), length = Int(node.end) - start
        let match = bytes.withUnsafeBufferPointer { buffer -> Int? in
            let text = buffer.baseAddress! + start
            search: for (k, candidate) in known.utf8.enumerated() where candidate.count == length {
                for j in 0..<length where candidate[j] != text[j] { continue search }
                return k
            }
            return nil
        }
        return match.map { known.strings[$0] } ?? string(i)
    }

    /// Strings to reuse, with their bytes ready for comparison.
    struct KnownStrings: Sendable {
        let strings: [String]
        let utf8: [[UInt8]]

        init(_ strings: [String]) {
            self.strings = strings
            utf8 = strings.map { Array($0.utf8) }
        }
    }

    /// Decodes escapes of already validated string text. Lone surrogates become U+FFFD, as in Go.
    /// Decoded text is never longer than its escaped form, so it is written straight into the string.
    private static func unescape(_ text: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: text.count) { out in
            var k = 0, w = 0
            func hex4(_ at: Int) -> UInt32? {
                guard at + 6 <= text.count, text[at] == UInt8(ascii: "\\"), text[at + 1] == UInt8(ascii: "u") else { return nil }
                var v: UInt32 = 0
                for j in at + 2..<at + 6 { v = v << 4 | hexValue(text[j])! }
                return v
            }
            func put(_ b: UInt32) {
                out[w] = UInt8(truncatingIfNeeded: b)
                w += 1
            }
            while k < text.count {
                // Copy the run up to the next escape in one go.
                let run = k
                while k < text.count, text[k] != UInt8(ascii: "\\") { k += 1 }
                if k > run {
                    (out.baseAddress! + w).initialize(from: text.baseAddress! + run, count: k - run)
                    w += k - run
                }
                guard k < text.count else { break }
                let e = text[k + 1]
                k += 2
                switch e {
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    var scalar = hex4(k - 2)!
                    k += 4
                    if scalar >= 0xD800, scalar < 0xE000 {
                        if scalar < 0xDC00, let low = hex4(k), low >= 0xDC00, low < 0xE000 {
                            scalar = 0x1_0000 + ((scalar - 0xD800) << 10 | (low - 0xDC00))
                            k += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    }
                    switch scalar {
                    case ..<0x80: put(scalar)
                    case ..<0x800:
                        put(0xC0 | scalar >> 6)
                        put(0x80 | scalar & 0x3F)
                    case ..<0x1_0000:
                        put(0xE0 | scalar >> 12)
                        put(0x80 | scalar >> 6 & 0x3F)
                        put(0x80 | scalar & 0x3F)
                    default:
                        put(0xF0 | scalar >> 18)
                        put(0x80 | scalar >> 12 & 0x3F)
                        put(0x80 | scalar >> 6 & 0x3F)
                        put(0x80 | scalar & 0x3F)
                    }
                default: put(UInt32(e))  // `"`, `\` and `/` stand for themselves
                }
            }
            return w
        }
    }

    enum IntegerValue: Equatable {
        case value(Int64)
        /// Has a fractional part, like `2.5` or `1e-3`.
        case notInteger
        /// Integral, but outside the 64-bit range.
        case outOfRange
    }

    /// Number node `i` as a 64-bit integer. Integral values written with a fraction or exponent
    /// (`2.0`, `1e3`) are accepted, as `JSONDecoder` does; the conversion is exact, never via Double.
    func integer(_ i: Int) -> IntegerValue {
        let node = nodes[i]
        return bytes.withUnsafeBufferPointer { buffer in
            let text = UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)])
            let negative = text[0] == UInt8(ascii: "-")
            var k = negative ? 1 : 0
            // Plain integers of up to 18 digits cannot overflow.
            if node.flags != 0, text.count - k <= 18 {
                var v: Int64 = 0
                while k < text.count {
                    v = v &* 10 &+ Int64(text[k] &- UInt8(ascii: "0"))
                    k += 1
                }
                return .value(negative ? -v : v)
            }
            // Significant digits (leading zeros dropped) and the power of ten that scales them.
            var digits = [UInt8]()
            var scale = 0
            var seenDot = false
            while k < text.count, text[k] | 0x20 != UInt8(ascii: "e") {
                let b = text[k]
                k += 1
                if b == UInt8(ascii: ".") {
                    seenDot = true
                    continue
                }
                if seenDot { scale -= 1 }
                if digits.isEmpty, b == UInt8(ascii: "0") { continue }
                digits.append(b &- UInt8(ascii: "0"))
            }
            if k < text.count {
                k += 1
                var exponentNegative = false
                if text[k] == UInt8(ascii: "+") || text[k] == UInt8(ascii: "-") {
                    exponentNegative = text[k] == UInt8(ascii: "-")
                    k += 1
                }
                var exponent = 0
                while k < text.count {
                    exponent = min(exponent * 10 + Int(text[k] &- UInt8(ascii: "0")), 1_000_000)
                    k += 1
                }
                scale += exponentNegative ? -exponent : exponent
            }
            while let last = digits.last, last == 0 {
                digits.removeLast()
                scale += 1
            }
            if digits.isEmpty { return .value(0) }
            if scale < 0 { return .notInteger }
            if digits.count + scale > 19 { return .outOfRange }
            var magnitude: UInt64 = 0
            for d in digits + [UInt8](repeating: 0, count: scale) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
                if o1 || o2 { return .outOfRange }
                magnitude = sum
            }
            if negative {
                return magnitude <= UInt64(1) << 63 ? .value(Int64(bitPattern: 0 &- magnitude)) : .outOfRange
            }
            return magnitude <= UInt64(Int64.max) ? .value(Int64(magnitude)) : .outOfRange
        }
    }

    /// The number as written.
    func numberText(_ i: Int) -> String {
        let node = nodes[i]
        return String(decoding: bytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
    }

    /// Number node `i` as the nearest Double (infinite when beyond its range).
    func double(_ i: Int) -> Double { Double(numberText(i)) ?? .nan }

    /// Where value `i` sits, like `layers[2].digest`; empty for the top-level value.
    func path(to target: Int) -> String {
        var path = ""
        var i = root
        descend: while i != target {
            switch kind(i) {
            case .object:
                for key in keys(i) where target > key && target < next(key + 1) {
                    let name = string(key)
                    let plain = !name.isEmpty && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z")) || isDigit($0) }
                    path += plain ? (path.isEmpty ? name : ".\(name)") : "[\"\(name)\"]"
                    i = key + 1
                    continue descend
                }
            case .array:
                for (n, element) in elements(i).enumerated() where target >= element && target < next(element) {
                    path += "[\(n)]"
                    i = element
                    continue descend
                }
            default: break
            }
            break
        }
        return path
    }
}

// MARK: - A materialized tree

/// A JSON value as a plain tree; built from a `JSONDocument` when a whole value is wanted at once.
indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order, duplicates kept.
    case object([Member])

    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONValue
    }

    static func parse(_ bytes: [UInt8], maxDepth: Int = JSONShape.maxDepth) throws(JSONDocument.SyntaxError) -> JSONValue {
        let document = try JSONDocument.parse(bytes, maxDepth: maxDepth)
        return document.value(document.root)
    }

    /// The last member named `key` of an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }
}

extension JSONDocument {
    /// Value `i` as a tree (recursion is bounded by the parse depth limit).
    func value(_ i: Int) -> JSONValue {
        switch kind(i) {
        case .null: .null
        case .false: .bool(false)
        case .true: .bool(true)
        case .number: .number(numberText(i))
        case .string: .string(string(i))
        case .array: .array(elements(i).map { value($0) })
        case .object: .object(keys(i).map { JSONValue.Member(key: string($0), value: value($0 + 1)) })
        }
    }
}

// MARK: - Typed reading

extension JSONDocument {
    /// A value of another type than a reader needs, like `JSONDecoder`'s type mismatch.
    struct TypeError: Error, Sendable, Equatable {
        var node: Int
        var expected: String
        /// What was there instead, when more telling than the kind of value.
        var found: String?
    }

    /// `layers[1].size: expected a 64-bit integer, found 1e400 at byte offset 123`
    func describe(_ error: TypeError) -> String {
        let path = path(to: error.node)
        let found = error.found ?? kind(error.node).name
        return "\(path.isEmpty ? "top-level value" : path): expected \(error.expected), found \(found) at byte offset \(offset(error.node))"
    }

    /// Requires an object (null is not one).
    @inline(__always) func requireObject(_ i: Int) throws(TypeError) {
        guard kind(i) == .object else { throw TypeError(node: i, expected: "an object") }
    }

    /// False for null, true for an object, an error for anything else.
    @inline(__always) func isObject(orNull i: Int) throws(TypeError) -> Bool {
        switch kind(i) {
        case .object: return true
        case .null: return false
        default: throw TypeError(node: i, expected: "an object")
        }
    }

    /// False for null, true for an array, an error for anything else.
    @inline(__always) func isArray(orNull i: Int) throws(TypeError) -> Bool {
        switch kind(i) {
        case .array: return true
        case .null: return false
        default: throw TypeError(node: i, expected: "an array")
        }
    }

    @inline(__always) func requiredString(_ i: Int) throws(TypeError) -> String {
        guard kind(i) == .string else { throw TypeError(node: i, expected: "a string") }
        return string(i)
    }

    @inline(__always) func optionalString(_ i: Int) throws(TypeError) -> String? {
        switch kind(i) {
        case .string: return string(i)
        case .null: return nil
        default: throw TypeError(node: i, expected: "a string")
        }
    }

    func optionalBool(_ i: Int) throws(TypeError) -> Bool? {
        switch kind(i) {
        case .true: return true
        case .false: return false
        case .null: return nil
        default: throw TypeError(node: i, expected: "a boolean")
        }
    }

    func optionalInt64(_ i: Int) throws(TypeError) -> Int64? {
        switch kind(i) {
        case .null: return nil
        case .number:
            switch integer(i) {
            case .value(let v): return v
            case .notInteger: throw TypeError(node: i, expected: "an integer", found: shortNumberText(i))
            case .outOfRange: throw TypeError(node: i, expected: "a 64-bit integer", found: shortNumberText(i))
            }
        default: throw TypeError(node: i, expected: "an integer")
        }
    }

    func optionalInt(_ i: Int) throws(TypeError) -> Int? {
        guard let v = try optionalInt64(i) else { return nil }
        guard let int = Int(exactly: v) else { throw TypeError(node: i, expected: "an integer of the platform's size", found: shortNumberText(i)) }
        return int
    }

    /// An array of strings (no nulls), or nil for null.
    func optionalStrings(_ i: Int) throws(TypeError) -> [String]? {
        guard try isArray(orNull: i) else { return nil }
        var out = [String]()
        out.reserveCapacity(count(i))
        for element in elements(i) { out.append(try requiredString(element)) }
        return out
    }

    /// An object of string values (no nulls), or nil for null; a duplicate key's last value wins.
    func optionalStringMap(_ i: Int) throws(TypeError) -> [String: String]? {
        guard try isObject(orNull: i) else { return nil }
        var out = [String: String](minimumCapacity: count(i))
        for key in keys(i) { out[string(key)] = try requiredString(key + 1) }
        return out
    }

    private func shortNumberText(_ i: Int) -> String {
        let text = numberText(i)
        return text.utf8.count <= 40 ? text : "\(text.prefix(40))…"
    }
}
