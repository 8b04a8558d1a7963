/// Where a light load takes bytes from the local content cache instead of the store (`ContentCache`).
///
/// Only light loads (`LoadDetail.listing`, `.marking`) read the cache, and only for manifest and image-config blobs
/// the store still holds at the same size: the bytes are checked against their digest, so they are exactly what a
/// read of the store would return unless the store's blob was damaged in place since (same size, other bytes) —
/// which only hashing the store's copy can tell, and that is `drydock verify`'s job: full loads always read and hash
/// the store and only write what they read to the cache.
extension RepositoryLoader {
    /// A cached manifest blob and its state, when the store holds it at the cached size. Looked up before asking
    /// the store: a cold run costs no extra stat, a warm one a stat (free where a listing told the size) for a read.
    func cachedManifest(_ target: Digest) async -> (BlobState, [UInt8])? {
        guard !detail.statsEveryBlob, let bytes = await cachedBlob(target) else { return nil }
        return (.present(size: Int64(bytes.count)), bytes)
    }

    /// A cached blob (a manifest or image config) of a light load, when the store holds it at the cached size.
    func cachedBlob(_ d: Digest) async -> [UInt8]? {
        guard !detail.statsEveryBlob, let cache, let bytes = cache.content(of: d) else { return nil }
        guard case .present(let size) = await blobs.state(of: d), size == Int64(bytes.count) else { return nil }
        return bytes
    }

    /// The manifest a facts record holds for revision `d`, when this load reads facts (runs that delete nothing,
    /// `RegistryStore.trustsCachedFacts`) and the store holds the blob at the recorded size. Only where the link
    /// names its own digest: a record is keyed by the digest its bytes hashed to.
    func cachedManifestFacts(_ d: Digest, target: Digest) async -> (size: Int64, manifest: Manifest)? {
        guard readsFacts, !detail.statsEveryBlob, d == target, let found = facts?.manifest(of: target),
            found.size <= Int64(ManifestParser.maxManifestSize)
        else { return nil }
        guard case .present(let size) = await blobs.state(of: target), size == found.size else { return nil }
        return found
    }

    /// The image config facts recorded for blob `d`, on the same terms.
    func cachedConfigFacts(_ d: Digest) async -> ImageConfig? {
        guard readsFacts, !detail.statsEveryBlob, let found = facts?.imageConfig(of: d) else { return nil }
        guard case .present(let size) = await blobs.state(of: d), size == found.size else { return nil }
        return found.config
    }
}
