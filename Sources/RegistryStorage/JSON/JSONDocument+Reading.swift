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

    /// The bytes value `i` occupies in the input, quotes and brackets included.
    func byteRange(_ i: Int) -> Range<Int> {
        let node = nodes[i]
        let start = Int(node.start)
        switch node.kind {
        case .string: return start - 1..<Int(node.end) + 1
        case .number: return start..<Int(node.end)
        case .null, .true: return start..<start + 4
        case .false: return start..<start + 5
        case .array, .object:
            // The tape keeps no closing offset: the bracket is the first non-space byte after the last child.
            var last: Int?
            if node.kind == .array {
                for element in elements(i) { last = element }
            } else {
                for key in keys(i) { last = key + 1 }
            }
            var close = last.map { byteRange($0).upperBound } ?? start + 1
            while bytes[close] == 0x20 || bytes[close] == 0x0A || bytes[close] == 0x0D || bytes[close] == 0x09 { close += 1 }
            return start..<close + 1
        }
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
                for j in at + 2..<at + 6 { v = v << 4 | JSONDocument.hexValue(text[j])! }
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
                    let plain = !name.isEmpty && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z")) || JSONDocument.isDigit($0) }
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
