/// Writes a `JSONValue` exactly as Go's `json.Marshal` / `json.MarshalIndent` would, so that
/// documents the registry rebuilt (seed-era reassembly, libtrust signing) come out byte-identical.
/// Object members are written in the order given: callers build struct-like objects in Go field
/// order and map-like objects with `JSONValue.goMap`, which sorts keys as Go does.
package enum GoJSONWriter {
    package static func marshal(_ value: JSONValue) -> [UInt8] {
        var out = [UInt8]()
        write(value, into: &out, prefix: nil, indent: [], depth: 0)
        return out
    }

    /// Go's `MarshalIndent(v, prefix, indent)`: the first line carries no prefix, empty arrays and
    /// objects stay `[]` / `{}`, and `": "` separates keys from values.
    package static func marshalIndent(_ value: JSONValue, prefix: String, indent: String) -> [UInt8] {
        var out = [UInt8]()
        write(value, into: &out, prefix: Array(prefix.utf8), indent: Array(indent.utf8), depth: 0)
        return out
    }

    private static func newline(_ out: inout [UInt8], _ prefix: [UInt8], _ indent: [UInt8], _ depth: Int) {
        out.append(0x0A)
        out.append(contentsOf: prefix)
        for _ in 0..<depth { out.append(contentsOf: indent) }
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8], prefix: [UInt8]?, indent ind: [UInt8], depth: Int) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let literal): out.append(contentsOf: Array(goFloat(literal).utf8))
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let prefix { newline(&out, prefix, ind, depth + 1) }
                write(item, into: &out, prefix: prefix, indent: ind, depth: depth + 1)
            }
            if let prefix, !items.isEmpty { newline(&out, prefix, ind, depth) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let prefix { newline(&out, prefix, ind, depth + 1) }
                writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if prefix != nil { out.append(0x20) }
                write(m.value, into: &out, prefix: prefix, indent: ind, depth: depth + 1)
            }
            if let prefix, !members.isEmpty { newline(&out, prefix, ind, depth) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Go escapes `<`, `>`, `&`, U+2028 and U+2029 besides the JSON-mandated characters, and uses
    /// `\u00XX` for control bytes other than `\n`, `\r`, `\t` (Go before 1.22, as registry 2.x was built).
    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x3C, 0x3E, 0x26:
                let v = Int(scalar.value)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[v >> 4])
                out.append(hex[v & 0xF])
            case 0x2028, 0x2029:
                out.append(contentsOf: Array("\\u202".utf8))
                out.append(hex[Int(scalar.value & 0xF)])
            default:
                out.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// How Go re-encodes a JSON number that went through `float64`: plain decimal between 1e-6 and
    /// 1e21, otherwise exponent form with Go's two-digit-minimum exponent trimmed (`1e-07` → `1e-7`).
    static func goFloat(_ literal: String) -> String {
        guard let d = Double(literal), d.isFinite else { return literal }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let text = "\(d)"
        let magnitude = abs(d)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            guard let e = text.firstIndex(of: "e") else { return text }
            var mantissa = String(text[..<e])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var exponent = String(text[text.index(after: e)...])
            let sign = exponent.first == "-" ? "-" : "+"
            if exponent.first == "-" || exponent.first == "+" { exponent.removeFirst() }
            while exponent.count > 1, exponent.first == "0" { exponent.removeFirst() }
            return mantissa + "e" + sign + exponent
        }
        return expandPlain(text)
    }

    /// Turns Swift's shortest-digits description (which may use an exponent) into plain decimal.
    private static func expandPlain(_ text: String) -> String {
        var body = text
        var negative = false
        if body.first == "-" { negative = true; body.removeFirst() }
        var exponent = 0
        if let e = body.firstIndex(of: "e") {
            exponent = Int(body[body.index(after: e)...]) ?? 0
            body = String(body[..<e])
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array(intPart + fracPart)
        var point = intPart.count + exponent
        while digits.count < point { digits.append("0") }
        if point <= 0 {
            digits = Array(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        var whole = String(digits[..<point])
        var frac = String(digits[point...])
        while frac.hasSuffix("0") { frac.removeLast() }
        while whole.count > 1, whole.first == "0" { whole.removeFirst() }
        return (negative ? "-" : "") + whole + (frac.isEmpty ? "" : "." + frac)
    }
}

extension JSONValue {
    /// An object with Go map semantics: one entry per key (the last), sorted by UTF-8 bytes.
    package static func goMap(_ entries: [(String, JSONValue)]) -> JSONValue {
        var latest = [String: JSONValue]()
        for (k, v) in entries { latest[k] = v }
        let keys = latest.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return .object(keys.map { Member(key: $0, value: latest[$0]!) })
    }

    /// A struct-like object: members kept in the order given.
    package static func goStruct(_ entries: [(String, JSONValue)]) -> JSONValue {
        .object(entries.map { Member(key: $0.0, value: $0.1) })
    }

    /// Re-encodes a decoded value the way Go would after decoding it into `interface{}`: objects
    /// become maps (sorted, duplicates collapsed), numbers become float64.
    var asGoInterface: JSONValue {
        switch self {
        case .array(let items): return .array(items.map(\.asGoInterface))
        case .object(let members): return .goMap(members.map { ($0.key, $0.value.asGoInterface) })
        default: return self
        }
    }
}
