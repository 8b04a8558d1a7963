extension RegistryStore {
    /// The local content cache light loads read manifests and configs from (nil: every read goes to the store).
    /// Set once after opening, before loading (`drydock` sets it unless `--no-cache`).
    public var contentCache: ContentCache? {
        get { contentCacheSlot.withLock { $0 } }
        set { contentCacheSlot.withLock { $0 = newValue } }
    }

    /// The local cache of facts extracted from manifests and configs (`FactsCache`): every load that read and hashed
    /// a manifest or config records what it extracted; only a store that `trustsCachedFacts` reads records back.
    public var factsCache: FactsCache? {
        get { factsSlot.withLock { $0.cache } }
        set { factsSlot.withLock { $0.cache = newValue } }
    }

    /// Light loads take manifests and configs from the facts cache. Set only for runs that delete nothing (`ls`, dry
    /// runs): a facts record is not checked against its digest, so a forged one could hide a reference, and a
    /// collection marking from it would delete a blob still in use. The delete paths refuse a store with it set
    /// (`requireVerifiedReads`).
    public var trustsCachedFacts: Bool {
        get { factsSlot.withLock { $0.trusted } }
        set { factsSlot.withLock { $0.trusted = newValue } }
    }

    /// Thrown by everything that deletes before it loads or plans: marks come from hashed bytes only.
    func requireVerifiedReads() throws(DeleteError) {
        if trustsCachedFacts {
            throw .refused("this store reads cached manifest facts, which are not checked against their digests; open it without them to delete")
        }
    }
}
