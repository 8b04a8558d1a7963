import ArgumentParser
import Foundation
import RegistryStorage

/// The delete gate's flags, shared by `rm`, `undo` and the browser (`gc` takes `GCWriteOptions`).
struct DeleteOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: """
            Allow deletes on a bare store root (as REGISTRY_STORAGE_DELETE_ENABLED=true). Never overrides a --config \
            whose storage.delete.enabled is false, nor that variable set to false.
            """)
    var deleteEnabled = false

    @Flag(name: .long, help: "Refuse every change to the store (deletes, undo, a real gc).")
    var readOnly = false

    /// The effective policy for a store opened through `storeOptions`; prints the policy's notes.
    func policy(for registry: RegistryStore, storeOptions: StoreOptions) -> DeletePolicy {
        Self.policy(deleteEnabled: deleteEnabled, readOnly: readOnly, for: registry, storeOptions: storeOptions)
    }

    static func policy(deleteEnabled: Bool, readOnly: Bool, for registry: RegistryStore, storeOptions: StoreOptions) -> DeletePolicy {
        let policy = DeletePolicy.resolve(
            configuration: registry.configuration, environment: ProcessInfo.processInfo.environment,
            deleteEnabledFlag: deleteEnabled, readOnlyFlag: readOnly, configPath: storeOptions.config)
        for note in policy.notes { FileHandleOutput.standardError("drydock: note: \(note)") }
        return policy
    }
}
