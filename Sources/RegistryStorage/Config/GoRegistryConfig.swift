/// Mirrors the fields of 2.8.2's `configuration.Configuration` that drydock reads, with Go's zero values.
struct GoRegistryConfig {
    /// `Storage` (`map[string]Parameters`); nil when absent.
    var storage: [String: [String: GoValue]]?
    var schema1 = Schema1()
    var validation = Validation()
    var policyClasses: [String] = []
    var catalogMaxEntries = 0
    var http = HTTP()
    var redis = Redis()

    struct Schema1 {
        var trustKey = ""
        var enabled = false
    }

    /// `HTTP` (the fields drydock reads).
    struct HTTP {
        var addr = ""
        var net = ""
        var host = ""
        var prefix = ""
        var tlsCertificate = ""
        var letsEncryptCacheFile = ""
    }

    /// `Redis`. Durations in nanoseconds, as Go's `time.Duration`.
    struct Redis {
        var addr = ""
        var password = ""
        var db = 0
        var dialTimeout: Int64 = 0
        var readTimeout: Int64 = 0
        var writeTimeout: Int64 = 0
        /// `redis.tls` was written; 2.8.2 has no such field and ignores it.
        var tlsWritten = false
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
            case "http": c.http = try decodeHTTP(value, path: path)
            case "redis": c.redis = try decodeRedis(value, path: path)
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

    static func decodeHTTP(_ node: YAMLNode, path: String) throws(ConfigurationError) -> HTTP {
        var http = HTTP()
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "addr": http.addr = try YAMLV2.decodeString(value, path: path)
            case "net": http.net = try YAMLV2.decodeString(value, path: path)
            case "host": http.host = try YAMLV2.decodeString(value, path: path)
            case "prefix": http.prefix = try YAMLV2.decodeString(value, path: path)
            case "tls": (http.tlsCertificate, http.letsEncryptCacheFile) = try decodeTLS(value, path: path)
            default: break
            }
        }
        return http
    }

    /// `http.tls`: the certificate, and Let's Encrypt's cache file (either one turns TLS on).
    static func decodeTLS(_ node: YAMLNode, path: String) throws(ConfigurationError) -> (String, String) {
        var certificate = ""
        var cacheFile = ""
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "certificate": certificate = try YAMLV2.decodeString(value, path: path)
            case "letsencrypt": cacheFile = try decodeLetsEncrypt(value, path: path)
            default: break
            }
        }
        return (certificate, cacheFile)
    }

    static func decodeLetsEncrypt(_ node: YAMLNode, path: String) throws(ConfigurationError) -> String {
        var cacheFile = ""
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            if name == "cachefile" { cacheFile = try YAMLV2.decodeString(value, path: path) }
        }
        return cacheFile
    }

    static func decodeRedis(_ node: YAMLNode, path: String) throws(ConfigurationError) -> Redis {
        var redis = Redis()
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "addr": redis.addr = try YAMLV2.decodeString(value, path: path)
            case "password": redis.password = try YAMLV2.decodeString(value, path: path)
            case "db": redis.db = try YAMLV2.decodeInt(value, path: path)
            case "dialtimeout": redis.dialTimeout = try YAMLV2.decodeDuration(value, path: path)
            case "readtimeout": redis.readTimeout = try YAMLV2.decodeDuration(value, path: path)
            case "writetimeout": redis.writeTimeout = try YAMLV2.decodeDuration(value, path: path)
            case "pool": try decodeRedisPool(value, path: path)
            case "tls": redis.tlsWritten = true
            default: break
            }
        }
        return redis
    }

    /// `redis.pool`: not used by drydock, but a value of the wrong type stops the registry at start, so it is checked.
    static func decodeRedisPool(_ node: YAMLNode, path: String) throws(ConfigurationError) {
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            switch name {
            case "maxidle", "maxactive": _ = try YAMLV2.decodeInt(value, path: path)
            case "idletimeout": _ = try YAMLV2.decodeDuration(value, path: path)
            default: break
            }
        }
    }
}
