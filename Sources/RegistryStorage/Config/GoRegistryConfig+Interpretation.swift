// Interpretation: configuration.go's conversion, handlers/app.go and the storage drivers' parameter rules.

extension GoRegistryConfig {
    func interpret(warnings initialWarnings: [String]) throws(ConfigurationError) -> RegistryConfiguration {
        var warnings = initialWarnings
        guard let storage else { throw .noStorageDriver }
        let drivers = storage.keys.filter { !YAMLV2.nonDriverStorageKeys.contains($0) }.sorted()
        if drivers.count > 1 { throw .multipleStorageDrivers(drivers) }
        guard let driver = drivers.first else { throw .noStorageDriver }
        let params = storage[driver] ?? [:]

        let storageSetting: RegistryConfiguration.Storage
        switch driver {
        case "filesystem":
            var root = RegistryConfiguration.defaultRootDirectory
            if let value = params["rootdirectory"] {
                guard let text = value.goSprint else {
                    throw .invalidValue(key: "storage.filesystem.rootdirectory", reason: "expected a path, found \(value.brief)")
                }
                root = text
                // A C path ends at its first NUL: the folder opened would not be the one named (Go's calls refuse it).
                guard !root.utf8.contains(0) else {
                    throw .invalidValue(key: "storage.filesystem.rootdirectory", reason: "the path contains a NUL character (\\x00)")
                }
                if value == .null {
                    warnings.append("storage.filesystem.rootdirectory is empty (null): registry 2.8.2 then stores "
                                    + "under a directory literally named \"<nil>\" in its working directory")
                } else if !root.hasPrefix("/") {
                    warnings.append("storage.filesystem.rootdirectory \"\(SafeText.escaping(root))\" is a relative path: the registry "
                                    + "resolves it against its own working directory")
                }
            }
            storageSetting = .filesystem(rootDirectory: root)
        case "s3", "s3aws":
            storageSetting = .s3(try Self.s3Settings(driver: driver, params))
        default:
            storageSetting = .unsupported(driver: driver)
        }

        // handlers/app.go: delete is on only for a real boolean true.
        let deleteEnabled = storage["delete"]?["enabled"] == .bool(true)

        var readOnly = false
        var purging: RegistryConfiguration.UploadPurging?
        if let maintenance = storage["maintenance"] {
            if let value = maintenance["uploadpurging"] {
                switch value {
                case .anyKeyMap:
                    purging = try Self.uploadPurging(value)
                case .stringKeyMap(_, let variable):
                    warnings.append(Self.maintenanceOverrideWarning(variable, key: "uploadpurging"))
                default:
                    throw .invalidValue(key: "storage.maintenance.uploadpurging",
                                        reason: "expected a mapping with enabled, age, interval and dryrun, found \(value.brief) "
                                            + "(registry 2.8.2 panics: \"uploadpurging config key must contain additional keys\")")
                }
            }
            if let value = maintenance["readonly"] {
                switch value {
                case .anyKeyMap:
                    if let enabled = value["enabled"] {
                        guard case .bool(let flag) = enabled else {
                            throw .invalidValue(key: "storage.maintenance.readonly.enabled",
                                                reason: "expected true or false, found \(enabled.brief) "
                                                    + "(registry 2.8.2 panics: \"readonly's enabled config key must have a boolean value\")")
                        }
                        readOnly = flag
                    }
                case .stringKeyMap(_, let variable):
                    warnings.append(Self.maintenanceOverrideWarning(variable, key: "readonly"))
                default:
                    throw .invalidValue(key: "storage.maintenance.readonly",
                                        reason: "expected a mapping such as {enabled: true}, found \(value.brief) "
                                            + "(registry 2.8.2 panics: \"readonly config key must contain additional keys\")")
                }
            }
        }

        let cache = Self.blobDescriptorCache(storage["cache"], warnings: &warnings)
        let redisSettings = redisSettings()
        if redis.tlsWritten {
            warnings.append("redis.tls is ignored: registry 2.8.2 has no TLS for redis and connects in plain TCP (so does Drydock)")
        }
        if cache == .redis && redisSettings == nil {
            throw .invalidValue(key: "storage.cache.blobdescriptor",
                                reason: "redis, but redis.addr is empty (registry 2.8.2 panics: \"redis configuration required to use for layerinfo cache\")")
        }

        return RegistryConfiguration(
            storage: storageSetting,
            deleteEnabled: deleteEnabled,
            readOnly: readOnly,
            uploadPurging: purging,
            schema1Enabled: schema1.enabled,
            schema1SigningKeyFile: schema1.trustKey.isEmpty ? nil : schema1.trustKey,
            validation: RegistryConfiguration.ManifestValidation(
                enabled: validation.enabled || !validation.disabled,
                urlAllow: validation.allow, urlDeny: validation.deny),
            repositoryClasses: policyClasses,
            catalogMaxEntries: catalogMaxEntries > 0 ? catalogMaxEntries : RegistryConfiguration.defaultCatalogMaxEntries,
            http: try httpSettings(),
            blobDescriptorCache: cache,
            redis: redisSettings,
            warnings: warnings)
    }

    /// registry/listener `NewListener`: `net` empty or `tcp`, or `unix`; anything else stops the registry.
    private func httpSettings() throws(ConfigurationError) -> HTTPSettings {
        let network: HTTPSettings.Network
        switch http.net {
        case "", "tcp": network = .tcp
        case "unix": network = .unix
        default:
            throw .invalidValue(key: "http.net", reason: "\"\(http.net)\" is neither tcp nor unix (registry 2.8.2 refuses to start: \"unknown address type\")")
        }
        // registry.go ListenAndServe: TLS from a certificate or from Let's Encrypt.
        return HTTPSettings(addr: http.addr, net: network, host: http.host, prefix: http.prefix,
                            tls: !http.tlsCertificate.isEmpty || !http.letsEncryptCacheFile.isEmpty)
    }

    /// handlers/app.go `configureRedis`: no redis at all when `addr` is empty.
    private func redisSettings() -> RedisSettings? {
        guard !redis.addr.isEmpty else { return nil }
        func seconds(_ ns: Int64) -> Double { Double(ns) / 1_000_000_000 }
        return RedisSettings(addr: redis.addr, password: redis.password, db: redis.db,
                             dialTimeout: seconds(redis.dialTimeout), readTimeout: seconds(redis.readTimeout),
                             writeTimeout: seconds(redis.writeTimeout))
    }

    /// handlers/app.go `NewApp`: `blobdescriptor`, or `layerinfo` when that key is absent (not merely null); the
    /// value is compared with the Go strings "redis" and "inmemory", so only those exact strings count.
    private static func blobDescriptorCache(_ cache: [String: GoValue]?, warnings: inout [String]) -> BlobDescriptorCacheSetting {
        guard let cache else { return .none }
        let key = cache["blobdescriptor"] != nil ? "blobdescriptor" : "layerinfo"
        guard let value = cache[key] else { return .none }
        switch value {
        case .string("redis"): return .redis
        case .string("inmemory"): return .inMemory
        case .string(""): return .none
        default:
            warnings.append("storage.cache.\(key) is \(value.brief): registry 2.8.2 knows only redis and inmemory "
                            + "(it logs \"unknown cache type\") and runs without a blob descriptor cache")
            return .none
        }
    }

    private static func maintenanceOverrideWarning(_ variable: String, key: String) -> String {
        let example = key == "readonly" ? "{enabled: true}" : "{enabled: true, age: 168h, interval: 24h, dryrun: false}"
        return "Ignoring environment variable \(SafeText.escaping(variable)): registry 2.8.2 cannot apply overrides inside storage.maintenance "
            + "when storage.maintenance.\(key) is not in the YAML file (it builds a map the registry then rejects at start); "
            + "set the whole block instead, e.g. REGISTRY_STORAGE_MAINTENANCE_\(key.uppercased())='\(example)', or edit the file"
    }

    /// handlers/app.go `startUploadPurger`: nothing is checked when `enabled` is exactly false; otherwise
    /// `age` and `interval` must be Go duration strings and `dryrun` a bool, or the registry panics.
    private static func uploadPurging(_ map: GoValue) throws(ConfigurationError) -> RegistryConfiguration.UploadPurging {
        let defaults = RegistryConfiguration.UploadPurging.registryDefault
        if map["enabled"] == .bool(false) {
            func lenient(_ key: String, _ fallback: Double) -> Double {
                if case .string(let text)? = map[key], let seconds = GoDuration.seconds(text) { return seconds }
                return fallback
            }
            return .init(enabled: false, ageSeconds: lenient("age", defaults.ageSeconds),
                         intervalSeconds: lenient("interval", defaults.intervalSeconds),
                         dryRun: map["dryrun"] == .bool(true))
        }
        func duration(_ key: String) throws(ConfigurationError) -> Double {
            let path = "storage.maintenance.uploadpurging.\(key)"
            guard let value = map[key] else {
                throw .invalidValue(key: path, reason: "missing; when the uploadpurging block is given, age, interval and dryrun are required (registry 2.8.2 panics otherwise)")
            }
            guard case .string(let text) = value else {
                throw .invalidValue(key: path, reason: "expected a duration string such as 168h or 1h30m, found \(value.brief)")
            }
            guard let seconds = GoDuration.seconds(text) else {
                throw .invalidValue(key: path, reason: "\"\(text)\" is not a Go duration (examples: 168h, 24h, 1h30m, 90s)")
            }
            return seconds
        }
        let age = try duration("age")
        let interval = try duration("interval")
        guard let dryRun = map["dryrun"] else {
            throw .invalidValue(key: "storage.maintenance.uploadpurging.dryrun",
                                reason: "missing; when the uploadpurging block is given, age, interval and dryrun are required (registry 2.8.2 panics otherwise)")
        }
        guard case .bool(let dry) = dryRun else {
            throw .invalidValue(key: "storage.maintenance.uploadpurging.dryrun", reason: "expected true or false, found \(dryRun.brief)")
        }
        return .init(enabled: true, ageSeconds: age, intervalSeconds: interval, dryRun: dry)
    }

    /// registry/storage/driver/s3-aws `FromParameters` (the parts kept).
    private static func s3Settings(driver: String, _ params: [String: GoValue]) throws(ConfigurationError) -> RegistryConfiguration.S3Settings {
        func string(_ key: String) throws(ConfigurationError) -> String {
            guard let value = params[key], value != .null else { return "" }
            guard let text = value.goSprint else {
                throw .invalidValue(key: "storage.\(driver).\(key)", reason: "expected a string, found \(value.brief)")
            }
            return text
        }
        func flag(_ key: String) throws(ConfigurationError) -> Bool {
            switch params[key] {
            case nil, .null?: return true
            case .bool(let b)?: return b
            case .string(let text)?:
                if let b = goParseBool(text) { return b }
                fallthrough
            default:
                throw .invalidValue(key: "storage.\(driver).\(key)", reason: "the \(key) parameter should be a boolean, found \(params[key]?.brief ?? "nothing")")
            }
        }
        return .init(driverName: driver, accessKey: try string("accesskey"), secretKey: try string("secretkey"),
                     region: try string("region"), regionEndpoint: try string("regionendpoint"),
                     bucket: try string("bucket"), rootDirectory: try string("rootdirectory"),
                     secure: try flag("secure"), v4Auth: try flag("v4auth"))
    }

    /// Go's `strconv.ParseBool`.
    static func goParseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}
