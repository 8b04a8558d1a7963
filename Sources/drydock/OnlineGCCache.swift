import RegistryStorage

/// Which blob-descriptor cache the registry runs with, for `gc --online`: read from the configuration
/// (`storage.cache.blobdescriptor` and the `redis:` block, as 2.8.2's `handlers/app.go` acts on them). A bare STORE
/// has no configuration to read: only the operator's `--no-cache-check` lets a run proceed.
enum OnlineGCCache {
    static func state(of registry: RegistryStore, noCacheCheck: Bool) -> RegistryCacheState {
        guard let configuration = registry.configuration else { return noCacheCheck ? .vouchedNone : .unknown }
        if noCacheCheck {
            FileHandleOutput.standardError("drydock: note: --no-cache-check is ignored with --config: the configuration says which cache the registry runs")
        }
        switch configuration.blobDescriptorCache {
        case .none: return .none
        case .inMemory: return .inMemory
        case .redis:
            // 2.8.2 refuses to start with a redis cache and no redis address; whatever answers is not this config.
            guard let settings = configuration.redis else {
                return .unusable("storage.cache.blobdescriptor is redis but the configuration has no redis.addr: the registry cannot run with it, so its cache cannot be purged")
            }
            return .redis(RedisBlobDescriptorCache(settings: settings))
        }
    }
}
