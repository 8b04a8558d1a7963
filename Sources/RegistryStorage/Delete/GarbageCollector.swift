/// Mark and sweep as registry 2.8.2's `garbage-collect` does (storage-format §7), corrected where it is wrong:
/// with `deleteUntagged`, children of a tagged index and OCI referrers of kept manifests are kept (as 3.0 keeps them);
/// manifests linked only under `_layers` (seed era) are marked with their layers, and the seed-era signature blobs of
/// live revisions are marked too (2.8.2 would sweep them all, storage-format §7.4); `_layers` links of swept blobs
/// are removed (as 3.0 does). Marking is a set operation over loaded repositories, never a re-walk per tag.
///
/// Like the registry's collector, it does not consult `storage.delete.enabled`; a real run needs only
/// `DeletePolicy.allowsWrite` and the caller's word that the registry is stopped or read-only.
public struct GarbageCollector: Sendable {
    public enum Rules: Sendable {
        /// Drydock's collector (the corrections above).
        case drydock
        /// What registry 2.8.2 itself marks, to show where it would differ.
        case registry282
    }

    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }
}
