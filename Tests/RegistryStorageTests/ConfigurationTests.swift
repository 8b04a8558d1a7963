import Foundation
import Testing
@testable import RegistryStorage

/// Expected values below were checked against the real docker-registry 2.8.2 (Debian 2.8.2+ds1) where the
/// comment says "observed".
@Suite struct ConfigurationTests {
    typealias Config = RegistryConfiguration

    static func yaml(_ storageBody: String, extra: String = "") -> String {
        "version: 0.1\nstorage:\n" + storageBody + "\n" + extra
    }

    static let filesystemYAML = yaml("  filesystem:\n    rootdirectory: /srv/registry")

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

    // MARK: Storage driver

    @Test func filesystemDefaultRoot() throws {
        let config = try parse(Self.yaml("  filesystem:"))
        #expect(config.storage == .filesystem(rootDirectory: "/var/lib/registry"))
        #expect(config.deleteEnabled == false)
        #expect(config.readOnly == false)
        #expect(config.uploadPurging == nil)
        #expect(config.effectiveUploadPurging == .registryDefault)
        #expect(config.effectiveUploadPurging.ageSeconds == 604_800)
        #expect(config.schema1Enabled == false)
        #expect(config.catalogMaxEntries == 1000)
        #expect(config.validation == .init(enabled: true, urlAllow: [], urlDeny: []))
        #expect(config.warnings.isEmpty)
    }

    @Test func filesystemEmptyParametersMapAlsoDefaults() throws {
        #expect(try parse(Self.yaml("  filesystem: {}")).storage == .filesystem(rootDirectory: "/var/lib/registry"))
    }

    /// A NUL in the root would end the C path early and open another folder (registry 2.8.2's Go calls refuse it).
    @Test func filesystemRootWithANULIsRefused() throws {
        let error = parseError(Self.yaml("  filesystem:\n    rootdirectory: \"/srv/registry\\0/elsewhere\""))
        guard case .invalidValue(let key, let reason)? = error else {
            Issue.record("accepted: \(String(describing: error))")
            return
        }
        #expect(key == "storage.filesystem.rootdirectory" && reason.contains("NUL"))
        #expect(throws: DriverError.self) { _ = try FilesystemDriver(v2Directory: "/tmp\u{0}/elsewhere") }
    }

    @Test func filesystemExplicitRoot() throws {
        let config = try parse(Self.filesystemYAML)
        #expect(config.storage == .filesystem(rootDirectory: "/srv/registry"))
        #expect(config.warnings.isEmpty)
    }

    @Test func filesystemRootFromEnvironment() throws {
        let config = try parse(Self.filesystemYAML, ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/data/other"])
        #expect(config.storage == .filesystem(rootDirectory: "/data/other"))
        // Also when the YAML has no root directory, or no parameters at all.
        let bare = try parse(Self.yaml("  filesystem:"), ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/x"])
        #expect(bare.storage == .filesystem(rootDirectory: "/x"))
    }

    @Test func rootDirectoryIsFmtSprintOfTheYAMLValue() throws {
        // observed: the registry stored under ./16, ./true, ./1000, ./1e+06, ./2001-12-14 and ./<nil>.
        let cases: [(String, String)] = [
            ("0x10", "16"), ("yes", "true"), ("1e3", "1000"), ("1e6", "1e+06"), ("2001-12-14", "2001-12-14"),
            ("123456789.0", "1.23456789e+08"), ("0.00001", "1e-05"), ("'0x10'", "0x10"), ("1_000", "1000"),
        ]
        for (value, expected) in cases {
            let config = try parse(Self.yaml("  filesystem:\n    rootdirectory: \(value)"))
            #expect(config.storage == .filesystem(rootDirectory: expected), "rootdirectory: \(value)")
        }
        let null = try parse(Self.yaml("  filesystem:\n    rootdirectory:"))
        #expect(null.storage == .filesystem(rootDirectory: "<nil>"))
        #expect(null.warnings.contains { $0.contains("<nil>") })
        let relative = try parse(Self.yaml("  filesystem:\n    rootdirectory: data/registry"))
        #expect(relative.warnings.contains { $0.contains("relative path") })
        #expect(parseError(Self.yaml("  filesystem:\n    rootdirectory: [a]"))
            == .invalidValue(key: "storage.filesystem.rootdirectory", reason: "expected a path, found a sequence"))
    }

    @Test func unsupportedDrivers() throws {
        #expect(try parse(Self.yaml("  gcs:\n    bucket: b\n    keyfile: /k")).storage == .unsupported(driver: "gcs"))
        #expect(try parse(Self.yaml("  azure:\n    accountname: a")).storage == .unsupported(driver: "azure"))
        #expect(try parse(Self.yaml("  inmemory:")).storage == .unsupported(driver: "inmemory"))
        // Driver names are case-sensitive in the registry's driver factory.
        #expect(try parse(Self.yaml("  Filesystem:")).storage == .unsupported(driver: "Filesystem"))
    }

    @Test func bareStringStorage() throws {
        let text = "version: \"0.1\"\nstorage: inmemory\n"
        #expect(try parse(text).storage == .unsupported(driver: "inmemory"))
        // REGISTRY_STORAGE replaces the whole storage value.
        #expect(try parse(text, ["REGISTRY_STORAGE": "filesystem"]).storage == .filesystem(rootDirectory: "/var/lib/registry"))
        // observed: a driver parameter override adds a second driver and the registry panics.
        #expect(parseError(text, ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/x"]) == .multipleStorageDrivers(["filesystem", "inmemory"]))
        // Both: REGISTRY_STORAGE sorts first, so the parameter lands on the new driver.
        let both = try parse(text, ["REGISTRY_STORAGE": "filesystem", "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/x"])
        #expect(both.storage == .filesystem(rootDirectory: "/x"))
        // observed: delete can be enabled next to a bare driver name.
        #expect(try parse(text, ["REGISTRY_STORAGE_DELETE_ENABLED": "true"]).deleteEnabled)
    }

    @Test func environmentStorageReplacesTheWholeMap() throws {
        // observed: REGISTRY_STORAGE=inmemory drops storage.delete from the YAML (DELETE answered 405).
        let text = Self.yaml("  filesystem:\n    rootdirectory: /srv\n  delete:\n    enabled: true")
        let config = try parse(text, ["REGISTRY_STORAGE": "inmemory"])
        #expect(config.storage == .unsupported(driver: "inmemory"))
        #expect(config.deleteEnabled == false)
        let mapValue = try parse(text, ["REGISTRY_STORAGE": "{filesystem: {rootdirectory: /y}, delete: {enabled: yes}}"])
        #expect(mapValue.storage == .filesystem(rootDirectory: "/y"))
        #expect(mapValue.deleteEnabled)
        // observed: an empty REGISTRY_STORAGE leaves no storage at all.
        #expect(parseError(text, ["REGISTRY_STORAGE": ""]) == .noStorageDriver)
    }

    @Test func multipleDrivers() {
        let text = Self.yaml("  filesystem:\n    rootdirectory: /a\n  s3:\n    bucket: b\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory")
        #expect(parseError(text) == .multipleStorageDrivers(["filesystem", "s3"]))
        // observed: "multiple storage drivers specified in configuration or environment: filesystem, s3"
        #expect(parseError(Self.filesystemYAML, ["REGISTRY_STORAGE_S3_BUCKET": "b"]) == .multipleStorageDrivers(["filesystem", "s3"]))
        #expect(parseError(Self.filesystemYAML, ["REGISTRY_STORAGE_GCS": "{bucket: x}"]) == .multipleStorageDrivers(["filesystem", "gcs"]))
        let message = ConfigurationError.multipleStorageDrivers(["filesystem", "s3"]).description
        #expect(message.contains("filesystem, s3"))
    }

    @Test func missingStorage() {
        #expect(parseError("version: 0.1\n") == .noStorageDriver)
        #expect(parseError("version: 0.1\nstorage:\n") == .noStorageDriver)
        // observed: "no storage configuration provided"
        #expect(parseError(Self.yaml("  delete:\n    enabled: true\n  maintenance:\n    readonly:\n      enabled: false")) == .noStorageDriver)
        #expect(parseError("version: 0.1\nstorage: maintenance\n") == .noStorageDriver)
    }

    @Test func storageEntriesMustBeMaps() {
        // observed: the registry refuses `delete: true` ("cannot unmarshal !!map into string").
        let error = parseError(Self.yaml("  filesystem:\n  delete: true"))
        guard case .invalidValue(let key, let reason)? = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(key == "storage.delete")
        #expect(reason.contains("line 4"))
        #expect(parseError("version: 0.1\nstorage: [filesystem]\n") != nil)
    }

    // MARK: Delete

    @Test func deleteEnabledFromYAML() throws {
        for value in ["true", "True", "TRUE", "yes", "Yes", "on", "ON", "y", "Y", "!!bool \"yes\""] {
            let config = try parse(Self.yaml("  filesystem:\n  delete:\n    enabled: \(value)"))
            #expect(config.deleteEnabled, "enabled: \(value)")
        }
        // A quoted "true" is a string for yaml.v2 (observed: 405), and so are numbers and other words.
        for value in ["\"true\"", "'yes'", "1", "0", "false", "no", "off", "n", "enable", "~", "!!str true", "[true]", "{a: b}"] {
            let config = try parse(Self.yaml("  filesystem:\n  delete:\n    enabled: \(value)"))
            #expect(config.deleteEnabled == false, "enabled: \(value)")
        }
        #expect(try parse(Self.yaml("  filesystem:\n  delete:")).deleteEnabled == false)
        #expect(try parse(Self.yaml("  filesystem:\n  delete: {}")).deleteEnabled == false)
    }

    @Test func deleteEnabledFromEnvironment() throws {
        let key = "REGISTRY_STORAGE_DELETE_ENABLED"
        #expect(try parse(Self.filesystemYAML, [key: "true"]).deleteEnabled)
        #expect(try parse(Self.filesystemYAML, [key: "yes"]).deleteEnabled) // observed
        // observed: "1" is an integer and "\"true\"" a string, so delete stays disabled (405).
        #expect(try parse(Self.filesystemYAML, [key: "1"]).deleteEnabled == false)
        #expect(try parse(Self.filesystemYAML, [key: "\"true\""]).deleteEnabled == false)
        // Overrides win over the YAML, both ways.
        let enabledInYAML = Self.yaml("  filesystem:\n  delete:\n    enabled: true")
        #expect(try parse(enabledInYAML, [key: "false"]).deleteEnabled == false)
        #expect(try parse(enabledInYAML, [key: ""]).deleteEnabled == false)
        // observed: a whole-map override works; lower-case segments still reach the key.
        #expect(try parse(Self.filesystemYAML, ["REGISTRY_STORAGE_DELETE": "{enabled: true}"]).deleteEnabled)
        #expect(try parse(Self.filesystemYAML, ["REGISTRY_STORAGE_delete_enabled": "true"]).deleteEnabled)
        // observed: a scalar where a parameter map belongs stops the registry.
        let error = parseError(Self.filesystemYAML, ["REGISTRY_STORAGE_DELETE": "true"])
        guard case .invalidEnvironmentVariable(let name, _)? = error else {
            Issue.record("expected invalidEnvironmentVariable, got \(String(describing: error))")
            return
        }
        #expect(name == "REGISTRY_STORAGE_DELETE")
    }

    // MARK: Maintenance

    @Test func readOnly() throws {
        let on = try parse(Self.yaml("  filesystem:\n  maintenance:\n    readonly:\n      enabled: true"))
        #expect(on.readOnly)
        #expect(try parse(Self.yaml("  filesystem:\n  maintenance:\n    readonly:\n      enabled: yes")).readOnly) // observed
        #expect(try parse(Self.yaml("  filesystem:\n  maintenance:\n    readonly: {}")).readOnly == false)
        #expect(try parse(Self.yaml("  filesystem:\n  maintenance:")).readOnly == false)
        // observed: the registry panics on a non-boolean `enabled` and on a non-map `readonly`.
        if case .invalidValue(let key, _)? = parseError(Self.yaml("  filesystem:\n  maintenance:\n    readonly:\n      enabled: 1")) {
            #expect(key == "storage.maintenance.readonly.enabled")
        } else {
            Issue.record("enabled: 1 should be refused")
        }
        if case .invalidValue(let key, _)? = parseError(Self.yaml("  filesystem:\n  maintenance:\n    readonly:")) {
            #expect(key == "storage.maintenance.readonly")
        } else {
            Issue.record("readonly: (null) should be refused")
        }
    }

    @Test func maintenanceOverrideIsIgnoredWhenTheYAMLHasTheMap() throws {
        // observed: "Ignoring environment variable ... involving map with non-string keys"; still writable.
        let text = Self.yaml("  filesystem:\n  maintenance:\n    readonly:\n      enabled: false")
        let config = try parse(text, ["REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED": "true"])
        #expect(config.readOnly == false)
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.contains("REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED") == true)
        #expect(config.warnings.first?.contains("non-string keys") == true)
    }

    @Test func maintenanceOverrideIsIgnoredWhenTheYAMLLacksTheMap() throws {
        // The registry itself panics here ("readonly config key must contain additional keys", observed);
        // drydock ignores the variable and says why.
        for text in [Self.filesystemYAML, Self.yaml("  filesystem:\n  maintenance:\n    uploadpurging:\n      enabled: false")] {
            let config = try parse(text, ["REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED": "true"])
            #expect(config.readOnly == false)
            #expect(config.warnings.contains { $0.contains("REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED") && $0.contains("Ignoring") })
        }
        let purge = try parse(Self.filesystemYAML, ["REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_ENABLED": "false"])
        #expect(purge.uploadPurging == nil)
        #expect(purge.warnings.contains { $0.contains("REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_ENABLED") })
    }

    @Test func wholeMaintenanceMapsFromEnvironmentWork() throws {
        // observed: both of these put the registry in read-only mode.
        #expect(try parse(Self.filesystemYAML, ["REGISTRY_STORAGE_MAINTENANCE_READONLY": "{enabled: true}"]).readOnly)
        #expect(try parse(Self.filesystemYAML, ["REGISTRY_STORAGE_MAINTENANCE": "{readonly: {enabled: true}}"]).readOnly)
    }

    @Test func uploadPurgingDurations() throws {
        let text = Self.yaml("  filesystem:\n  maintenance:\n    uploadpurging:\n      enabled: true\n      age: 1h30m\n      interval: 90s\n      dryrun: true")
        let config = try parse(text)
        #expect(config.uploadPurging == .init(enabled: true, ageSeconds: 5400, intervalSeconds: 90, dryRun: true))
        #expect(config.effectiveUploadPurging == config.uploadPurging)

        let withoutEnabled = try parse(Self.yaml("  filesystem:\n  maintenance:\n    uploadpurging:\n      age: 168h\n      interval: '24h'\n      dryrun: no"))
        #expect(withoutEnabled.uploadPurging == .registryDefault)

        // enabled: false switches everything else off, unchecked (observed).
        let off = try parse(Self.yaml("  filesystem:\n  maintenance:\n    uploadpurging:\n      enabled: no\n      age: 2h"))
        #expect(off.uploadPurging == .init(enabled: false, ageSeconds: 7200, intervalSeconds: 86400, dryRun: false))
    }

    @Test func uploadPurgingErrorsMirrorRegistryPanics() {
        func key(_ body: String) -> String? {
            if case .invalidValue(let key, _)? = parseError(Self.yaml("  filesystem:\n  maintenance:\n    uploadpurging:\n" + body)) {
                return key
            }
            return nil
        }
        let prefix = "storage.maintenance.uploadpurging"
        // observed: "age is not a string", "age missing" (a quoted "false" does not disable), "cannot parse dryrun",
        // "interval is not a string".
        #expect(key("      age: 5\n      interval: 1h\n      dryrun: false") == "\(prefix).age")
        #expect(key("      enabled: \"false\"") == "\(prefix).age")
        #expect(key("      age: 1h\n      interval: 1h\n      dryrun: \"false\"") == "\(prefix).dryrun")
        #expect(key("      age: 1h\n      interval: 0\n      dryrun: false") == "\(prefix).interval")
        #expect(key("      age: 1 hour\n      interval: 1h\n      dryrun: false") == "\(prefix).age")
        #expect(key("      age: 1h\n      interval: 1h") == "\(prefix).dryrun")
        #expect(key("      - a") == prefix)
        // observed: interval '0' and '-1s' are accepted.
        #expect(key("      age: 1h\n      interval: '0'\n      dryrun: false") == nil)
    }

    // MARK: S3

    @Test func s3Settings() throws {
        let text = Self.yaml("""
              s3:
                accesskey: AKIA
                secretkey: s3cr3t
                region: us-east-1
                bucket: images
                rootdirectory: /registry
            """)
        let config = try parse(text)
        let expected = Config.S3Settings(driverName: "s3", accessKey: "AKIA", secretKey: "s3cr3t", region: "us-east-1",
                                         regionEndpoint: "", bucket: "images", rootDirectory: "/registry",
                                         secure: true, v4Auth: true)
        #expect(config.storage == .s3(expected))
        #expect(!expected.description.contains("s3cr3t"))

        let env = [
            "REGISTRY_STORAGE_S3_REGIONENDPOINT": "http://minio:9000",
            "REGISTRY_STORAGE_S3_SECURE": "false",
            "REGISTRY_STORAGE_S3_V4AUTH": "no",
            "REGISTRY_STORAGE_S3_BUCKET": "other",
            "REGISTRY_STORAGE_S3_SECRETKEY": "from-env",
        ]
        guard case .s3(let s3) = try parse(text, env).storage else {
            Issue.record("expected s3")
            return
        }
        #expect(s3.regionEndpoint == "http://minio:9000")
        #expect(s3.secure == false)
        #expect(s3.v4Auth == false)
        #expect(s3.bucket == "other")
        #expect(s3.secretKey == "from-env")
        #expect(s3.accessKey == "AKIA")
    }

    @Test func s3AliasAndBooleanStrings() throws {
        // The s3 driver accepts Go ParseBool strings for secure and v4auth.
        let text = Self.yaml("  s3aws:\n    bucket: b\n    region: eu-west-1\n    secure: \"false\"\n    v4auth: 'f'")
        guard case .s3(let s3) = try parse(text).storage else {
            Issue.record("expected s3")
            return
        }
        #expect(s3.driverName == "s3aws")
        #expect(s3.secure == false)
        #expect(s3.v4Auth == false)
        #expect(parseError(Self.yaml("  s3:\n    secure: 0")) != nil)
        #expect(parseError(Self.yaml("  s3:\n    v4auth: maybe")) != nil)
        // An S3 override for a filesystem YAML is a second driver (see multipleDrivers); env alone can switch:
        let switched = try parse(Self.filesystemYAML, ["REGISTRY_STORAGE": "s3", "REGISTRY_STORAGE_S3_BUCKET": "x"])
        #expect(switched.storage == .s3(.init(driverName: "s3", bucket: "x")))
    }

    // MARK: Other sections

    @Test func schema1Compatibility() throws {
        let text = Self.filesystemYAML + "compatibility:\n  schema1:\n    enabled: yes\n    signingkeyfile: /etc/key.json\n"
        let config = try parse(text)
        #expect(config.schema1Enabled)
        #expect(config.schema1SigningKeyFile == "/etc/key.json")
        // observed: the Go field name is TrustKey; SIGNINGKEYFILE is ignored with a warning.
        let env = try parse(Self.filesystemYAML, [
            "REGISTRY_COMPATIBILITY_SCHEMA1_TRUSTKEY": "/k1",
            "REGISTRY_COMPATIBILITY_SCHEMA1_SIGNINGKEYFILE": "/k2",
            "REGISTRY_COMPATIBILITY_SCHEMA1_ENABLED": "true",
        ])
        #expect(env.schema1SigningKeyFile == "/k1")
        #expect(env.schema1Enabled)
        #expect(env.warnings == ["Ignoring unrecognized environment variable REGISTRY_COMPATIBILITY_SCHEMA1_SIGNINGKEYFILE"])
        // observed: typed bool fields refuse strings and numbers.
        #expect(parseError(Self.filesystemYAML + "compatibility:\n  schema1:\n    enabled: \"true\"\n")
            == .invalidValue(key: "compatibility.schema1.enabled",
                             reason: "line 7: expected a boolean (true/false, yes/no, on/off), found !!str `true`"))
        let envError = parseError(Self.filesystemYAML, ["REGISTRY_COMPATIBILITY_SCHEMA1_ENABLED": "1"])
        #expect(envError == .invalidEnvironmentVariable(
            name: "REGISTRY_COMPATIBILITY_SCHEMA1_ENABLED",
            reason: "line 1: expected a boolean (true/false, yes/no, on/off), found !!int `1`"))
    }

    @Test func catalogMaxEntries() throws {
        #expect(try parse(Self.filesystemYAML + "catalog:\n  maxentries: 50\n").catalogMaxEntries == 50)
        #expect(try parse(Self.filesystemYAML + "catalog:\n  maxentries: 0\n").catalogMaxEntries == 1000)
        #expect(try parse(Self.filesystemYAML + "catalog:\n  maxentries: -5\n").catalogMaxEntries == 1000)
        #expect(try parse(Self.filesystemYAML + "catalog:\n  maxentries: 2.7\n").catalogMaxEntries == 2) // observed: accepted
        #expect(try parse(Self.filesystemYAML, ["REGISTRY_CATALOG_MAXENTRIES": "7"]).catalogMaxEntries == 7)
        #expect(parseError(Self.filesystemYAML, ["REGISTRY_CATALOG_MAXENTRIES": "abc"]) != nil) // observed: refused
        #expect(parseError(Self.filesystemYAML + "catalog:\n  maxentries: many\n") != nil)
    }

    @Test func validationAndPolicy() throws {
        let text = Self.filesystemYAML + """
            validation:
              manifests:
                urls:
                  allow: ['^https?://([^/]+\\.)*example\\.com/']
                  deny: ['^https?://www\\.example\\.com/']
            policy:
              repository:
                classes: [image]
            """
        let config = try parse(text)
        #expect(config.validation.enabled)
        #expect(config.validation.urlAllow == ["^https?://([^/]+\\.)*example\\.com/"])
        #expect(config.validation.urlDeny == ["^https?://www\\.example\\.com/"])
        #expect(config.repositoryClasses == ["image"])
        #expect(try parse(Self.filesystemYAML + "validation:\n  disabled: true\n").validation.enabled == false)
        #expect(try parse(Self.filesystemYAML + "validation:\n  disabled: true\n  enabled: true\n").validation.enabled)
        // Whole lists can be overridden; single elements cannot (observed: ..._ALLOW_0 has no effect).
        let env = try parse(text, ["REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": "[a, b]", "REGISTRY_VALIDATION_MANIFESTS_URLS_DENY_0": "c"])
        #expect(env.validation.urlAllow == ["a", "b"])
        #expect(env.validation.urlDeny == ["^https?://www\\.example\\.com/"])
        #expect(env.warnings.count == 1)
    }

    @Test func unrecognizedAndIrrelevantVariables() throws {
        let config = try parse(Self.filesystemYAML, [
            "REGISTRY_FOO_BAR": "1",                                  // observed: warning
            "REGISTRY_HTTP_ADDR": ":5000",                            // real field, not read here
            "REGISTRY_CONFIGURATION_PATH": "/etc/docker/registry/config.yml",
            "PATH": "/usr/bin",
            "registry_storage_delete_enabled": "true",                // prefix is case-sensitive
            "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY_X": "1",       // into a string: no effect (observed)
        ])
        #expect(config.warnings == ["Ignoring unrecognized environment variable REGISTRY_FOO_BAR"])
        #expect(config.deleteEnabled == false)
        #expect(config.storage == .filesystem(rootDirectory: "/srv/registry"))
    }

    // MARK: Document-level rules

    @Test func version() {
        #expect(parseError("storage: inmemory\n") == .unsupportedVersion(""))
        #expect(parseError("version: 0.2\nstorage: inmemory\n") == .unsupportedVersion("0.2"))
        #expect(parseError("version: 0.10\nstorage: inmemory\n") == .unsupportedVersion("0.10"))
        #expect(parseError("") == .unsupportedVersion(""))
        #expect(ConfigurationError.unsupportedVersion("").description.contains("version: 0.1"))
        // observed: REGISTRY_VERSION must still look like X.Y.
        #expect(parseError("version: 0.1\nstorage: inmemory\n", ["REGISTRY_VERSION": "abc"]) != nil)
        #expect((try? parse("version: 0.1\nstorage: inmemory\n", ["REGISTRY_VERSION": "0.2"])) != nil)
    }

    @Test func invalidYAMLNamesTheLine() {
        let error = parseError("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: [unclosed\n")
        guard case .invalidYAML(let reason)? = error else {
            Issue.record("expected invalidYAML, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("line "))
        #expect(error?.description.hasPrefix("registry configuration is not valid YAML: line ") == true)
        #expect(parseError("version: 0.1\nstorage: inmemory\n", ["REGISTRY_STORAGE_FILESYSTEM": "{a: [}"]) != nil)
        if case .invalidValue? = parseError("just a string") {} else { Issue.record("a scalar document is not a configuration") }
    }

    @Test func mergeKeysAndLaterDocuments() throws {
        let text = """
            version: 0.1
            defaults: &defaults
              rootdirectory: /merged
            storage:
              filesystem:
                <<: *defaults
              delete: {enabled: true}
            ---
            this: [is ignored, as yaml.v2 reads one document
            """
        let config = try parse(text)
        #expect(config.storage == .filesystem(rootDirectory: "/merged"))
        #expect(config.deleteEnabled)
    }

    @Test func debianPackageDefaultConfiguration() throws {
        // /etc/docker/registry/config.yml as shipped by Debian's docker-registry 2.8.2+ds1-1.
        let text = """
            version: 0.1
            log:
              fields:
                service: registry
            storage:
              cache:
                blobdescriptor: inmemory
              filesystem:
                rootdirectory: /var/lib/docker-registry
              delete:
                enabled: true
            http:
              addr: :5000
              headers:
                X-Content-Type-Options: [nosniff]
            auth:
              htpasswd:
                realm: basic-realm
                path: /etc/docker/registry
            health:
              storagedriver:
                enabled: true
                interval: 10s
                threshold: 3
            """
        let config = try parse(text, ["REGISTRY_HTTP_ADDR": "127.0.0.1:5000"])
        #expect(config == Config(storage: .filesystem(rootDirectory: "/var/lib/docker-registry"), deleteEnabled: true,
                                 http: HTTPSettings(addr: "127.0.0.1:5000"), blobDescriptorCache: .inMemory))
    }

    @Test func wholeUploadPurgingBlockFromEnvironment() throws {
        // observed: accepted as a whole block; without dryrun the registry panics ("dryrun missing").
        let env = ["REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING": "{enabled: true, age: 72h, interval: 12h, dryrun: false}"]
        #expect(try parse(Self.filesystemYAML, env).uploadPurging == .init(enabled: true, ageSeconds: 259_200, intervalSeconds: 43_200, dryRun: false))
        let missing = ["REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING": "{enabled: true, age: 72h, interval: 12h}"]
        #expect(parseError(Self.filesystemYAML, missing)
            == .invalidValue(key: "storage.maintenance.uploadpurging.dryrun",
                             reason: "missing; when the uploadpurging block is given, age, interval and dryrun are required (registry 2.8.2 panics otherwise)"))
    }

    // MARK: Hostile input

    @Test func deepNestingIsRefusedWithoutCrashing() {
        for depth in [100, 999, 5_000, 200_000] {
            let text = "version: 0.1\nstorage: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            guard case .invalidYAML? = parseError(text) else {
                Issue.record("depth \(depth) should be refused")
                continue
            }
        }
        let maps = "version: 0.1\nstorage: " + String(repeating: "{a: ", count: 990) + "x" + String(repeating: "}", count: 990)
        guard case .invalidYAML? = parseError(maps) else {
            Issue.record("deep mappings should be refused")
            return
        }
    }

    @Test func aliasBombsAreRefused() {
        var lines = ["version: 0.1", "storage:", "  filesystem:", "    rootdirectory: /x", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...9 {
            lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
        }
        guard case .invalidYAML(let reason)? = parseError(lines.joined(separator: "\n")) else {
            Issue.record("an alias bomb should be refused")
            return
        }
        #expect(reason.contains("aliases"))
        // Aliases as mapping keys would make Yams hash the expanded key: refused before parsing.
        let keyBomb = lines.prefix(7).joined(separator: "\n") + "\nk: {? *a2 : 1}\n"
        guard case .invalidYAML? = parseError(keyBomb) else {
            Issue.record("alias keys should be refused")
            return
        }
        // A handful of ordinary aliases is fine.
        #expect((try? parse("version: 0.1\nx: &r /srv\nstorage:\n  filesystem:\n    rootdirectory: *r\n"))?.storage
            == .filesystem(rootDirectory: "/srv"))
    }

    @Test func oversizedDocumentsAreRefused() {
        let big = Self.filesystemYAML + "# " + String(repeating: "x", count: Config.maxFileSize) + "\n"
        guard case .invalidYAML? = parseError(big) else {
            Issue.record("a document over 1 MiB should be refused")
            return
        }
    }

    // MARK: Files

    @Test func loadReadsFilesAndReportsProblems() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let good = dir.appendingPathComponent("config.yml").path
        try Self.filesystemYAML.write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try Config.load(path: good, environment: [:]).storage == .filesystem(rootDirectory: "/srv/registry"))
        #expect(try Config.load(path: good, environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "on"]).deleteEnabled)

        let missing = dir.appendingPathComponent("nope.yml").path
        guard case .unreadable(let path, let reason)? = Self.loadError(missing) else {
            Issue.record("missing file should be unreadable")
            return
        }
        #expect(path == missing)
        #expect(reason.contains("No such file"))

        if case .unreadable(_, let reason)? = Self.loadError(dir.path) {
            #expect(reason.contains("directory"))
        } else {
            Issue.record("a directory should be unreadable")
        }

        let big = dir.appendingPathComponent("big.yml").path
        try (Self.filesystemYAML + "# " + String(repeating: "x", count: Config.maxFileSize)).write(toFile: big, atomically: true, encoding: .utf8)
        if case .unreadable(_, let reason)? = Self.loadError(big) {
            #expect(reason.contains("1 MiB"))
        } else {
            Issue.record("an oversized file should be unreadable")
        }

        let bad = dir.appendingPathComponent("bad.yml").path
        try "version: 0.1\nstorage: {filesystem: [\n".write(toFile: bad, atomically: true, encoding: .utf8)
        if case .invalidYAML(let reason)? = Self.loadError(bad) {
            #expect(reason.hasPrefix(bad + ": "))
        } else {
            Issue.record("invalid YAML should say so")
        }

        let binary = dir.appendingPathComponent("binary.yml").path
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0x76, 0xFF, 0xFE, 0x00])))
        if case .invalidYAML(let reason)? = Self.loadError(binary) {
            #expect(reason.contains("UTF-8"))
        } else {
            Issue.record("non-UTF-8 should be refused")
        }
    }

    @Test func loadReportsUnreadableFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.yml").path
        try Self.filesystemYAML.write(toFile: file, atomically: true, encoding: .utf8)
        // A folder where the file should be is unreadable for everyone, root included.
        if case .unreadable? = Self.loadError(dir.path) {} else { Issue.record("a folder given as the config should be reported") }
        // Permissions bind only non-root users. CI runs as root: there UnprivilegedReadTests (InteropTests) runs the
        // same load as uid 65534 through the drydock binary.
        guard geteuid() != 0 else { return }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file)
        if case .unreadable(_, let reason)? = Self.loadError(file) {
            #expect(reason.contains("Permission denied"))
        } else {
            Issue.record("an unreadable file should be reported")
        }
    }

    static func loadError(_ path: String) -> ConfigurationError? {
        do {
            _ = try Config.load(path: path, environment: [:])
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultPath() {
        #expect(Config.defaultPath(environment: [:]) == nil)
        #expect(Config.defaultPath(environment: ["REGISTRY_CONFIGURATION_PATH": ""]) == nil)
        #expect(Config.defaultPath(environment: ["REGISTRY_CONFIGURATION_PATH": "/etc/r.yml"]) == "/etc/r.yml")
    }

    @Test func messagesEscapeControlCharacters() {
        let error = ConfigurationError.unreadable(path: "/tmp/\u{1B}[31mred", reason: "x")
        #expect(!error.description.contains("\u{1B}"))
    }

    /// Some Windows editors save UTF-8 with a byte order mark (EF BB BF). yaml.v2, and so the registry, takes it for
    /// the encoding's signature and reads the file as if it were not there; so does Drydock.
    @Test func aLeadingByteOrderMarkIsReadAsTheRegistryReadsIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = """
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: /srv/registry
              delete:
                enabled: true
            http:
              addr: :5000

            """
        let file = dir.appendingPathComponent("config.yml").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)))
        let plain = try parse(text)
        let marked = try Config.load(path: file, environment: [:])
        #expect(marked.storage == .filesystem(rootDirectory: "/srv/registry"))
        #expect(marked == plain)
        #expect(try parse("\u{FEFF}" + text) == plain)
    }

    /// Text quoted from the file is escaped in errors and warnings alike.
    @Test func configurationTextIsEscapedWhereverItIsQuoted() throws {
        let duplicate = parseError("version: 0.1\n\"k\\e[2J\": 1\n\"k\\e[2J\": 2\nstorage: inmemory\n")
        let message = try #require(duplicate?.description)
        #expect(message.contains(#"k\x1b[2J"#) && !SafeText.needsEscaping(message), "\(message)")
        let warned = try parse(Self.yaml("  filesystem:\n  cache:\n    blobdescriptor: \"x\\e]0;owned\\a\""))
        #expect(warned.warnings.contains { $0.contains(#"x\x1b]0;owned\x07"#) }, "\(warned.warnings)")
        #expect(!warned.warnings.contains(where: SafeText.needsEscaping), "\(warned.warnings)")
    }
}

@Suite struct GoDurationTests {
    @Test func parsesGoDurations() {
        let cases: [(String, Double)] = [
            ("168h", 604_800), ("24h", 86_400), ("1h30m", 5_400), ("90s", 90), ("1.5h", 5_400), ("300ms", 0.3),
            ("0", 0), ("+0", 0), ("-0", 0), ("-1.5h", -5_400), ("1h0m0s", 3_600), (".5s", 0.5), ("1.s", 1),
            ("2h45m30.5s", 9_930.5), ("1us", 0.000001), ("1µs", 0.000001), ("1μs", 0.000001), ("10ns", 0.00000001),
            ("0s", 0), ("1m1m", 120),
        ]
        for (text, seconds) in cases {
            let parsed = GoDuration.seconds(text)
            #expect(parsed != nil, "\(text)")
            if let parsed { #expect(abs(parsed - seconds) < 1e-12, "\(text)") }
        }
    }

    @Test func rejectsWhatGoRejects() {
        for text in ["", "1", "h", "-", "+", ".", ".s", "1 h", " 1h", "1h ", "1d", "1H", "1hh", "1.5", "--1h", "1e3s", "0x10s",
                     "9223372036854775808ns", "2562048h", "1.5.5h"] {
            #expect(GoDuration.seconds(text) == nil, "\(text)")
        }
    }

    @Test func exactNanosecondsAtTheLimits() {
        #expect(GoDuration.nanoseconds("9223372036854775807ns") == Int64.max)
        #expect(GoDuration.nanoseconds("-9223372036854775808ns") == Int64.min)
        #expect(GoDuration.nanoseconds("2562047h") == Int64(2_562_047) * 3_600_000_000_000)
        #expect(GoDuration.nanoseconds("1.000000001s") == 1_000_000_001)
        #expect(GoDuration.nanoseconds("0.1h") == 360_000_000_000)
    }
}

@Suite struct YAMLV2ScalarTests {
    @Test func resolvesLikeYAMLv2() {
        #expect(YAMLV2.resolvePlain("yes") == .bool(true))
        #expect(YAMLV2.resolvePlain("Off") == .bool(false))
        #expect(YAMLV2.resolvePlain("yES") == .string("yES"))
        #expect(YAMLV2.resolvePlain("~") == .null)
        #expect(YAMLV2.resolvePlain("0x1F") == .int(31))
        #expect(YAMLV2.resolvePlain("0o17") == .int(15))
        #expect(YAMLV2.resolvePlain("017") == .int(15))
        #expect(YAMLV2.resolvePlain("0b101") == .int(5))
        #expect(YAMLV2.resolvePlain("1_000") == .int(1000))
        #expect(YAMLV2.resolvePlain("-42") == .int(-42))
        #expect(YAMLV2.resolvePlain("18446744073709551615") == .uint(UInt64.max))
        #expect(YAMLV2.resolvePlain("08") == .float(8))
        #expect(YAMLV2.resolvePlain("1.5") == .float(1.5))
        #expect(YAMLV2.resolvePlain(".5") == .float(0.5))
        #expect(YAMLV2.resolvePlain("1e400") == .string("1e400"))
        #expect(YAMLV2.resolvePlain("168h") == .string("168h"))
        #expect(YAMLV2.resolvePlain("2001-12-14") == .string("2001-12-14"))
        #expect(YAMLV2.resolvePlain("+") == .string("+"))
    }

    @Test func formatsFloatsLikeFmt() {
        let cases: [(Double, String)] = [
            (1000, "1000"), (1e6, "1e+06"), (100000, "100000"), (1.5, "1.5"), (0.0001, "0.0001"), (0.00001, "1e-05"),
            (123456789, "1.23456789e+08"), (1e21, "1e+21"), (-0.0, "-0"), (0, "0"), (.infinity, "+Inf"), (-2.5, "-2.5"),
        ]
        for (value, text) in cases {
            #expect(GoFormat.float(value) == text, "\(value)")
        }
    }
}
