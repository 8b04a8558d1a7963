// `REGISTRY_HTTP_*` and `REGISTRY_REDIS_*`, walked the way 2.8.2's parser.go `overwriteStruct` walks the `HTTP`
// and `Redis` structs: a field named by the whole rest of the variable is replaced by the value decoded as YAML;
// a path going deeper into a string, number or duration changes nothing; a name that is no field of the struct
// is ignored with parser.go's warning.

extension EnvironmentOverrides.Override {
    /// `HTTP` fields that exist in 2.8.2 but that drydock does not read: accepted silently, at any depth.
    static let unreadHTTPFields: Set<String> = ["SECRET", "RELATIVEURLS", "DRAINTIMEOUT", "HEADERS", "DEBUG", "HTTP2"]
    static let unreadTLSFields: Set<String> = ["KEY", "CLIENTCAS", "MINIMUMTLS", "CIPHERSUITES"]
    static let unreadLetsEncryptFields: Set<String> = ["EMAIL", "HOSTS"]

    /// The variable's value decoded with `decode`, or `zero` when it is empty (yaml.Unmarshal of "" leaves Go's
    /// zero value).
    func decoded<T>(_ zero: T, _ decode: (YAMLNode, String) throws(ConfigurationError) -> T) throws(ConfigurationError) -> T {
        guard let node = try document() else { return zero }
        return try decode(node, name)
    }

    mutating func overwriteHTTP(_ http: inout GoRegistryConfig.HTTP, _ path: ArraySlice<String>) throws(ConfigurationError) {
        guard let field = path.first else {
            http = try decoded(.init(), GoRegistryConfig.decodeHTTP)
            return
        }
        let leaf = path.count == 1
        switch field {
        case "ADDR": if leaf { http.addr = try decoded("", YAMLV2.decodeString) }
        case "NET": if leaf { http.net = try decoded("", YAMLV2.decodeString) }
        case "HOST": if leaf { http.host = try decoded("", YAMLV2.decodeString) }
        case "PREFIX": if leaf { http.prefix = try decoded("", YAMLV2.decodeString) }
        case "TLS": try overwriteTLS(&http, path.dropFirst())
        default: if !Self.unreadHTTPFields.contains(field) { unrecognized() }
        }
    }

    private mutating func overwriteTLS(_ http: inout GoRegistryConfig.HTTP, _ path: ArraySlice<String>) throws(ConfigurationError) {
        guard let field = path.first else {
            (http.tlsCertificate, http.letsEncryptCacheFile) = try decoded(("", ""), GoRegistryConfig.decodeTLS)
            return
        }
        let leaf = path.count == 1
        switch field {
        case "CERTIFICATE": if leaf { http.tlsCertificate = try decoded("", YAMLV2.decodeString) }
        case "LETSENCRYPT":
            let rest = path.dropFirst()
            guard let inner = rest.first else {
                http.letsEncryptCacheFile = try decoded("", GoRegistryConfig.decodeLetsEncrypt)
                return
            }
            if inner == "CACHEFILE" {
                if rest.count == 1 { http.letsEncryptCacheFile = try decoded("", YAMLV2.decodeString) }
            } else if !Self.unreadLetsEncryptFields.contains(inner) {
                unrecognized()
            }
        default: if !Self.unreadTLSFields.contains(field) { unrecognized() }
        }
    }

    mutating func overwriteRedis(_ redis: inout GoRegistryConfig.Redis, _ path: ArraySlice<String>) throws(ConfigurationError) {
        guard let field = path.first else {
            redis = try decoded(.init(), GoRegistryConfig.decodeRedis)
            return
        }
        let leaf = path.count == 1
        switch field {
        case "ADDR": if leaf { redis.addr = try decoded("", YAMLV2.decodeString) }
        case "PASSWORD": if leaf { redis.password = try decoded("", YAMLV2.decodeString) }
        case "DB": if leaf { redis.db = try decoded(0, YAMLV2.decodeInt) }
        case "DIALTIMEOUT": if leaf { redis.dialTimeout = try decoded(0, YAMLV2.decodeDuration) }
        case "READTIMEOUT": if leaf { redis.readTimeout = try decoded(0, YAMLV2.decodeDuration) }
        case "WRITETIMEOUT": if leaf { redis.writeTimeout = try decoded(0, YAMLV2.decodeDuration) }
        case "POOL":
            // Not read by drydock; values of the wrong type still stop the registry, so they are checked.
            let rest = path.dropFirst()
            guard let inner = rest.first else {
                try decoded((), GoRegistryConfig.decodeRedisPool)
                return
            }
            switch inner {
            case "MAXIDLE", "MAXACTIVE": if rest.count == 1 { _ = try decoded(0, YAMLV2.decodeInt) }
            case "IDLETIMEOUT": if rest.count == 1 { _ = try decoded(0, YAMLV2.decodeDuration) }
            default: unrecognized()
            }
        default: unrecognized()
        }
    }
}
