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
    /// `http.*`: where the registry serves its API (for `RegistryLiveness`).
    public var http: HTTPSettings
    /// `storage.cache.blobdescriptor` (or `layerinfo`).
    public var blobDescriptorCache: BlobDescriptorCacheSetting
    /// The `redis:` block; nil when `redis.addr` is empty (the registry then has no redis).
    public var redis: RedisSettings?
    /// Things worth telling the user: environment overrides the registry ignores, odd root directories...
    public var warnings: [String]

    public init(storage: Storage, deleteEnabled: Bool = false, readOnly: Bool = false,
                uploadPurging: UploadPurging? = nil, schema1Enabled: Bool = false,
                schema1SigningKeyFile: String? = nil, validation: ManifestValidation = ManifestValidation(),
                repositoryClasses: [String] = [], catalogMaxEntries: Int = RegistryConfiguration.defaultCatalogMaxEntries,
                http: HTTPSettings = HTTPSettings(), blobDescriptorCache: BlobDescriptorCacheSetting = .none,
                redis: RedisSettings? = nil, warnings: [String] = []) {
        self.storage = storage
        self.deleteEnabled = deleteEnabled
        self.readOnly = readOnly
        self.uploadPurging = uploadPurging
        self.schema1Enabled = schema1Enabled
        self.schema1SigningKeyFile = schema1SigningKeyFile
        self.validation = validation
        self.repositoryClasses = repositoryClasses
        self.catalogMaxEntries = catalogMaxEntries
        self.http = http
        self.blobDescriptorCache = blobDescriptorCache
        self.redis = redis
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
