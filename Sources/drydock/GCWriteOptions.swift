import ArgumentParser
import Foundation
import RegistryStorage

/// `gc`'s share of the delete gate: only `--read-only` applies. Like the registry's `garbage-collect`, gc ignores
/// storage.delete.enabled (docs/storage-format.md §7), so `--delete-enabled` is not offered in its help; it is still
/// accepted, for scripts that pass the same flags to `rm` and `gc`, and says it changes nothing.
struct GCWriteOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp("Accepted and ignored: gc does not consult storage.delete.enabled.", visibility: .private))
    var deleteEnabled = false

    @Flag(name: .long, help: "Refuse a real run (as storage.maintenance.readonly.enabled does).")
    var readOnly = false

    /// The effective policy for a store opened through `storeOptions`; prints the policy's notes.
    func policy(for registry: RegistryStore, storeOptions: StoreOptions) -> DeletePolicy {
        DeleteOptions.policy(deleteEnabled: deleteEnabled, readOnly: readOnly, for: registry, storeOptions: storeOptions)
    }
}
