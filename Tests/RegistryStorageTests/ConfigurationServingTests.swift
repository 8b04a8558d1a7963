import Testing
@testable import RegistryStorage

/// `http.*`, `storage.cache.blobdescriptor` and `redis.*` as registry 2.8.2 reads them (configuration.go,
/// handlers/app.go `NewApp` and `configureRedis`, registry.go `ListenAndServe`), with their `REGISTRY_*` overrides.
@Suite struct ConfigurationServingTests {
    typealias Config = RegistryConfiguration

    static func yaml(_ extra: String, storage: String = "") -> String {
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /srv/registry\n" + storage + extra
    }

    func parse(_ text: String, _ env: [String: String] = [:]) throws(ConfigurationError) -> Config {
        try Config.parse(yaml: text, environment: env)
    }

    func parseError(_ text: String, _ env: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try parse(text, env)
            return nil
        } catch {
            return error
        }
    }

    // MARK: http

    @Test func debianDefaultHTTP() throws {
        // The sample configuration shipped with the registry (cmd/registry/config-example.yml).
        let config = try parse(Self.yaml("http:\n  addr: :5000\n  headers:\n    X-Content-Type-Options: [nosniff]\n",
                                         storage: "  cache:\n    blobdescriptor: inmemory\n"))
        #expect(config.http == HTTPSettings(addr: ":5000", net: .tcp, host: "", prefix: "", tls: false))
        #expect(config.http.basePath == "/v2/")
        #expect(config.blobDescriptorCache == .inMemory)
        #expect(config.redis == nil)
        #expect(config.warnings.isEmpty)
    }

    @Test func noHTTPBlockIsGoZeroValues() throws {
        let config = try parse(Self.yaml(""))
        #expect(config.http == HTTPSettings())
        #expect(config.blobDescriptorCache == BlobDescriptorCacheSetting.none)
    }

    @Test func everyHTTPFieldRead() throws {
        let config = try parse(Self.yaml("""
            http:
              addr: /run/registry.sock
              net: unix
              host: https://registry.example.com
              prefix: /mirror/
              secret: s
              relativeurls: true
              tls:
                certificate: /etc/registry/cert.pem
                key: /etc/registry/key.pem

            """))
        #expect(config.http == HTTPSettings(addr: "/run/registry.sock", net: .unix, host: "https://registry.example.com",
                                            prefix: "/mirror/", tls: true))
        // gorilla/mux drops the prefix's trailing slashes before adding /v2/.
        #expect(config.http.basePath == "/mirror/v2/")
    }

    @Test func letsEncryptAlsoMeansTLS() throws {
        let config = try parse(Self.yaml("http:\n  addr: :443\n  tls:\n    letsencrypt:\n      cachefile: /var/cache/le\n"))
        #expect(config.http.tls)
        #expect(try parse(Self.yaml("http:\n  tls:\n    key: /k.pem\n")).http.tls == false)
    }

    @Test func unknownNetworkStopsTheRegistry() throws {
        // listener.NewListener: "unknown address type udp".
        #expect(parseError(Self.yaml("http:\n  addr: :5000\n  net: udp\n"))
            == .invalidValue(key: "http.net", reason: "\"udp\" is neither tcp nor unix (registry 2.8.2 refuses to start: \"unknown address type\")"))
        #expect(parseError(Self.yaml("http:\n  net: TCP\n")) != nil)
        #expect(try parse(Self.yaml("http:\n  net: tcp\n")).http.net == .tcp)
    }

    @Test func httpValuesOfTheWrongShapeFailLikeYAMLv2() {
        #expect(parseError(Self.yaml("http:\n  addr: [a, b]\n")) == .invalidValue(key: "http.addr", reason: "line 6: expected a string, found !!seq"))
        #expect(parseError(Self.yaml("http: 5000\n")) == .invalidValue(key: "http", reason: "line 5: expected a mapping, found !!int `5000`"))
    }

    @Test func basePathForOddPrefixes() {
        #expect(HTTPSettings(prefix: "").basePath == "/v2/")
        #expect(HTTPSettings(prefix: "/").basePath == "/v2/")
        #expect(HTTPSettings(prefix: "/a/b").basePath == "/a/b/v2/")
        #expect(HTTPSettings(prefix: "a").basePath == "/a/v2/")
    }

    @Test func httpEnvironmentOverrides() throws {
        let base = Self.yaml("http:\n  addr: :5000\n")
        let env = try parse(base, [
            "REGISTRY_HTTP_ADDR": "127.0.0.1:5001",
            "REGISTRY_HTTP_PREFIX": "/p",
            "REGISTRY_HTTP_HOST": "http://h",
            "REGISTRY_HTTP_TLS_CERTIFICATE": "/c.pem",
            "REGISTRY_HTTP_SECRET": "not read, accepted silently",
            "REGISTRY_HTTP_HEADERS_X_FOO": "[bar]",
        ])
        #expect(env.http == HTTPSettings(addr: "127.0.0.1:5001", net: .tcp, host: "http://h", prefix: "/p", tls: true))
        #expect(env.warnings.isEmpty)
        // A whole-struct override replaces every field (zero values for the ones not given).
        let whole = try parse(base, ["REGISTRY_HTTP": "{addr: '/s.sock', net: unix}"])
        #expect(whole.http == HTTPSettings(addr: "/s.sock", net: .unix))
        let tls = try parse(Self.yaml("http:\n  tls:\n    certificate: /c\n"), ["REGISTRY_HTTP_TLS": ""])
        #expect(tls.http.tls == false)
        let letsEncrypt = try parse(base, ["REGISTRY_HTTP_TLS_LETSENCRYPT_CACHEFILE": "/le"])
        #expect(letsEncrypt.http.tls)
        // YAML 1.1 scalars: the value is decoded, then turned back into text for a string field.
        #expect(try parse(base, ["REGISTRY_HTTP_ADDR": ":5000"]).http.addr == ":5000")
        #expect(try parse(base, ["REGISTRY_HTTP_NET": "unix", "REGISTRY_HTTP_ADDR": "/x"]).http.net == .unix)
        // parser.go: no such field.
        let unknown = try parse(base, ["REGISTRY_HTTP_ADRESS": "x", "REGISTRY_HTTP_TLS_CERT": "y"])
        #expect(unknown.warnings == ["Ignoring unrecognized environment variable REGISTRY_HTTP_ADRESS",
                                     "Ignoring unrecognized environment variable REGISTRY_HTTP_TLS_CERT"])
        // A path going deeper into a string field changes nothing (parser.go has no case for it).
        #expect(try parse(base, ["REGISTRY_HTTP_ADDR_X": "y"]).http.addr == ":5000")
        #expect(parseError(base, ["REGISTRY_HTTP_ADDR": "[a"]) != nil)
    }

    // MARK: storage.cache

    @Test func cacheSettingsAsNewAppReadsThem() throws {
        func cache(_ body: String) throws -> (BlobDescriptorCacheSetting, [String]) {
            let config = try parse(Self.yaml("redis:\n  addr: 127.0.0.1:6379\n", storage: "  cache:\n" + body))
            return (config.blobDescriptorCache, config.warnings)
        }
        #expect(try cache("    blobdescriptor: redis\n").0 == .redis)
        #expect(try cache("    blobdescriptor: inmemory\n").0 == .inMemory)
        #expect(try cache("    blobdescriptor: \"inmemory\"\n").0 == .inMemory)
        // The deprecated name, read only when blobdescriptor is absent.
        #expect(try cache("    layerinfo: redis\n").0 == .redis)
        #expect(try cache("    blobdescriptor: inmemory\n    layerinfo: redis\n").0 == .inMemory)
        // Present but null: no fallback to layerinfo; Go compares nil with "" and logs "unknown cache type".
        let null = try cache("    blobdescriptor:\n    layerinfo: redis\n")
        #expect(null.0 == BlobDescriptorCacheSetting.none)
        #expect(null.1 == ["storage.cache.blobdescriptor is <nil>: registry 2.8.2 knows only redis and inmemory (it logs \"unknown cache type\") and runs without a blob descriptor cache"])
        // Case matters: the Go switch compares strings exactly.
        let upper = try cache("    blobdescriptor: Redis\n")
        #expect(upper.0 == BlobDescriptorCacheSetting.none)
        #expect(upper.1.count == 1)
        #expect(try cache("    blobdescriptor: true\n").0 == BlobDescriptorCacheSetting.none)
        // An empty string is silently no cache.
        let empty = try cache("    blobdescriptor: \"\"\n")
        #expect(empty.0 == BlobDescriptorCacheSetting.none)
        #expect(empty.1.isEmpty)
    }

    @Test func redisCacheWithoutRedisStopsTheRegistry() {
        // handlers/app.go panics: "redis configuration required to use for layerinfo cache".
        let error = parseError(Self.yaml("", storage: "  cache:\n    blobdescriptor: redis\n"))
        #expect(error == .invalidValue(key: "storage.cache.blobdescriptor",
                                       reason: "redis, but redis.addr is empty (registry 2.8.2 panics: \"redis configuration required to use for layerinfo cache\")"))
        #expect(parseError(Self.yaml("redis:\n  addr: \"\"\n", storage: "  cache:\n    layerinfo: redis\n")) == error)
    }

    @Test func cacheFromTheEnvironment() throws {
        let config = try parse(Self.yaml("redis:\n  addr: r:6379\n"), ["REGISTRY_STORAGE_CACHE_BLOBDESCRIPTOR": "redis"])
        #expect(config.blobDescriptorCache == .redis)
        let over = try parse(Self.yaml("", storage: "  cache:\n    blobdescriptor: inmemory\n"),
                             ["REGISTRY_STORAGE_CACHE_BLOBDESCRIPTOR": ""])
        // An empty value decodes to nil: present, so no layerinfo fallback, and not "redis" or "inmemory".
        #expect(over.blobDescriptorCache == BlobDescriptorCacheSetting.none)
    }

    // MARK: redis

    @Test func everyRedisFieldRead() throws {
        let config = try parse(Self.yaml("""
            redis:
              addr: 10.0.0.7:6380
              password: "p@ss: word"
              db: 3
              dialtimeout: 10ms
              readtimeout: 1m30s
              writetimeout: 5
              pool:
                maxidle: 16
                maxactive: 64
                idletimeout: 300s

            """))
        let redis = try #require(config.redis)
        #expect(redis.addr == "10.0.0.7:6380")
        #expect(redis.password == "p@ss: word")
        #expect(redis.db == 3)
        #expect(redis.dialTimeout == 0.01)
        #expect(redis.readTimeout == 90)
        // yaml.v2 takes a bare number for a time.Duration as nanoseconds.
        #expect(redis.writeTimeout == 0.000_000_005)
        #expect(!redis.description.contains("p@ss"))
        #expect(config.warnings.isEmpty)
    }

    @Test func redisWithoutAddressIsNoRedis() throws {
        #expect(try parse(Self.yaml("redis:\n  password: x\n")).redis == nil)
        #expect(try parse(Self.yaml("redis:\n")).redis == nil)
    }

    @Test func zeroTimeoutsAreBoundedByDrydock() throws {
        let redis = try #require(try parse(Self.yaml("redis:\n  addr: r:1\n")).redis)
        #expect(redis.dialTimeout == 0)
        #expect(redis.effectiveDialTimeout == RedisSettings.fallbackTimeout)
        #expect(redis.effectiveReadTimeout == RedisSettings.fallbackTimeout)
        #expect(redis.effectiveWriteTimeout == RedisSettings.fallbackTimeout)
    }

    @Test func badRedisValuesStopTheRegistry() {
        #expect(parseError(Self.yaml("redis:\n  addr: r:1\n  dialtimeout: soon\n"))
            == .invalidValue(key: "redis.dialtimeout", reason: "line 7: expected a duration such as 5s, 500ms or 1m30s, found !!str `soon`"))
        // A quoted number is a string, and a duration string needs a unit.
        #expect(parseError(Self.yaml("redis:\n  addr: r:1\n  readtimeout: \"5\"\n")) != nil)
        #expect(parseError(Self.yaml("redis:\n  addr: r:1\n  db: one\n")) != nil)
        #expect(parseError(Self.yaml("redis:\n  addr: r:1\n  pool:\n    idletimeout: forever\n")) != nil)
        #expect(parseError(Self.yaml("redis:\n  addr: r:1\n  pool:\n    maxidle: many\n")) != nil)
    }

    @Test func redisTLSIsNotA282Setting() throws {
        let config = try parse(Self.yaml("redis:\n  addr: r:6379\n  tls:\n    enabled: true\n"))
        #expect(config.redis?.addr == "r:6379")
        #expect(config.warnings == ["redis.tls is ignored: registry 2.8.2 has no TLS for redis and connects in plain TCP (so does Drydock)"])
        // As an environment variable it is no field of the Redis struct.
        let env = try parse(Self.yaml("redis:\n  addr: r:6379\n"), ["REGISTRY_REDIS_TLS_ENABLED": "true"])
        #expect(env.warnings == ["Ignoring unrecognized environment variable REGISTRY_REDIS_TLS_ENABLED"])
    }

    @Test func redisEnvironmentOverrides() throws {
        let base = Self.yaml("redis:\n  addr: file:6379\n  password: filepass\n  db: 1\n")
        let config = try parse(base, [
            "REGISTRY_REDIS_ADDR": "env:6379",
            "REGISTRY_REDIS_PASSWORD": "envpass",
            "REGISTRY_REDIS_DB": "7",
            "REGISTRY_REDIS_DIALTIMEOUT": "2s",
            "REGISTRY_REDIS_READTIMEOUT": "250ms",
            "REGISTRY_REDIS_WRITETIMEOUT": "1s",
            "REGISTRY_REDIS_POOL_MAXIDLE": "4",
        ])
        #expect(config.redis == RedisSettings(addr: "env:6379", password: "envpass", db: 7, dialTimeout: 2, readTimeout: 0.25, writeTimeout: 1))
        #expect(config.warnings.isEmpty)
        // Redis from the environment alone.
        let only = try parse(Self.yaml(""), ["REGISTRY_REDIS_ADDR": "127.0.0.1:6379"])
        #expect(only.redis == RedisSettings(addr: "127.0.0.1:6379"))
        // The whole block.
        let whole = try parse(base, ["REGISTRY_REDIS": "{addr: 'w:1', db: 2}"])
        #expect(whole.redis == RedisSettings(addr: "w:1", password: "", db: 2))
        // A password that YAML reads as a number or boolean is still its text.
        #expect(try parse(base, ["REGISTRY_REDIS_PASSWORD": "0x10"]).redis?.password == "0x10")
        #expect(try parse(base, ["REGISTRY_REDIS_PASSWORD": "yes"]).redis?.password == "yes")
        // Wrong types stop the registry.
        #expect(parseError(base, ["REGISTRY_REDIS_DB": "x"])
            == .invalidEnvironmentVariable(name: "REGISTRY_REDIS_DB", reason: "line 1: expected an integer, found !!str `x`"))
        #expect(parseError(base, ["REGISTRY_REDIS_POOL_IDLETIMEOUT": "x"]) != nil)
        let unknown = try parse(base, ["REGISTRY_REDIS_PORT": "1", "REGISTRY_REDIS_POOL_SIZE": "1"])
        #expect(unknown.warnings == ["Ignoring unrecognized environment variable REGISTRY_REDIS_POOL_SIZE",
                                     "Ignoring unrecognized environment variable REGISTRY_REDIS_PORT"])
    }
}
