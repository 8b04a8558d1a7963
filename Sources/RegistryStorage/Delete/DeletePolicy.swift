/// The one gate every delete path (library, CLI, TUI) goes through: whether soft deletes are allowed
/// (`storage.delete.enabled`, the seed's `deleteEnabled` switch) and whether the store may be written at all
/// (`storage.maintenance.readonly.enabled`, `--read-only`).
///
/// - With a registry configuration, deletes follow `storage.delete.enabled` after `REGISTRY_*` overrides, exactly as
///   the registry reads it (default false). `--delete-enabled` never overrides a configuration that says false.
/// - With a bare store root: `REGISTRY_STORAGE_DELETE_ENABLED` (parsed as YAML, like the registry) when set,
///   otherwise `--delete-enabled`; default false.
/// - Read-only (`--read-only`, or `storage.maintenance.readonly.enabled: true`) always wins and also refuses writes
///   (undo, a real garbage collection).
///
/// Garbage collection does not consult the delete setting (the registry's `garbage-collect` does not either); it only
/// needs `allowsWrite`.
public struct DeletePolicy: Sendable, Equatable {
    /// Soft deletes (tags, manifests, layer links, repositories, uploads) may run.
    public let allowsDelete: Bool
    /// The store may be written: undo and a real `gc`. False only when the store is read-only.
    public let allowsWrite: Bool
    /// Why a delete is refused, naming the setting and how to change it; nil when `allowsDelete`.
    public let refusal: String?
    /// Why a write (undo, gc) is refused; nil when `allowsWrite`.
    public let writeRefusal: String?
    /// Worth showing even when nothing is refused (e.g. a flag that had no effect).
    public let notes: [String]

    /// The registry's environment override for `storage.delete.enabled`.
    public static let environmentVariable = "REGISTRY_STORAGE_DELETE_ENABLED"
    /// The seed's answer when delete is disabled (`distribution.ErrUnsupported`, HTTP 405 `UNSUPPORTED`).
    public static let unsupportedMessage = "The operation is unsupported."

    /// Internal: outside the module a policy comes only from `resolve`, so no caller can make up its own gate.
    init(allowsDelete: Bool, allowsWrite: Bool, refusal: String?, writeRefusal: String?, notes: [String] = []) {
        self.allowsDelete = allowsDelete && allowsWrite
        self.allowsWrite = allowsWrite
        self.refusal = self.allowsDelete ? nil : (refusal ?? writeRefusal ?? "deletion is disabled")
        self.writeRefusal = allowsWrite ? nil : (writeRefusal ?? "the store is read-only")
        self.notes = notes
    }

    /// Everything allowed (tests).
    static let unrestricted = DeletePolicy(allowsDelete: true, allowsWrite: true, refusal: nil, writeRefusal: nil)

    /// The effective policy.
    /// - Parameters:
    ///   - configuration: the registry configuration the store was opened through (its `deleteEnabled` already has
    ///     `REGISTRY_*` overrides applied, as `RegistryConfiguration.load` does), or nil for a bare store root.
    ///   - environment: the process environment (read for a bare store root, and to name the source in messages).
    ///   - deleteEnabledFlag: `--delete-enabled`.
    ///   - readOnlyFlag: `--read-only`.
    ///   - configPath: the configuration file, for messages.
    public static func resolve(
        configuration: RegistryConfiguration?, environment: [String: String], deleteEnabledFlag: Bool, readOnlyFlag: Bool,
        configPath: String? = nil
    ) -> DeletePolicy {
        let file = configPath.map { SafeText.escaping($0) } ?? "the registry configuration"
        let envValue = environment[environmentVariable]
        var notes: [String] = []

        var writeRefusal: String?
        if readOnlyFlag {
            writeRefusal = "the store is opened read-only (--read-only): nothing is deleted or restored. Drop --read-only to allow changes."
        } else if configuration?.readOnly == true {
            writeRefusal = "the store is read-only: storage.maintenance.readonly.enabled is true in \(file). "
                + "Nothing is deleted or restored while it is; set it to false there (and restart the registry) to allow changes."
        }

        var deleteRefusal: String?
        if let configuration {
            if !configuration.deleteEnabled {
                let setting: String
                if let envValue {
                    setting = "storage.delete.enabled is false: \(environmentVariable)=\(SafeText.escaping(envValue)) overrides \(file) "
                        + "(only a YAML boolean such as true enables deletes)"
                } else {
                    setting = "storage.delete.enabled is false in \(file) (false is the registry's default)"
                }
                let change = "To allow deletes, set `storage: delete: enabled: true` in \(file) "
                    + "(or \(environmentVariable)=true in the registry's environment) and restart the registry."
                if deleteEnabledFlag {
                    deleteRefusal = "--delete-enabled does not override the registry configuration: \(setting). \(change)"
                } else {
                    deleteRefusal = "deletion is disabled (the registry answers \"\(unsupportedMessage)\"): \(setting). \(change)"
                }
            }
        } else if let envValue {
            if !yamlTrue(envValue) {
                let setting = "\(environmentVariable)=\(SafeText.escaping(envValue)) disables deletes (only a YAML boolean such as true enables them)"
                deleteRefusal = deleteEnabledFlag
                    ? "--delete-enabled does not override \(setting). Unset it or set it to true."
                    : "deletion is disabled (the registry answers \"\(unsupportedMessage)\"): \(setting). Set \(environmentVariable)=true to allow deletes."
            }
        } else if !deleteEnabledFlag {
            deleteRefusal = "deletion is disabled (the registry answers \"\(unsupportedMessage)\"): storage.delete.enabled defaults to false. "
                + "Pass --delete-enabled, set \(environmentVariable)=true, or open the store with --config FILE whose storage.delete.enabled is true."
        }
        if configuration != nil, deleteEnabledFlag, deleteRefusal == nil {
            notes.append("--delete-enabled has no effect with --config: the configuration already enables deletes")
        }
        let allowsWrite = writeRefusal == nil
        return DeletePolicy(
            allowsDelete: deleteRefusal == nil && allowsWrite, allowsWrite: allowsWrite,
            refusal: writeRefusal ?? deleteRefusal, writeRefusal: writeRefusal, notes: notes)
    }

    /// Throws `.refused` unless soft deletes are allowed.
    public func checkDelete() throws(DeleteError) {
        if let refusal, !allowsDelete { throw .refused(refusal) }
    }

    /// Throws `.refused` unless the store may be written (undo, gc).
    public func checkWrite() throws(DeleteError) {
        if let writeRefusal, !allowsWrite { throw .refused(writeRefusal) }
    }

    /// The registry parses the variable as YAML: only a boolean true enables deletes (`1` is an integer).
    static func yamlTrue(_ text: String) -> Bool {
        guard case .scalar(let s)? = try? YAMLText.parseFirstDocument(text) else { return false }
        return (try? YAMLV2.resolve(s)) == .bool(true)
    }
}
