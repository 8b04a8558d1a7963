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
    public let budget: Int
    private let shards: [Locked<ShardState>]
    private let files: CacheShardFiles
    private let now: @Sendable () -> UInt64

    private struct ShardState {
        var onDisk: FactsCacheShard?
        var added: [FactsCacheShard.Key: FactsCacheShard.Entry] = [:]
        var touched: Set<FactsCacheShard.Key> = []
        /// Records whose checksum or version failed: dropped when the shard is rewritten.
        var rejected: Set<FactsCacheShard.Key> = []

        var isDirty: Bool { !added.isEmpty || !touched.isEmpty || !rejected.isEmpty || onDisk?.hadGarbage == true }
    }

    public init(root: URL, budget: Int = ContentCache.defaultBudget, now: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }) {
        directory = root.appendingPathComponent("facts-v1", isDirectory: true)
        files = CacheShardFiles(directory: directory)
        self.budget = max(0, budget)
        shards = (0..<256).map { _ in Locked(ShardState()) }
        self.now = now
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
        let t = now()
        shards[Self.shardIndex(key.digest)].withLock { state in
            if state.onDisk == nil { state.onDisk = readShard(Self.shardIndex(key.digest)) ?? FactsCacheShard() }
            // Already on disk as written now: nothing to rewrite.
            if state.added[key] != nil || state.onDisk?.entries[key]?.sealed.elementsEqual(sealed) == true { return }
            state.added[key] = .init(sealed: sealed[...], lastUsed: t)
        }
    }

    private func lookup(_ key: FactsCacheShard.Key) -> (Int64, ArraySlice<UInt8>)? {
        let i = Self.shardIndex(key.digest)
        return shards[i].withLock { state -> (Int64, ArraySlice<UInt8>)? in
            if state.onDisk == nil { state.onDisk = readShard(i) ?? FactsCacheShard() }
            guard var entry = state.added[key] ?? state.onDisk?.entries[key] else { return nil }
            guard let opened = FactsCacheShard.open(key, entry.sealed) else {
                state.onDisk?.entries[key] = nil
                state.added[key] = nil
                state.rejected.insert(key)
                return nil
            }
            let t = now()
            if t > entry.lastUsed + ContentCache.touchInterval {
                entry.lastUsed = t
                if state.added[key] != nil { state.added[key] = entry } else { state.onDisk?.entries[key] = entry }
                state.touched.insert(key)
            }
            return opened
        }
    }

    /// Writes every shard this run changed (new records, refreshed ages, rejected or undecodable records).
    public func flush() {
        for i in shards.indices {
            shards[i].withLock { state in
                guard state.isDirty else { return }
                var merged = readShard(i) ?? FactsCacheShard()
                for key in state.rejected where state.added[key] == nil { merged.entries[key] = nil }
                for key in state.touched {
                    if let e = state.onDisk?.entries[key], let old = merged.entries[key], old.sealed == e.sealed {
                        merged.entries[key]?.lastUsed = max(old.lastUsed, e.lastUsed)
                    }
                }
                for (key, e) in state.added { merged.entries[key] = e }
                files.write(merged.encoded(budget: budget / shards.count), i)
                state = ShardState()
            }
        }
    }

    static func shardIndex(_ d: Digest) -> Int { Int(d.firstByte) }

    private func readShard(_ i: Int) -> FactsCacheShard? {
        switch files.read(i, cap: max(budget / shards.count * 4, 8 << 20)) {
        case .absent: return nil
        case .oversized:
            var garbage = FactsCacheShard()
            garbage.hadGarbage = true
            return garbage
        case .bytes(let bytes): return FactsCacheShard(decoding: bytes, shard: UInt8(i))
        }
    }
}
