import Foundation
import Testing
@testable import RegistryStorage

@Suite struct DeletePolicyTests {
    static func config(delete: String? = nil, readOnly: Bool = false, env: [String: String] = [:]) throws -> RegistryConfiguration {
        var yaml = "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /srv/registry\n"
        if let delete { yaml += "  delete:\n    enabled: \(delete)\n" }
        if readOnly { yaml += "  maintenance:\n    readonly:\n      enabled: true\n" }
        return try RegistryConfiguration.parse(yaml: yaml, environment: env)
    }

    @Test func bareRootDefaultsToDisabledAndSaysHowToEnable() {
        let p = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: false, readOnlyFlag: false)
        #expect(!p.allowsDelete)
        #expect(p.allowsWrite, "undo and gc stay possible")
        let message = p.refusal ?? ""
        #expect(message.contains("--delete-enabled"))
        #expect(message.contains("REGISTRY_STORAGE_DELETE_ENABLED=true"))
        #expect(message.contains(DeletePolicy.unsupportedMessage))
        #expect(throws: DeleteError.self) { try p.checkDelete() }
    }

    @Test func bareRootFlagOrEnvironmentEnables() {
        #expect(DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: false).allowsDelete)
        for value in ["true", "yes", "on", "True"] {
            let p = DeletePolicy.resolve(configuration: nil, environment: ["REGISTRY_STORAGE_DELETE_ENABLED": value], deleteEnabledFlag: false, readOnlyFlag: false)
            #expect(p.allowsDelete, "\(value)")
        }
        // The registry parses the value as YAML: 1 is an integer, "true" quoted is a string.
        for value in ["1", "\"true\"", "false", "enabled"] {
            let p = DeletePolicy.resolve(configuration: nil, environment: ["REGISTRY_STORAGE_DELETE_ENABLED": value], deleteEnabledFlag: false, readOnlyFlag: false)
            #expect(!p.allowsDelete, "\(value)")
            #expect(p.refusal?.contains("REGISTRY_STORAGE_DELETE_ENABLED=\(value)") == true)
        }
    }

    @Test func flagNeverOverridesAnEnvironmentThatSaysFalse() {
        let p = DeletePolicy.resolve(configuration: nil, environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "false"], deleteEnabledFlag: true, readOnlyFlag: false)
        #expect(!p.allowsDelete)
        #expect(p.refusal?.hasPrefix("--delete-enabled does not override") == true)
    }

    @Test func configurationDecidesAndTheFlagCannotOverrideIt() throws {
        #expect(DeletePolicy.resolve(configuration: try Self.config(delete: "true"), environment: [:], deleteEnabledFlag: false, readOnlyFlag: false).allowsDelete)
        for setting in [nil, "false", "\"true\"", "1"] {
            let config = try Self.config(delete: setting)
            let plain = DeletePolicy.resolve(configuration: config, environment: [:], deleteEnabledFlag: false, readOnlyFlag: false, configPath: "/etc/reg.yml")
            #expect(!plain.allowsDelete, "\(setting ?? "missing")")
            #expect(plain.refusal?.contains("storage.delete.enabled is false in /etc/reg.yml") == true)
            #expect(plain.refusal?.contains("enabled: true") == true)
            let flagged = DeletePolicy.resolve(configuration: config, environment: [:], deleteEnabledFlag: true, readOnlyFlag: false, configPath: "/etc/reg.yml")
            #expect(!flagged.allowsDelete)
            #expect(flagged.refusal?.hasPrefix("--delete-enabled does not override the registry configuration") == true)
        }
    }

    @Test func environmentOverrideOfTheConfigurationIsNamed() throws {
        let env = ["REGISTRY_STORAGE_DELETE_ENABLED": "false"]
        let config = try Self.config(delete: "true", env: env)
        let p = DeletePolicy.resolve(configuration: config, environment: env, deleteEnabledFlag: false, readOnlyFlag: false)
        #expect(!p.allowsDelete)
        #expect(p.refusal?.contains("REGISTRY_STORAGE_DELETE_ENABLED=false overrides") == true)
        let enabling = ["REGISTRY_STORAGE_DELETE_ENABLED": "true"]
        let on = DeletePolicy.resolve(configuration: try Self.config(delete: "false", env: enabling), environment: enabling, deleteEnabledFlag: false, readOnlyFlag: false)
        #expect(on.allowsDelete)
    }

    @Test func readOnlyAlwaysWins() throws {
        let flag = DeletePolicy.resolve(configuration: try Self.config(delete: "true"), environment: [:], deleteEnabledFlag: true, readOnlyFlag: true)
        #expect(!flag.allowsDelete && !flag.allowsWrite)
        #expect(flag.refusal?.contains("--read-only") == true)
        #expect(flag.writeRefusal?.contains("--read-only") == true)
        let bare = DeletePolicy.resolve(configuration: nil, environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "true"], deleteEnabledFlag: true, readOnlyFlag: true)
        #expect(!bare.allowsDelete && !bare.allowsWrite)
        let config = DeletePolicy.resolve(configuration: try Self.config(delete: "true", readOnly: true), environment: [:], deleteEnabledFlag: false, readOnlyFlag: false)
        #expect(!config.allowsDelete && !config.allowsWrite)
        #expect(config.refusal?.contains("storage.maintenance.readonly.enabled is true") == true)
        #expect(throws: DeleteError.self) { try config.checkWrite() }
    }
}
