extension YAMLV2 {
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

    /// Into a `time.Duration` field (nanoseconds): yaml.v2 parses a string with `time.ParseDuration` (`5s`,
    /// `1h30m`) and takes a number as nanoseconds (`dialtimeout: 5` is 5 ns); anything else fails the document.
    static func decodeDuration(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Int64 {
        if case .scalar(let s) = node {
            switch try resolve(s) {
            case .string(let text): if let ns = GoDuration.nanoseconds(text) { return ns }
            case .int(let i): return i
            case .uint(let u): if let v = Int64(exactly: u) { return v }
            case .float(let f): if f.isFinite, f > -9.2e18, f < 9.2e18 { return Int64(f.rounded(.towardZero)) }
            case .null: return 0
            default: break
            }
        }
        throw mismatch(node, into: "a duration such as 5s, 500ms or 1m30s", path: path)
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
