/// The registry's blob-descriptor cache, from the collector's side: forget blobs the collector moved away.
///
/// A running registry answers `HEAD /v2/<name>/blobs/<digest>` from this cache before it looks at storage
/// (upstream `registry/storage/cachedblobdescriptorstore.go`), so a blob swept while it serves must also leave the cache.
public protocol BlobDescriptorCachePurger: Sendable {
    /// Removes the cached descriptors of `digests`: the global entries and those of each repository in `repositories`.
    /// Returns how many keys were removed.
    func purge(_ digests: [Digest], repositories: [String]) async throws -> Int
}
