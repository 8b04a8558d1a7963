import RegistryStorage

/// Which blob-descriptor cache the registry runs with, for `gc --online`.
enum OnlineGCCache {
    /// A bare STORE has no configuration to read: only the operator's `--no-cache-check` lets a run proceed.
    /// With `--config`, the configuration is read for `storage.cache` once the reader reports it; until then a
    /// configuration counts as unchecked too, and `--no-cache-check` is the operator's word.
    static func state(of registry: RegistryStore, noCacheCheck: Bool) -> RegistryCacheState {
        noCacheCheck ? .vouchedNone : .unknown
    }
}
