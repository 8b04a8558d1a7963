import RegistryStorage

/// Whether this session may delete, and why, as the UI shows it. It is derived from the core's `DeletePolicy`
/// (the one gate every delete goes through), so the browser and `drydock rm` always agree.
public enum DeleteGate: Equatable, Sendable {
    /// `source` says what allowed it.
    case enabled(source: String)
    /// `reason` says what stands in the way, naming the setting and how to change it.
    case disabled(reason: String)

    public init(_ policy: DeletePolicy, enabledBecause source: String = "storage.delete.enabled") {
        if policy.allowsDelete {
            self = .enabled(source: source)
        } else {
            self = .disabled(reason: policy.refusal ?? "deletion is disabled")
        }
    }

    public var isEnabled: Bool {
        if case .enabled = self { return true }
        return false
    }

    /// The status line word.
    public var statusText: String { isEnabled ? "delete enabled" : "read-only" }

    /// The settings that turn deletion on, named in the disabled dialog.
    public static let settings = "storage.delete.enabled / REGISTRY_STORAGE_DELETE_ENABLED / --delete-enabled"
}
