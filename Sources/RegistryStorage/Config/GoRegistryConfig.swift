/// Mirrors the fields of 2.8.2's `configuration.Configuration` that drydock reads, with Go's zero values.
struct GoRegistryConfig {
    /// `Storage` (`map[string]Parameters`); nil when absent.
    var storage: [String: [String: GoValue]]?
    var schema1 = Schema1()
    var validation = Validation()
    var policyClasses: [String] = []
    var catalogMaxEntries = 0

    struct Schema1 {
        var trustKey = ""
        var enabled = false
    }

    struct Validation {
        var enabled = false
        var disabled = false
        var allow: [String] = []
        var deny: [String] = []
    }

    static func decode(_ root: YAMLNode?) throws(ConfigurationError) -> GoRegistryConfig {
        var c = GoRegistryConfig()
        guard let root else { return c }
        try YAMLV2.decodeStruct(root, path: "") { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "storage": c.storage = try YAMLV2.decodeStorage(value, path: path)
            case "compatibility": c.schema1 = try decodeCompatibility(value, path: path)
            case "validation": c.validation = try decodeValidation(value, path: path)
            case "policy": c.policyClasses = try decodePolicy(value, path: path)
            case "catalog": c.catalogMaxEntries = try decodeCatalog(value, path: path)
            default: break
            }
        }
        return c
    }

    static func decodeCompatibility(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Schema1 {
        var schema1 = Schema1()
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            if name == "schema1" { schema1 = try decodeSchema1(value, path: path) }
        }
        return schema1
    }

    static func decodeSchema1(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Schema1 {
        var schema1 = Schema1()
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "signingkeyfile": schema1.trustKey = try YAMLV2.decodeString(value, path: path)
            case "enabled": schema1.enabled = try YAMLV2.decodeBool(value, path: path)
            default: break
            }
        }
        return schema1
    }

    static func decodeValidation(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Validation {
        var v = Validation()
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "enabled": v.enabled = try YAMLV2.decodeBool(value, path: path)
            case "disabled": v.disabled = try YAMLV2.decodeBool(value, path: path)
            case "manifests": (v.allow, v.deny) = try decodeManifests(value, path: path)
            default: break
            }
        }
        return v
    }

    static func decodeManifests(_ node: YAMLNode, path: String) throws(ConfigurationError) -> ([String], [String]) {
        var lists: ([String], [String]) = ([], [])
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            if name == "urls" { lists = try decodeURLs(value, path: path) }
        }
        return lists
    }

    static func decodeURLs(_ node: YAMLNode, path: String) throws(ConfigurationError) -> ([String], [String]) {
        var allow: [String] = []
        var deny: [String] = []
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "allow": allow = try YAMLV2.decodeStringList(value, path: path)
            case "deny": deny = try YAMLV2.decodeStringList(value, path: path)
            default: break
            }
        }
        return (allow, deny)
    }

    static func decodePolicy(_ node: YAMLNode, path: String) throws(ConfigurationError) -> [String] {
        var classes: [String] = []
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            if name == "repository" { classes = try decodeRepositoryPolicy(value, path: path) }
        }
        return classes
    }

    static func decodeRepositoryPolicy(_ node: YAMLNode, path: String) throws(ConfigurationError) -> [String] {
        var classes: [String] = []
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            if name == "classes" { classes = try YAMLV2.decodeStringList(value, path: path) }
        }
        return classes
    }

    static func decodeCatalog(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Int {
        var maxEntries = 0
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            if name == "maxentries" { maxEntries = try YAMLV2.decodeInt(value, path: path) }
        }
        return maxEntries
    }
}
