#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The parts of a docker/distribution registry configuration (`config.yml`, version 0.1) that matter to a
/// tool reading the registry's storage, read with the registry 2.8.2 rules: YAML 1.1 scalars (yaml.v2),
/// `REGISTRY_*` environment overrides replayed the way `configuration/parser.go` applies them, and the
/// checks the registry makes at start-up (where the registry would refuse to start, this throws).
public struct RegistryConfiguration: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        /// `storage.filesystem`; `rootDirectory` defaults to `/var/lib/registry`. A relative path is relative
        /// to the registry's working directory (a warning says so).
        case filesystem(rootDirectory: String)
        /// `storage.s3` or its alias `storage.s3aws`.
        case s3(S3Settings)
        /// Any other driver name (`gcs`, `azure`, `swift`, `oss`, `inmemory`, ...), exactly as written.
        case unsupported(driver: String)
    }

    /// S3 driver parameters as the registry reads them: strings are `fmt.Sprint` of the YAML value
    /// (missing or null gives ""), nothing is validated beyond the two booleans.
    public struct S3Settings: Sendable, Equatable, CustomStringConvertible {
        /// `s3` or `s3aws`.
        public var driverName: String
        public var accessKey: String
        public var secretKey: String
        public var region: String
        public var regionEndpoint: String
        public var bucket: String
        public var rootDirectory: String
        /// Default true. A bool, or a string Go's `strconv.ParseBool` accepts (`"false"`, `"0"`, `"f"`...).
        public var secure: Bool
        /// Default true; same rules as `secure`.
        public var v4Auth: Bool

        public init(driverName: String = "s3", accessKey: String = "", secretKey: String = "", region: String = "",
                    regionEndpoint: String = "", bucket: String = "", rootDirectory: String = "",
                    secure: Bool = true, v4Auth: Bool = true) {
            self.driverName = driverName
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.region = region
            self.regionEndpoint = regionEndpoint
            self.bucket = bucket
            self.rootDirectory = rootDirectory
            self.secure = secure
            self.v4Auth = v4Auth
        }

        /// Never shows the secret key.
        public var description: String {
            "\(driverName)(bucket: \(bucket), region: \(region), regionEndpoint: \(regionEndpoint), "
                + "rootDirectory: \(rootDirectory), accessKey: \(accessKey), secretKey: \(secretKey.isEmpty ? "" : "<redacted>"), "
                + "secure: \(secure), v4Auth: \(v4Auth))"
        }
    }

    /// `storage.maintenance.uploadpurging` (storage-format §7.5).
    public struct UploadPurging: Sendable, Equatable {
        /// False only when the YAML says literally `enabled: false` (or `no`/`off`).
        public var enabled: Bool
        /// Uploads started more than this many seconds ago are purged (`age`, a Go duration such as `168h`).
        public var ageSeconds: Double
        /// Seconds between purge runs (`interval`, e.g. `24h`).
        public var intervalSeconds: Double
        public var dryRun: Bool

        public init(enabled: Bool, ageSeconds: Double, intervalSeconds: Double, dryRun: Bool) {
            self.enabled = enabled
            self.ageSeconds = ageSeconds
            self.intervalSeconds = intervalSeconds
            self.dryRun = dryRun
        }

        /// What the registry uses when the block is absent: enabled, 168h, 24h, not a dry run.
        public static let registryDefault = UploadPurging(enabled: true, ageSeconds: 168 * 3600,
                                                          intervalSeconds: 24 * 3600, dryRun: false)
    }

    /// `validation.*` (storage-format §5): whether URLs of foreign layers are checked, and against what.
    public struct ManifestValidation: Sendable, Equatable {
        /// `validation.enabled || !validation.disabled` (so true by default).
        public var enabled: Bool
        /// `validation.manifests.urls.allow` (Go RE2 regular expressions, not compiled here). When both
        /// lists are empty and validation is enabled, the registry allows no URL at all (`^$`).
        public var urlAllow: [String]
        /// `validation.manifests.urls.deny`.
        public var urlDeny: [String]

        public init(enabled: Bool = true, urlAllow: [String] = [], urlDeny: [String] = []) {
            self.enabled = enabled
            self.urlAllow = urlAllow
            self.urlDeny = urlDeny
        }
    }

    public var storage: Storage
    /// `storage.delete.enabled`: true only for a YAML 1.1 boolean true (`true`, `yes`, `on`, `y`...).
    /// Quoted strings, numbers (`REGISTRY_STORAGE_DELETE_ENABLED=1`) and anything else give false.
    public var deleteEnabled: Bool
    /// `storage.maintenance.readonly.enabled`.
    public var readOnly: Bool
    /// `storage.maintenance.uploadpurging` when the block is given; nil means the registry default
    /// (see `effectiveUploadPurging`).
    public var uploadPurging: UploadPurging?
    /// `compatibility.schema1.enabled`.
    public var schema1Enabled: Bool
    /// `compatibility.schema1.signingkeyfile` (env `REGISTRY_COMPATIBILITY_SCHEMA1_TRUSTKEY`); nil when unset.
    public var schema1SigningKeyFile: String?
    public var validation: ManifestValidation
    /// `policy.repository.classes`.
    public var repositoryClasses: [String]
    /// `catalog.maxentries`; 1000 when unset or not positive.
    public var catalogMaxEntries: Int
    /// Things worth telling the user: environment overrides the registry ignores, odd root directories...
    public var warnings: [String]

    public init(storage: Storage, deleteEnabled: Bool = false, readOnly: Bool = false,
                uploadPurging: UploadPurging? = nil, schema1Enabled: Bool = false,
                schema1SigningKeyFile: String? = nil, validation: ManifestValidation = ManifestValidation(),
                repositoryClasses: [String] = [], catalogMaxEntries: Int = RegistryConfiguration.defaultCatalogMaxEntries,
                warnings: [String] = []) {
        self.storage = storage
        self.deleteEnabled = deleteEnabled
        self.readOnly = readOnly
        self.uploadPurging = uploadPurging
        self.schema1Enabled = schema1Enabled
        self.schema1SigningKeyFile = schema1SigningKeyFile
        self.validation = validation
        self.repositoryClasses = repositoryClasses
        self.catalogMaxEntries = catalogMaxEntries
        self.warnings = warnings
    }

    /// The upload purging the registry actually runs.
    public var effectiveUploadPurging: UploadPurging { uploadPurging ?? .registryDefault }

    public static let defaultRootDirectory = "/var/lib/registry"
    public static let defaultCatalogMaxEntries = 1000
    /// Where the official registry image keeps its configuration.
    public static let officialImagePath = "/etc/docker/registry/config.yml"
    /// Configuration files (and environment values) larger than this are refused.
    public static let maxFileSize = YAMLText.maxBytes

    /// `REGISTRY_CONFIGURATION_PATH`, which the registry uses when `registry serve` gets no path argument.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let path = environment["REGISTRY_CONFIGURATION_PATH"], !path.isEmpty else { return nil }
        return path
    }

    /// Reads the file at `path` (at most 1 MiB, a regular file) and parses it with `parse(yaml:environment:)`.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> RegistryConfiguration {
        let bytes = try ConfigurationFile.readBytes(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidYAML(reason: "\(path): the file is not valid UTF-8")
        }
        do {
            return try parse(yaml: text, environment: environment)
        } catch {
            if case .invalidYAML(let reason) = error { throw .invalidYAML(reason: "\(path): \(reason)") }
            throw error
        }
    }

    /// Parses configuration text and applies `REGISTRY_*` overrides from `environment`.
    public static func parse(yaml: String, environment: [String: String]) throws(ConfigurationError) -> RegistryConfiguration {
        let root = try YAMLText.parseFirstDocument(yaml)

        // parser.go reads the version first, on its own.
        var version = ""
        try YAMLV2.decodeStruct(root ?? .scalar(YAMLScalar(text: "", plain: true, explicitTag: nil, line: 1)),
                                path: "") { (name: String, value: YAMLNode, path: String) throws(ConfigurationError) in
            if name == "version" { version = try YAMLV2.decodeString(value, path: path) }
        }
        guard version == "0.1" else { throw .unsupportedVersion(version) }

        var config = try GoRegistryConfig.decode(root)
        var warnings: [String] = []
        try EnvironmentOverrides.apply(environment, to: &config, warnings: &warnings)
        return try config.interpret(warnings: warnings)
    }
}

public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read, is not a regular file, or is larger than 1 MiB.
    case unreadable(path: String, reason: String)
    /// Not YAML, or YAML this reader refuses (too large, too deep, alias bombs).
    case invalidYAML(reason: String)
    /// `version` is missing or not `0.1`.
    case unsupportedVersion(String)
    /// `storage` is missing or holds only `maintenance`, `cache`, `delete` or `redirect`.
    case noStorageDriver
    /// More than one driver key, from the file or added by `REGISTRY_STORAGE_<DRIVER>_*` (sorted names).
    case multipleStorageDrivers([String])
    /// A value the registry would reject at start-up; `key` is the dotted YAML path.
    case invalidValue(key: String, reason: String)
    /// A `REGISTRY_*` variable whose value the registry would fail to apply.
    case invalidEnvironmentVariable(name: String, reason: String)

    public var description: String {
        let e = SafeText.escaping
        return switch self {
        case .unreadable(let path, let reason):
            "cannot read registry configuration \(e(path)): \(e(reason))"
        case .invalidYAML(let reason):
            "registry configuration is not valid YAML: \(e(reason))"
        case .unsupportedVersion(let version):
            version.isEmpty
                ? "registry configuration has no version (expected `version: 0.1`)"
                : "registry configuration has unsupported version \"\(e(version))\" (expected 0.1)"
        case .noStorageDriver:
            "registry configuration names no storage driver: `storage` must hold one driver key "
                + "(such as filesystem) besides maintenance, cache, delete and redirect"
        case .multipleStorageDrivers(let drivers):
            "registry configuration names more than one storage driver (\(e(drivers.joined(separator: ", ")))), "
                + "counting REGISTRY_STORAGE_* environment overrides; the registry refuses to start"
        case .invalidValue(let key, let reason):
            "invalid registry configuration value for \(key.isEmpty ? "the document" : e(key)): \(e(reason))"
        case .invalidEnvironmentVariable(let name, let reason):
            "invalid registry configuration override in environment variable \(e(name)): \(e(reason))"
        }
    }
}

// MARK: - File reading

enum ConfigurationFile {
    static func readBytes(_ path: String) throws(ConfigurationError) -> [UInt8] {
        let limit = YAMLText.maxBytes
        // O_NONBLOCK so that a FIFO without a writer cannot hang us before fstat rejects it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadable(path: path, reason: errnoDescription()) }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: errnoDescription()) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .unreadable(path: path, reason: "it is a directory")
        default: throw .unreadable(path: path, reason: "it is not a regular file")
        }
        if info.st_size > limit {
            throw .unreadable(path: path, reason: "the file is \(info.st_size) bytes; configurations over \(limit) bytes (1 MiB) are refused")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: errnoDescription())
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit {
                throw .unreadable(path: path, reason: "the file is over \(limit) bytes (1 MiB); refused")
            }
        }
        return bytes
    }

    private static func errnoDescription() -> String {
        let code = errno
        return "\(String(cString: strerror(code))) (errno \(code))"
    }
}

// MARK: - The Go configuration struct (the parts we read)

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

    // MARK: Interpretation (configuration.go conversion, handlers/app.go, the storage drivers)

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
            warnings: warnings)
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

// MARK: - Environment overrides (configuration/parser.go, 2.8.2)

/// Replays `REGISTRY_*` variables onto the decoded configuration the way 2.8.2's parser.go does:
/// variables in byte order of their names; the name split on `_`; struct fields matched by upper-cased
/// Go field name (`REGISTRY_COMPATIBILITY_SCHEMA1_TRUSTKEY`, not `..._SIGNINGKEYFILE`); map keys matched
/// case-insensitively and created lower-cased; the value decoded as YAML into whatever it replaces.
/// Maps written in the YAML file below the storage level (`map[interface{}]interface{}`) cannot be
/// entered; list elements cannot be addressed; both are ignored, with a warning.
enum EnvironmentOverrides {
    static let prefix = "REGISTRY_"
    /// Top-level Configuration fields drydock does not read; overrides to them are accepted silently.
    static let unreadTopLevelFields: Set<String> = [
        "LOG", "LOGLEVEL", "AUTH", "MIDDLEWARE", "REPORTING", "HTTP", "NOTIFICATIONS", "REDIS", "HEALTH", "PROXY",
    ]
    static let maxPathParts = 32

    static func apply(_ environment: [String: String], to config: inout GoRegistryConfig,
                      warnings: inout [String]) throws(ConfigurationError) {
        let variables = environment
            .filter { $0.key.hasPrefix(prefix) && $0.key != "REGISTRY_CONFIGURATION_PATH" }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (name, value) in variables {
            let path = name.split(separator: "_", omittingEmptySubsequences: false).dropFirst().map(String.init)
            guard path.count <= maxPathParts else {
                warnings.append("Ignoring environment variable \(SafeText.escaping(name)): more than \(maxPathParts) parts")
                continue
            }
            var override = Override(name: name, payload: value)
            do {
                try override.apply(path[...], to: &config)
            } catch {
                switch error {
                case .invalidValue(_, let reason), .invalidYAML(let reason):
                    throw .invalidEnvironmentVariable(name: name, reason: reason)
                default:
                    throw error
                }
            }
            warnings.append(contentsOf: override.warnings)
        }
    }

    /// Go's `strings.ToUpper` / `ToLower` (simple, per-scalar case mapping).
    static func goUpper(_ s: String) -> String { mapScalars(s) { $0.properties.uppercaseMapping } }
    static func goLower(_ s: String) -> String { mapScalars(s) { $0.properties.lowercaseMapping } }

    private static func mapScalars(_ s: String, _ mapping: (Unicode.Scalar) -> String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            let mapped = mapping(scalar).unicodeScalars
            if mapped.count == 1, let single = mapped.first { out.append(single) } else { out.append(scalar) }
        }
        return String(out)
    }

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
