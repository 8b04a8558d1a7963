import RegistryStorage

/// Whether this session may delete, and why, as the UI shows it. It is derived from the core's `DeletePolicy`
/// (the one gate every delete goes through), so the browser and `drydock rm` always agree.
public enum DeleteGate: Equatable, Sendable {
    /// `source` says what allowed it.
    case enabled(source: String)
    /// Deletes are refused (`reason` names the setting and how to change it); garbage collection, which
    /// `storage.delete.enabled` does not govern, still runs after its confirmation.
    case disabled(reason: String)
    /// Nothing may change: deletes and garbage collection are both refused (`--read-only`, maintenance read-only).
    case readOnly(reason: String)

    public init(_ policy: DeletePolicy, enabledBecause source: String = "storage.delete.enabled") {
        if policy.allowsDelete {
            self = .enabled(source: source)
        } else if !policy.allowsWrite {
            self = .readOnly(reason: policy.writeRefusal ?? policy.refusal ?? "the store is read-only")
        } else {
            self = .disabled(reason: policy.refusal ?? "deletion is disabled")
        }
    }

    /// Why deletes are refused; nil when they are allowed.
    public var refusal: String? {
        switch self {
        case .enabled: nil
        case .disabled(let reason), .readOnly(let reason): reason
        }
    }

    public var isEnabled: Bool {
        if case .enabled = self { return true }
        return false
    }

    /// The status line words: what is actually refused.
    public var statusText: String {
        switch self {
        case .enabled: "delete enabled"
        case .disabled: "deletes off"
        case .readOnly: "read-only"
        }
    }

    /// The settings that turn deletion on, named in the disabled dialog.
    public static let settings = "storage.delete.enabled / REGISTRY_STORAGE_DELETE_ENABLED / --delete-enabled"
}
