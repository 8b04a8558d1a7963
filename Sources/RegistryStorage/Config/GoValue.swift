// The Go values yaml.v2 produces, modelled so that environment overrides (configuration/parser.go) can be
// replayed faithfully.

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
        // Escaped here as well as where errors are printed: warnings quote it too.
        case .string(let s): "\"\(s.count > 60 ? SafeText.escapedPrefix(s, maxLength: 60) + "…" : SafeText.escaping(s))\""
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
