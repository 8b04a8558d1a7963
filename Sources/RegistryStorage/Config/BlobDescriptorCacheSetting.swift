/// `storage.cache.blobdescriptor` (or its older name `storage.cache.layerinfo`, read only when `blobdescriptor`
/// is absent), as registry 2.8.2's `handlers/app.go` `NewApp` acts on it: only the exact strings `redis` and
/// `inmemory` turn a cache on; anything else (another word, a different case, a number, null) leaves the
/// registry without a cache (it logs "unknown cache type", and so does `RegistryConfiguration.warnings`).
public enum BlobDescriptorCacheSetting: Sendable, Equatable {
    /// No cache: every `HEAD` and `GET` of a blob looks at storage.
    case none
    /// A cache inside the registry process. Entries never expire and nothing outside can clear them, so a blob
    /// swept while the registry runs is still announced as present (distribution #1803, #2945, #4269).
    case inMemory
    /// The registry's redis (`RegistryConfiguration.redis`), which Drydock can clear
    /// (`RedisBlobDescriptorCache`).
    case redis
}
