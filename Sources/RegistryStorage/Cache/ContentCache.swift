import Foundation

/// A local, content-addressed cache of the small immutable blobs a light load reads: manifests and image configs.
/// A blob's digest names its bytes for ever (storage-format §1.1), so the bytes are kept, not facts drawn from them:
/// every entry is checked against its digest before use (SHA-256 of the bytes; for schema1, of the signed payload
/// the digest covers), so a corrupted, misplaced or forged entry is a miss, never a wrong answer, and the loader
/// parses the same bytes it would have read (outputs are identical by construction).
///
/// Shared by every store and every run: 256 shard files under `<directory>/content-v1/` (by the digest's first two
/// hex characters), each rewritten whole as a temporary file renamed over the old one, so concurrent runs never see
/// a torn file and readers take no lock (a run that renames last wins; the other's additions are only a later miss).
/// Bounded: each shard keeps its most recently used entries up to `budget / 256` bytes.
public final class ContentCache: Sendable {
    /// The folder holding the shard files.
    public let directory: URL
    /// Bytes kept on disk overall.
    public var budget: Int { shards.budget }
    private let shards: ShardedCache<ContentCacheShard>

    public static let defaultBudget = 256 << 20
    /// A use refreshes an entry's age at most this often, so a warm run does not rewrite every shard.
    static var touchInterval: UInt64 { ShardedCache<ContentCacheShard>.touchInterval }

    /// `root` is the cache folder (`DRYDOCK_CACHE_DIR`, or `drydock` under the XDG cache folder).
    public init(root: URL, budget: Int = ContentCache.defaultBudget, now: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }) {
        directory = root.appendingPathComponent("content-v1", isDirectory: true)
        shards = ShardedCache(files: CacheShardFiles(directory: directory), budget: budget, now: now)
    }

    deinit { flush() }

    /// The cache folder the environment names: `DRYDOCK_CACHE_DIR`, else `$XDG_CACHE_HOME/drydock` (an absolute
    /// XDG path only, as the XDG spec says), else `~/.cache/drydock`. `DRYDOCK_CACHE_SIZE` (MiB) sets the budget.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ContentCache? {
        let root: URL
        if let dir = environment["DRYDOCK_CACHE_DIR"], !dir.isEmpty {
            root = URL(fileURLWithPath: dir, isDirectory: true)
        } else if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            root = URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("drydock", isDirectory: true)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            root = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/drydock", isDirectory: true)
        } else {
            return nil
        }
        let mib = environment["DRYDOCK_CACHE_SIZE"].flatMap { Int($0) }.map { max(0, min($0, 1 << 20)) }
        return ContentCache(root: root, budget: mib.map { $0 << 20 } ?? defaultBudget)
    }

    /// The cached bytes of blob `d`, checked against `d` (once a run); nil when not cached, when the entry fails the
    /// check (it is then dropped at the next flush), or when `size` (what the store says it holds) differs from the
    /// bytes.
    public func content(of d: Digest, size: Int64? = nil) -> [UInt8]? {
        shards.lookup(d, shard: Self.shardIndex(d)) { entry, sound in
            guard sound || Self.matches(entry.content, d) else { return .reject }
            // Sound bytes, but the store holds something else under that name: the store's answer is the truth.
            if let size, Int64(entry.content.count) != size { return .skip }
            return .use(Array(entry.content))
        }
    }

    /// Remembers blob `d`'s bytes as read from a store; ignored unless they match `d` and are small enough.
    public func record(_ d: Digest, _ bytes: [UInt8]) {
        guard bytes.count <= ContentCacheShard.maxContentSize, Self.matches(bytes[...], d) else { return }
        shards.add(d, shard: Self.shardIndex(d)) { .init(content: bytes[...], lastUsed: $0) }
    }

    /// The same for bytes the caller has just hashed to `d` (SHA-256 of the bytes themselves): not hashed again.
    func record(_ d: Digest, hashedBytes bytes: [UInt8]) {
        guard bytes.count <= ContentCacheShard.maxContentSize else { return }
        shards.add(d, shard: Self.shardIndex(d)) { .init(content: bytes[...], lastUsed: $0) }
    }

    /// Writes every shard this run changed (new entries, refreshed ages, rejected or undecodable records). Errors
    /// are swallowed: a cache that cannot be written is only a slower next run.
    public func flush() { shards.flush() }

    /// True when `bytes` are what digest `d` names: their hash, or for a schema1 manifest its signed payload's.
    static func matches(_ bytes: ArraySlice<UInt8>, _ d: Digest) -> Bool {
        if d.recomputed(over: bytes) == d { return true }
        guard bytes.first == UInt8(ascii: "{"), case .success(let m) = ManifestParser.parse(Array(bytes)),
            let payload = m.schema1?.signedPayload
        else { return false }
        return d.recomputed(over: payload) == d
    }

    static func shardIndex(_ d: Digest) -> Int { Int(d.firstByte) }
}
