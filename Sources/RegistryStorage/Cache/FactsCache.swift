import Foundation

/// A local cache of what light loads extract from manifests and image configs (`FactsCodec`), keyed by digest, so a
/// warm `ls` or dry run parses no manifest it has a record for (and over S3 GETs none).
///
/// A record cannot be checked against its digest (it holds no bytes to hash): its checksum catches damage and its
/// extractor version a change of what is extracted, but a forged record would be believed. So facts are written by
/// every load that read and verified the bytes, and read only by loads of runs that delete nothing
/// (`RegistryStore.trustsCachedFacts`); anything that deletes marks from bytes it hashed (the store's, or the
/// `ContentCache`'s, which are checked against their digest).
///
/// Lives beside `content-v1/` in the same folder (`facts-v1/`, 256 shard files by the digest's first byte, written
/// whole and renamed, as `CacheShardFiles` says) and has the same budget; a record is used only while the store holds
/// the blob at the size the record names (the loader checks).
public final class FactsCache: Sendable {
    public let directory: URL
    public var budget: Int { shards.budget }
    private let shards: ShardedCache<FactsCacheShard>

    public init(root: URL, budget: Int = ContentCache.defaultBudget, now: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }) {
        directory = root.appendingPathComponent("facts-v1", isDirectory: true)
        shards = ShardedCache(files: CacheShardFiles(directory: directory), budget: budget, now: now)
    }

    deinit { flush() }

    /// Beside the content cache the environment names (`ContentCache.fromEnvironment`), with the same budget.
    public static func beside(_ content: ContentCache) -> FactsCache {
        FactsCache(root: content.directory.deletingLastPathComponent(), budget: content.budget)
    }

    /// The manifest recorded for blob `d` and the blob size it was read at.
    public func manifest(of d: Digest) -> (size: Int64, manifest: Manifest)? {
        guard let (size, payload) = lookup(.init(kind: .manifest, digest: d)), let m = FactsCodec.decodeManifest(payload) else { return nil }
        return (size, m)
    }

    /// The image config facts recorded for blob `d` and the blob size they were read at.
    public func imageConfig(of d: Digest) -> (size: Int64, config: ImageConfig)? {
        guard let (size, payload) = lookup(.init(kind: .imageConfig, digest: d)), let c = FactsCodec.decodeConfig(payload) else { return nil }
        return (size, c)
    }

    /// Records a manifest parsed from bytes that hashed to `d` (the caller checked); schema1 is not recorded.
    public func record(_ d: Digest, size: Int64, manifest m: Manifest) {
        guard let payload = FactsCodec.encode(m) else { return }
        record(.init(kind: .manifest, digest: d), size: size, payload: payload)
    }

    /// Records an image config parsed from bytes that hashed to `d` (the caller checked).
    public func record(_ d: Digest, size: Int64, imageConfig c: ImageConfig) {
        record(.init(kind: .imageConfig, digest: d), size: size, payload: FactsCodec.encode(c))
    }

    private func record(_ key: FactsCacheShard.Key, size: Int64, payload: [UInt8]) {
        guard payload.count <= FactsCacheShard.maxPayloadSize else { return }
        let sealed = FactsCacheShard.seal(key, blobSize: size, payload: payload)
        shards.add(key, shard: Self.shardIndex(key.digest)) { .init(sealed: sealed[...], lastUsed: $0) }
    }

    /// A record whose checksum, version and name hold (opened at every look: opening is what yields the payload).
    private func lookup(_ key: FactsCacheShard.Key) -> (Int64, ArraySlice<UInt8>)? {
        shards.lookup(key, shard: Self.shardIndex(key.digest)) { entry, _ in
            guard let opened = FactsCacheShard.open(key, entry.sealed) else { return .reject }
            return .use(opened)
        }
    }

    /// Writes every shard this run changed (new records, refreshed ages, rejected or undecodable records).
    public func flush() { shards.flush() }

    static func shardIndex(_ d: Digest) -> Int { Int(d.firstByte) }
}
