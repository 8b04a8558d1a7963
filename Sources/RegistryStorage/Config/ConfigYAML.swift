import Foundation
import Yams

// Reading registry configuration YAML the way docker/distribution 2.8.2 does (gopkg.in/yaml.v2, YAML 1.1
// scalars), and modelling the Go values it produces so that environment overrides (configuration/parser.go)
// can be replayed faithfully.

// MARK: - Parsed document

/// A YAML node reduced to what yaml.v2's decoder looks at. Aliases are already expanded (Yams does that
/// while composing); the conversion from Yams' tree is bounded in size and depth.
indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], line: Int)
    case mapping([YAMLPair], line: Int)

    var line: Int {
        switch self {
        case .scalar(let s): s.line
        case .sequence(_, let line), .mapping(_, let line): line
        }
    }

    /// yaml.v2's short name for the node's kind, used in messages (`!!str`, `!!bool`, `!!map`, ...).
    var kindName: String {
        switch self {
        case .scalar(let s): (try? YAMLV2.resolve(s))?.kindName ?? "!!str"
        case .sequence: "!!seq"
        case .mapping: "!!map"
        }
    }
}

struct YAMLPair: Sendable {
    var key: YAMLNode
    var value: YAMLNode
}

struct YAMLScalar: Sendable {
    var text: String
    /// Plain style: not quoted, not a literal (`|`) or folded (`>`) block. Only plain scalars are resolved
    /// to booleans, numbers and null; every other style is a string.
    var plain: Bool
    /// The tag written in the document (`tag:yaml.org,2002:bool` for `!!bool`, `!foo`), or nil.
    var explicitTag: String?
    var line: Int
}

// MARK: - Go values

/// A value as yaml.v2 stores it in an `interface{}` (and as parser.go's environment overrides build them).
indirect enum GoValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case float(Double)
    case string(String)
    case sequence([GoValue])
    /// `map[interface{}]interface{}`: what yaml.v2 makes of a YAML mapping decoded into `interface{}`.
    /// parser.go cannot override anything inside such a map ("non-string keys").
    case anyKeyMap([GoMapEntry])
    /// `map[string]interface{}`: created by parser.go when an override needs a map that does not exist.
    /// `createdBy` is the variable that created it.
    case stringKeyMap([String: GoValue], createdBy: String)

    var kindName: String {
        switch self {
        case .null: "!!null"
        case .bool: "!!bool"
        case .int, .uint: "!!int"
        case .float: "!!float"
        case .string: "!!str"
        case .sequence: "!!seq"
        case .anyKeyMap, .stringKeyMap: "!!map"
        }
    }

    /// Looks a string key up the way Go's `m["key"]` does on either map type.
    subscript(key: String) -> GoValue? {
        switch self {
        case .anyKeyMap(let entries): entries.last(where: { $0.key == .string(key) })?.value
        case .stringKeyMap(let map, _): map[key]
        default: nil
        }
    }

    /// `fmt.Sprint(v)` for scalars; nil for collections.
    var goSprint: String? {
        switch self {
        case .null: "<nil>"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .float(let f): GoFormat.float(f)
        case .string(let s): s
        case .sequence, .anyKeyMap, .stringKeyMap: nil
        }
    }

    /// A short rendering for messages.
    var brief: String {
        switch self {
        case .string(let s): "\"\(s.count > 60 ? String(s.prefix(60)) + "…" : s)\""
        case .sequence: "a sequence"
        case .anyKeyMap, .stringKeyMap: "a mapping"
        default: goSprint ?? "?"
        }
    }
}

struct GoMapEntry: Sendable, Equatable {
    var key: GoValue
    var value: GoValue
}

// MARK: - YAML text → YAMLNode

enum YAMLText {
    /// Largest configuration document (file or environment value) that is parsed at all.
    static let maxBytes = 1 << 20
    /// Nodes after alias expansion; a real configuration has a few hundred.
    static let maxNodes = 100_000
    /// Nesting of the reduced tree (libyaml itself stops at 1000).
    static let maxDepth = 64
    /// Yams composes recursively (about 2–10 KiB of stack per nesting level, up to libyaml's 1000 levels),
    /// so parsing runs on a thread of its own with a known, generous stack.
    static let parserStackSize = 64 << 20
    static let parserTimeoutSeconds = 60

    private static let implicitTagMarker = "tag:drydock.invalid,2024:implicit"
    /// A resolver that tags every untagged scalar with a marker, so explicit tags can be told apart.
    private static let markingResolver: Resolver = {
        if let marked = try? Resolver.basic.appending(Yams.Tag.Name(rawValue: implicitTagMarker), "^") { return marked }
        return Resolver.basic
    }()

    /// Parses the first YAML document of `text` (later documents are ignored, as yaml.v2 does).
    /// Returns nil for an empty document.
    static func parseFirstDocument(_ text: String) throws(ConfigurationError) -> YAMLNode? {
        guard text.utf8.count <= maxBytes else {
            throw .invalidYAML(reason: "the document is larger than \(maxBytes) bytes")
        }
        if aliasKeyRisk(text) {
            throw .invalidYAML(reason: "aliases (*name) combined with complex mapping keys (`? `, `[...]:`, `*alias:`) are not supported")
        }
        let outcome = ParseOutcome()
        let thread = Thread {
            outcome.result = Result { () throws(ConfigurationError) -> YAMLNode? in try parseOnThisThread(text) }
            outcome.done.signal()
        }
        thread.stackSize = parserStackSize
        thread.start()
        // Parsing is linear in the (bounded) input; the timeout only guards against a thread that never ran.
        guard outcome.done.wait(timeout: .now() + .seconds(parserTimeoutSeconds)) == .success else {
            throw .invalidYAML(reason: "the YAML parser did not finish within \(parserTimeoutSeconds) seconds")
        }
        return try outcome.result.get()
    }

    private final class ParseOutcome: @unchecked Sendable {
        // Written by the parser thread before `done.signal()`, read after `done.wait()`.
        var result: Result<YAMLNode?, ConfigurationError> = .success(nil)
        let done = DispatchSemaphore(value: 0)
    }

    private static func parseOnThisThread(_ text: String) throws(ConfigurationError) -> YAMLNode? {
        // Every Yams node is created and released on this thread (its deinit recurses too).
        do {
            let parser = try Yams.Parser(yaml: text, resolver: markingResolver, constructor: .default, encoding: .utf8)
            guard let root = try parser.nextRoot() else { return nil }
            var budget = maxNodes
            return try reduce(root, depth: 0, budget: &budget)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw .invalidYAML(reason: describe(error))
        } catch {
            throw .invalidYAML(reason: String(describing: error))
        }
    }

    private static func reduce(_ node: Node, depth: Int, budget: inout Int) throws(ConfigurationError) -> YAMLNode {
        budget -= 1
        if budget < 0 {
            throw .invalidYAML(reason: "the document has more than \(maxNodes) nodes once aliases are expanded")
        }
        if depth > maxDepth {
            throw .invalidYAML(reason: "the document is nested more than \(maxDepth) levels deep")
        }
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            let tag = scalar.tag.description
            let explicit: String? = (tag.isEmpty || tag == implicitTagMarker) ? nil : tag
            return .scalar(YAMLScalar(text: scalar.string, plain: scalar.style == .plain || scalar.style == .any,
                                      explicitTag: explicit, line: line))
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                items.append(try reduce(item, depth: depth + 1, budget: &budget))
            }
            return .sequence(items, line: line)
        case .mapping(let mapping):
            var pairs: [YAMLPair] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                let k = try reduce(key, depth: depth + 1, budget: &budget)
                let v = try reduce(value, depth: depth + 1, budget: &budget)
                pairs.append(YAMLPair(key: k, value: v))
            }
            return .mapping(pairs, line: line)
        case .alias:
            throw .invalidYAML(reason: "unresolved alias at line \(line)")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        func located(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> String {
            var text = "line \(mark.line), column \(mark.column): \(problem)"
            if let context, !context.text.isEmpty {
                text += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return text
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return located(problem, context, mark)
        case let .reader(problem, offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        case let .duplicatedKeysInMapping(duplicates, context):
            return "duplicate mapping key(s) \(duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", "))"
                + " at line \(context.mark.line)"
        default:
            return error.description
        }
    }

    /// Yams hashes every mapping key while composing, and hashing an alias-expanded key costs its expanded
    /// size, so a few dozen aliases used as (or inside) mapping keys can stall the parser for hours.
    /// Registry configurations never need either, so documents that have both are refused up front.
    /// The scan over-approximates (it may also fire on quoted text) and never under-approximates.
    static func aliasKeyRisk(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func isFlowIndicator(_ c: UInt8) -> Bool {
            c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
                || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
        }
        func isAnchorChar(_ c: UInt8) -> Bool { !isBlank(c) && !isFlowIndicator(c) }
        func colonFollows(_ start: Int) -> Bool {
            var j = start
            while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
            return j < b.count && b[j] == UInt8(ascii: ":")
        }
        var hasAlias = false
        var hasComplexKey = false
        for i in b.indices {
            let c = b[i]
            let atTokenStart = i == 0 || isBlank(b[i - 1]) || b[i - 1] == UInt8(ascii: "[")
                || b[i - 1] == UInt8(ascii: "{") || b[i - 1] == UInt8(ascii: ",")
            switch c {
            case UInt8(ascii: "*") where atTokenStart && i + 1 < b.count && isAnchorChar(b[i + 1]):
                hasAlias = true
                var j = i + 1
                while j < b.count, isAnchorChar(b[j]), b[j] != UInt8(ascii: ":") { j += 1 }
                if colonFollows(j) { hasComplexKey = true }
            case UInt8(ascii: "?") where atTokenStart && (i + 1 == b.count || isBlank(b[i + 1])):
                hasComplexKey = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if colonFollows(i + 1) { hasComplexKey = true }
            default:
                break
            }
            if hasAlias && hasComplexKey { return true }
        }
        return false
    }
}

// MARK: - yaml.v2 semantics

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

    // MARK: Decoding into Go types (errors mirror yaml.v2's "cannot unmarshal" type errors)

    private static func mismatch(_ node: YAMLNode, into type: String, path: String) -> ConfigurationError {
        var found = node.kindName
        if case .scalar(let s) = node { found += " `\(s.text.count > 60 ? String(s.text.prefix(60)) + "…" : s.text)`" }
        return .invalidValue(key: path, reason: "line \(node.line): expected \(type), found \(found)")
    }

    /// Into `interface{}`.
    static func decodeAny(_ node: YAMLNode, path: String) throws(ConfigurationError) -> GoValue {
        switch node {
        case .scalar(let s):
            return try resolve(s)
        case .sequence(let items, _):
            var values: [GoValue] = []
            for (index, item) in items.enumerated() {
                values.append(try decodeAny(item, path: "\(path)[\(index)]"))
            }
            return .sequence(values)
        case .mapping(let pairs, _):
            var entries: [GoMapEntry] = []
            try forEachPair(pairs, path: path) { (k: YAMLNode, v: YAMLNode) throws(ConfigurationError) in
                let key = try decodeAny(k, path: path)
                switch key {
                case .sequence, .anyKeyMap, .stringKeyMap:
                    throw .invalidValue(key: path, reason: "line \(k.line): invalid map key (a \(k.kindName) cannot be a key)")
                default:
                    break
                }
                let keyName = key.goSprint ?? "?"
                let value = try decodeAny(v, path: path.isEmpty ? keyName : "\(path).\(keyName)")
                if let i = entries.firstIndex(where: { $0.key == key }) {
                    entries[i].value = value
                } else {
                    entries.append(GoMapEntry(key: key, value: value))
                }
            }
            return .anyKeyMap(entries)
        }
    }

    /// Into a Go `string` field or map key: any scalar gives its text (null gives "").
    static func decodeString(_ node: YAMLNode, path: String) throws(ConfigurationError) -> String {
        guard case .scalar(let s) = node else { throw mismatch(node, into: "a string", path: path) }
        if case .null = try resolve(s) { return "" }
        if s.explicitTag == binaryTag, case .string(let decoded) = try resolve(s) { return decoded }
        return s.text
    }

    static func decodeBool(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Bool {
        if case .scalar(let s) = node {
            switch try resolve(s) {
            case .bool(let b): return b
            case .null: return false
            default: break
            }
        }
        throw mismatch(node, into: "a boolean (true/false, yes/no, on/off)", path: path)
    }

    static func decodeInt(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Int {
        if case .scalar(let s) = node {
            switch try resolve(s) {
            case .int(let i): if let v = Int(exactly: i) { return v }
            case .uint(let u): if let v = Int(exactly: u) { return v }
            case .float(let f):
                // yaml.v2 truncates floats into int fields.
                if f.isFinite, f > -9.3e18, f < 9.3e18, let v = Int(exactly: f.rounded(.towardZero)) { return v }
            case .null: return 0
            default: break
            }
        }
        throw mismatch(node, into: "an integer", path: path)
    }

    /// Into `[]string`.
    static func decodeStringList(_ node: YAMLNode, path: String) throws(ConfigurationError) -> [String] {
        switch node {
        case .sequence(let items, _):
            var result: [String] = []
            for (index, item) in items.enumerated() {
                result.append(try decodeString(item, path: "\(path)[\(index)]"))
            }
            return result
        case .scalar(let s):
            if case .null = try resolve(s) { return [] }
        case .mapping:
            break
        }
        throw mismatch(node, into: "a list of strings", path: path)
    }

    /// Into a Go struct: `fields` maps YAML key names (exact, case-sensitive) to decoders; other keys are
    /// ignored. Null leaves the struct at its zero value (the caller resets it first).
    static func decodeStruct(
        _ node: YAMLNode, path: String,
        _ field: (String, YAMLNode, String) throws(ConfigurationError) -> Void
    ) throws(ConfigurationError) {
        switch node {
        case .mapping(let pairs, _):
            try forEachPair(pairs, path: path) { (k: YAMLNode, v: YAMLNode) throws(ConfigurationError) in
                let name = try decodeString(k, path: path)
                try field(name, v, path.isEmpty ? name : "\(path).\(name)")
            }
        case .scalar(let s):
            if case .null = try resolve(s) { return }
            throw mismatch(node, into: "a mapping", path: path)
        case .sequence:
            throw mismatch(node, into: "a mapping", path: path)
        }
    }

    /// Into `configuration.Parameters` (`map[string]interface{}`): null gives an empty map.
    static func decodeParameters(_ node: YAMLNode, path: String) throws(ConfigurationError) -> [String: GoValue] {
        switch node {
        case .mapping(let pairs, _):
            var params: [String: GoValue] = [:]
            try forEachPair(pairs, path: path) { (k: YAMLNode, v: YAMLNode) throws(ConfigurationError) in
                let name = try decodeString(k, path: path)
                params[name] = try decodeAny(v, path: "\(path).\(name)")
            }
            return params
        case .scalar(let s):
            if case .null = try resolve(s) { return [:] }
        case .sequence:
            break
        }
        throw mismatch(node, into: "a mapping of parameters", path: path)
    }

    /// Storage driver keys that are not drivers (configuration.go `Storage.Type`).
    static let nonDriverStorageKeys: Set<String> = ["maintenance", "cache", "delete", "redirect"]

    /// `configuration.Storage.UnmarshalYAML`: a map of parameter maps with at most one driver key, or a
    /// bare driver name. Returns nil for null (no storage).
    static func decodeStorage(_ node: YAMLNode, path: String) throws(ConfigurationError) -> [String: [String: GoValue]]? {
        switch node {
        case .mapping(let pairs, _):
            var storage: [String: [String: GoValue]] = [:]
            try forEachPair(pairs, path: path) { (k: YAMLNode, v: YAMLNode) throws(ConfigurationError) in
                let name = try decodeString(k, path: path)
                storage[name] = try decodeParameters(v, path: "\(path).\(name)")
            }
            let drivers = storage.keys.filter { !nonDriverStorageKeys.contains($0) }
            if drivers.count > 1 { throw .multipleStorageDrivers(drivers.sorted()) }
            return storage
        case .scalar(let s):
            let value = try resolve(s)
            if case .null = value { return nil }
            return [s.text: [:]]
        case .sequence:
            throw mismatch(node, into: "a mapping with one storage driver, or a driver name", path: path)
        }
    }
}

// MARK: - fmt formatting

enum GoFormat {
    /// `fmt.Sprint(float64)`: the shortest round-trip digits in 'g' form, with the exponent form when the
    /// decimal exponent is below -4 or at least 6 (checked against the registry: 1e+06, 100000, 1.5,
    /// 0.0001, 1e-05, 1.23456789e+08, -0, +Inf).
    static func float(_ f: Double) -> String {
        if f.isNaN { return "NaN" }
        if f.isInfinite { return f > 0 ? "+Inf" : "-Inf" }
        let negative = f.sign == .minus
        let (digits, pointPosition) = shortestDigits(abs(f))
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        let exp = pointPosition - 1
        if exp < -4 || exp >= 6 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exp)
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// Shortest round-trip decimal digits (no leading or trailing zeros) and the decimal point position:
    /// value = 0.d1d2d3... × 10^pointPosition. Empty digits for zero.
    static func shortestDigits(_ f: Double) -> (String, Int) {
        let text = "\(f)" // Swift prints the shortest round-trip form, e.g. "1000.0", "1e-05", "1.5e+20".
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var intPart = mantissa
        var fracPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = mantissa[..<dot]
            fracPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(intPart) + fracPart
        var point = intPart.count + exponent
        while digits.hasPrefix("0") { digits.removeFirst(); point -= 1 }
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { return ("", 0) }
        return (digits, point)
    }
}
