extension RegistryStore {
    /// The local content cache light loads read manifests and configs from (nil: every read goes to the store).
    /// Set once after opening, before loading (`drydock` sets it unless `--no-cache`).
    public var contentCache: ContentCache? {
        get { contentCacheSlot.withLock { $0 } }
        set { contentCacheSlot.withLock { $0 = newValue } }
    }
}
