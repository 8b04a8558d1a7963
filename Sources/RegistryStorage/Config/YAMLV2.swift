import Foundation

/// gopkg.in/yaml.v2's scalar rules (YAML 1.1 resolution, explicit tags, merge keys); decoding into Go types is in
/// `YAMLV2+Decode.swift`.
enum YAMLV2 {
    static let strTag = "tag:yaml.org,2002:str"
    static let boolTag = "tag:yaml.org,2002:bool"
    static let intTag = "tag:yaml.org,2002:int"
    static let floatTag = "tag:yaml.org,2002:float"
    static let timestampTag = "tag:yaml.org,2002:timestamp"
    static let binaryTag = "tag:yaml.org,2002:binary"
    static let mergeTag = "tag:yaml.org,2002:merge"
    static let nullTag = "tag:yaml.org,2002:null"

    /// The value yaml.v2 gives a scalar decoded into `interface{}`. Throws for explicit tags that do not fit
    /// (`!!bool maybe`), which make yaml.v2 fail the whole document.
    static func resolve(_ s: YAMLScalar) throws(ConfigurationError) -> GoValue {
        if let tag = s.explicitTag {
            switch tag {
            case strTag, "!":
                return .string(s.text)
            case binaryTag:
                let data = Data(base64Encoded: s.text, options: .ignoreUnknownCharacters) ?? Data()
                return .string(String(decoding: data, as: UTF8.self))
            case boolTag, intTag, floatTag, timestampTag:
                let value = resolvePlain(s.text)
                switch (tag, value) {
                case (boolTag, .bool), (intTag, .int), (intTag, .uint), (floatTag, .float):
                    return value
                case (floatTag, .int(let i)):
                    return .float(Double(i))
                case (floatTag, .uint(let u)):
                    return .float(Double(u))
                case (timestampTag, .string) where looksLikeTimestamp(s.text):
                    return .string(s.text)
                default:
                    throw .invalidYAML(reason: "line \(s.line): cannot decode \(value.kindName) `\(s.text)` as a \(shortTag(tag))")
                }
            default:
                // Tags yaml.v2 does not resolve (custom ones, !!null, !!map on a scalar...) keep the text.
                return .string(s.text)
            }
        }
        return s.plain ? resolvePlain(s.text) : .string(s.text)
    }

    private static func shortTag(_ tag: String) -> String {
        tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
    }

    /// yaml.v2's `resolve("", text)` for plain scalars (YAML 1.1: yes/no/on/off/y/n are booleans,
    /// 0x/0o/0b and leading-zero octal integers, underscores in numbers). Timestamps stay strings, as
    /// yaml.v2 leaves them when decoding into `interface{}`.
    static func resolvePlain(_ text: String) -> GoValue {
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
            return .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
            return .bool(false)
        case "", "~", "null", "Null", "NULL":
            return .null
        case ".nan", ".NaN", ".NAN":
            return .float(.nan)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
            return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF":
            return .float(-.infinity)
        default:
            break
        }
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "."):
            if isYAMLStyleFloat(text), let f = Double(text), f.isFinite { return .float(f) }
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let plain = text.replacingOccurrences(of: "_", with: "")
            if let i = goParseInt(plain) { return .int(i) }
            if let u = goParseUint(Substring(plain)) { return .uint(u) }
            if isYAMLStyleFloat(plain), let f = Double(plain), f.isFinite { return .float(f) }
        default:
            break
        }
        return .string(text)
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    static func isYAMLStyleFloat(_ text: String) -> Bool {
        var s = Array(text.utf8)[...]
        func digits() -> Int {
            var n = 0
            while let c = s.first, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { s = s.dropFirst(); n += 1 }
            return n
        }
        if let c = s.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { s = s.dropFirst() }
        if s.first == UInt8(ascii: ".") {
            s = s.dropFirst()
            if digits() == 0 { return false }
        } else {
            if digits() == 0 { return false }
            if s.first == UInt8(ascii: ".") { s = s.dropFirst(); _ = digits() }
        }
        if let c = s.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            s = s.dropFirst()
            if let c = s.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { s = s.dropFirst() }
            if digits() == 0 { return false }
        }
        return s.isEmpty
    }

    /// Go's `strconv.ParseInt(s, 0, 64)` (underscores already removed).
    static func goParseInt(_ s: String) -> Int64? {
        var body = Substring(s)
        var negative = false
        if let c = body.first, c == "+" || c == "-" {
            negative = c == "-"
            body = body.dropFirst()
        }
        guard let magnitude = goParseUint(body) else { return nil }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes and leading-zero octal; no sign.
    static func goParseUint(_ s: Substring) -> UInt64? {
        var digits = s
        var radix = 10
        let lower = s.lowercased()
        if lower.hasPrefix("0x") { radix = 16; digits = s.dropFirst(2) }
        else if lower.hasPrefix("0o") { radix = 8; digits = s.dropFirst(2) }
        else if lower.hasPrefix("0b") { radix = 2; digits = s.dropFirst(2) }
        else if s.hasPrefix("0") && s.count > 1 { radix = 8; digits = s.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.hexDigitValue.map { $0 < radix } == true }) else {
            return nil
        }
        return UInt64(digits, radix: radix)
    }

    /// yaml.v2's quick timestamp test: `YYYY-` followed by a date Go's time.Parse accepts (approximated).
    static func looksLikeTimestamp(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 8, b[0...3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), b[4] == UInt8(ascii: "-") else { return false }
        return true
    }

    /// yaml.v2's merge key test: a plain, untagged `<<` (or one tagged `!!merge`).
    static func isMergeKey(_ node: YAMLNode) -> Bool {
        guard case .scalar(let s) = node, s.text == "<<" else { return false }
        return (s.plain && s.explicitTag == nil) || s.explicitTag == mergeTag
    }

    /// Calls `body` for every key/value pair of a mapping in document order, expanding `<<` merge keys the
    /// way yaml.v2 does (a merged map is decoded into the target at the point where `<<` appears; of a
    /// sequence of maps, earlier ones win).
    static func forEachPair(
        _ pairs: [YAMLPair], path: String,
        _ body: (YAMLNode, YAMLNode) throws(ConfigurationError) -> Void
    ) throws(ConfigurationError) {
        for pair in pairs {
            guard isMergeKey(pair.key) else {
                try body(pair.key, pair.value)
                continue
            }
            switch pair.value {
            case .mapping(let merged, _):
                try forEachPair(merged, path: path, body)
            case .sequence(let items, let line):
                for item in items.reversed() {
                    guard case .mapping(let merged, _) = item else {
                        throw .invalidValue(key: path, reason: "line \(line): map merge requires a map or a sequence of maps as the value")
                    }
                    try forEachPair(merged, path: path, body)
                }
            default:
                throw .invalidValue(key: path, reason: "line \(pair.value.line): map merge requires a map or a sequence of maps as the value")
            }
        }
    }
}
