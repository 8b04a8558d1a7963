import RegistryStorage

/// The operations effects need, as closures, so the run loop can be driven by a real store, by a test double,
/// or with verification plugged in from elsewhere.
public struct EffectHandler: Sendable {
    public var loadCatalog: @Sendable (_ onEntry: @Sendable (RepositoryEntry) -> Void) async throws -> Catalog.Listing
    public var loadRepository: @Sendable (RepositoryEntry) async -> RepositoryContents
    public var loadAll: @Sendable ([RepositoryEntry], _ onLoaded: @Sendable (RepositoryContents) -> Void) async -> [RepositoryContents]
    /// Drops cached blob facts before a rescan.
    public var invalidateCaches: @Sendable () -> Void
    public var verify: @Sendable (RepositoryContents, StoreIndex?) async -> [ManifestVerification]
    public var deepVerify:
        @Sendable (RepositoryContents, [Digest], @escaping @Sendable (VerificationProgress) -> Void) async -> [ManifestVerification]
    /// nil: this build cannot delete (the gate still answers; confirming says deleting is not available).
    public var deletes: DeleteOperations?
    /// nil: no automatic refresh.
    public var watch: StoreWatch?

    public init(
        loadCatalog: @escaping @Sendable (_ onEntry: @Sendable (RepositoryEntry) -> Void) async throws -> Catalog.Listing,
        loadRepository: @escaping @Sendable (RepositoryEntry) async -> RepositoryContents,
        loadAll: @escaping @Sendable ([RepositoryEntry], _ onLoaded: @Sendable (RepositoryContents) -> Void) async -> [RepositoryContents],
        invalidateCaches: @escaping @Sendable () -> Void = {},
        verify: @escaping @Sendable (RepositoryContents, StoreIndex?) async -> [ManifestVerification] = { _, _ in [] },
        deepVerify: @escaping @Sendable (RepositoryContents, [Digest], @escaping @Sendable (VerificationProgress) -> Void) async
            -> [ManifestVerification] = { _, _, _ in [] },
        deletes: DeleteOperations? = nil,
        watch: StoreWatch? = nil
    ) {
        self.watch = watch
        self.loadCatalog = loadCatalog
        self.loadRepository = loadRepository
        self.loadAll = loadAll
        self.invalidateCaches = invalidateCaches
        self.verify = verify
        self.deepVerify = deepVerify
        self.deletes = deletes
    }

    /// Reads `store`; verification comes from the given closures.
    public static func store(
        _ store: RegistryStore,
        verify: @escaping @Sendable (RepositoryContents, StoreIndex?) async -> [ManifestVerification] = { _, _ in [] },
        deepVerify: @escaping @Sendable (RepositoryContents, [Digest], @escaping @Sendable (VerificationProgress) -> Void) async
            -> [ManifestVerification] = { _, _, _ in [] },
        deletes: DeleteOperations? = nil,
        watch: StoreWatch? = nil
    ) -> EffectHandler {
        EffectHandler(
            loadCatalog: { onEntry in try await store.repositories(onRepository: onEntry) },
            // The index behind the lists is light (names, counts, sizes from descriptors); an opened repository
            // is read in full (blob presence, every link) for its screens.
            loadRepository: { await store.load($0, detail: .full) },
            loadAll: { entries, onLoaded in await store.loadAll(entries, detail: .listing, onLoaded: onLoaded) },
            invalidateCaches: { store.blobCache.invalidateAll() },
            verify: verify, deepVerify: deepVerify, deletes: deletes, watch: watch)
    }
}
