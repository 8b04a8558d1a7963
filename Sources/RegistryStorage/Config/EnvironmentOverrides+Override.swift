extension EnvironmentOverrides {
    /// One `REGISTRY_*` variable being applied: parser.go's `overwriteFields` walk, field by field.
    struct Override {
        let name: String
        let payload: String
        var warnings: [String] = []

        init(name: String, payload: String) {
            self.name = name
            self.payload = payload
        }

        /// The value parsed as a YAML document (nil when empty, which leaves Go's zero value).
        func document() throws(ConfigurationError) -> YAMLNode? {
            try YAMLText.parseFirstDocument(payload)
        }

        mutating func unrecognized() {
            warnings.append("Ignoring unrecognized environment variable \(SafeText.escaping(name))")
        }

        mutating func apply(_ path: ArraySlice<String>, to config: inout GoRegistryConfig) throws(ConfigurationError) {
            guard let head = path.first else { return }
            let rest = path.dropFirst()
            switch head {
            case "VERSION":
                // Already checked before overrides; parser.go still insists on an X.Y value.
                if rest.isEmpty {
                    let text = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeString(node, path: name) } ?? ""
                    let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2, UInt(parts[0]) != nil, UInt(parts[1]) != nil else {
                        throw .invalidValue(key: name, reason: "\"\(text)\" is not a version of the form X.Y")
                    }
                }
            case "STORAGE":
                if rest.isEmpty {
                    config.storage = try document().flatMap { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeStorage(node, path: name) }
                } else {
                    var storage = config.storage ?? [:]
                    try overwriteStorage(&storage, rest)
                    config.storage = storage
                }
            case "COMPATIBILITY":
                guard let field = rest.first else {
                    config.schema1 = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodeCompatibility(node, path: name) } ?? .init()
                    return
                }
                guard field == "SCHEMA1" else { return unrecognized() }
                try overwriteSchema1(&config.schema1, rest.dropFirst())
            case "VALIDATION":
                try overwriteValidation(&config.validation, rest)
            case "POLICY":
                guard let field = rest.first else {
                    config.policyClasses = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodePolicy(node, path: name) } ?? []
                    return
                }
                guard field == "REPOSITORY" else { return unrecognized() }
                let inner = rest.dropFirst()
                guard let leaf = inner.first else {
                    config.policyClasses = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodeRepositoryPolicy(node, path: name) } ?? []
                    return
                }
                guard leaf == "CLASSES" else { return unrecognized() }
                try overwriteList(&config.policyClasses, inner.dropFirst())
            case "CATALOG":
                guard let field = rest.first else {
                    config.catalogMaxEntries = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodeCatalog(node, path: name) } ?? 0
                    return
                }
                guard field == "MAXENTRIES" else { return unrecognized() }
                if rest.count == 1 {
                    config.catalogMaxEntries = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeInt(node, path: name) } ?? 0
                }
            case "HTTP":
                try overwriteHTTP(&config.http, rest)
            case "REDIS":
                try overwriteRedis(&config.redis, rest)
            default:
                if !EnvironmentOverrides.unreadTopLevelFields.contains(head) { unrecognized() }
            }
        }

        private mutating func overwriteSchema1(_ schema1: inout GoRegistryConfig.Schema1, _ path: ArraySlice<String>) throws(ConfigurationError) {
            guard let field = path.first else {
                schema1 = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodeSchema1(node, path: name) } ?? .init()
                return
            }
            // Deeper paths into a string or bool field change nothing (parser.go has no case for them).
            switch field {
            case "TRUSTKEY":
                if path.count == 1 {
                    schema1.trustKey = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeString(node, path: name) } ?? ""
                }
            case "ENABLED":
                if path.count == 1 {
                    schema1.enabled = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeBool(node, path: name) } ?? false
                }
            default:
                unrecognized()
            }
        }

        private mutating func overwriteValidation(_ v: inout GoRegistryConfig.Validation, _ path: ArraySlice<String>) throws(ConfigurationError) {
            guard let field = path.first else {
                v = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodeValidation(node, path: name) } ?? .init()
                return
            }
            let rest = path.dropFirst()
            switch field {
            case "ENABLED":
                if rest.isEmpty { v.enabled = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeBool(node, path: name) } ?? false }
            case "DISABLED":
                if rest.isEmpty { v.disabled = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeBool(node, path: name) } ?? false }
            case "MANIFESTS":
                guard let inner = rest.first else {
                    (v.allow, v.deny) = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodeManifests(node, path: name) } ?? ([], [])
                    return
                }
                guard inner == "URLS" else { return unrecognized() }
                let urlPath = rest.dropFirst()
                guard let list = urlPath.first else {
                    (v.allow, v.deny) = try document().map { (node: YAMLNode) throws(ConfigurationError) in try GoRegistryConfig.decodeURLs(node, path: name) } ?? ([], [])
                    return
                }
                switch list {
                case "ALLOW": try overwriteList(&v.allow, urlPath.dropFirst())
                case "DENY": try overwriteList(&v.deny, urlPath.dropFirst())
                default: unrecognized()
                }
            default:
                unrecognized()
            }
        }

        /// A `[]string` field: replaced whole; 2.8.2 cannot address elements (`..._ALLOW_0`).
        private mutating func overwriteList(_ list: inout [String], _ path: ArraySlice<String>) throws(ConfigurationError) {
            if path.isEmpty {
                list = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeStringList(node, path: name) } ?? []
            } else {
                warnings.append("Ignoring environment variable \(SafeText.escaping(name)): registry 2.8.2 cannot override single list elements; set the whole list, e.g. '[\"a\", \"b\"]'")
            }
        }

        /// `overwriteMap` on `Storage` (`map[string]Parameters`).
        private mutating func overwriteStorage(_ storage: inout [String: [String: GoValue]], _ path: ArraySlice<String>) throws(ConfigurationError) {
            guard let head = path.first else { return }
            let rest = path.dropFirst()
            if !rest.isEmpty, let key = storage.keys.sorted().first(where: { EnvironmentOverrides.goUpper($0) == head }) {
                var params = storage[key] ?? [:]
                try overwriteStringMap(&params, rest)
                storage[key] = params
                return
            }
            var params: [String: GoValue] = [:]
            if rest.isEmpty {
                params = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeParameters(node, path: name) } ?? [:]
            } else {
                try overwriteStringMap(&params, rest)
            }
            storage[EnvironmentOverrides.goLower(head)] = params
        }

        /// `overwriteMap` on a `map[string]interface{}` (driver parameters, `delete`, `maintenance`...).
        private mutating func overwriteStringMap(_ map: inout [String: GoValue], _ path: ArraySlice<String>) throws(ConfigurationError) {
            guard let head = path.first else { return }
            let rest = path.dropFirst()
            if !rest.isEmpty, let key = map.keys.sorted().first(where: { EnvironmentOverrides.goUpper($0) == head }),
               let existing = map[key], existing != .null {
                var value = existing
                try overwriteInterface(&value, rest)
                map[key] = value
                return
            }
            let value: GoValue
            if rest.isEmpty {
                value = try document().map { (node: YAMLNode) throws(ConfigurationError) in try YAMLV2.decodeAny(node, path: name) } ?? .null
            } else {
                var created: [String: GoValue] = [:]
                try overwriteStringMap(&created, rest)
                value = .stringKeyMap(created, createdBy: name)
            }
            map[EnvironmentOverrides.goLower(head)] = value
        }

        /// `overwriteFields` on a non-nil `interface{}` found in a map.
        private mutating func overwriteInterface(_ value: inout GoValue, _ path: ArraySlice<String>) throws(ConfigurationError) {
            switch value {
            case .anyKeyMap:
                warnings.append("Ignoring environment variable \(SafeText.escaping(name)) involving map with non-string keys: registry 2.8.2 "
                                + "cannot override values inside a mapping written in the YAML file (such as under "
                                + "storage.maintenance); edit the file or replace the whole mapping")
            case .stringKeyMap(var map, let createdBy):
                try overwriteStringMap(&map, path)
                value = .stringKeyMap(map, createdBy: createdBy)
            default:
                // Scalars and lists: parser.go has no case for them; nothing happens.
                break
            }
        }
    }
}
