/// A shard file format of the local cache (`ContentCacheShard`, `FactsCacheShard`): records by key, each with the
/// time it was last used, decoded without trusting the file and encoded within a byte budget.
protocol CacheShardFormat {
    associatedtype Key: Hashable
    associatedtype Entry: CacheShardEntry

    var entries: [Key: Entry] { get set }
    /// Something in the file was not a valid record: rewriting it drops that.
    var hadGarbage: Bool { get set }

    init()
    /// Decodes the bytes of shard file `index` (0…255, the first byte of every digest in it).
    init(decoding bytes: [UInt8], index: Int)
    /// The file's bytes, the records used longest ago left out past `budget`.
    func encoded(budget: Int) -> [UInt8]
}

protocol CacheShardEntry {
    var lastUsed: UInt64 { get set }
    /// The same record, whenever either was last used.
    func sameRecord(as other: Self) -> Bool
}

/// The per-shard bookkeeping both local caches share: 256 shards, each read from its file when first needed, what
/// this run added, used or found unsound, and a flush that merges that into the file as it is now (another run may
/// have rewritten it) and writes it whole (`CacheShardFiles`). The caches decide what a sound record is.
final class ShardedCache<Shard: CacheShardFormat>: @unchecked Sendable {
    // @unchecked: every shard's state is behind its own lock; the rest is immutable.
    let budget: Int
    private let shards: [Locked<State>]
    private let files: CacheShardFiles
    private let now: @Sendable () -> UInt64

    /// A use refreshes an entry's age at most this often, so a warm run does not rewrite every shard.
    static var touchInterval: UInt64 { 24 * 3600 }

    private struct State {
        var onDisk: Shard?
        /// Read from the store in this run, not yet written.
        var added: [Shard.Key: Shard.Entry] = [:]
        var touched: Set<Shard.Key> = []
        /// Entries found unsound: dropped when the shard is rewritten.
        var rejected: Set<Shard.Key> = []
        /// Entries found sound in this run (the check is not repeated).
        var sound: Set<Shard.Key> = []

        var isDirty: Bool { !added.isEmpty || !touched.isEmpty || !rejected.isEmpty || onDisk?.hadGarbage == true }
    }

    /// What a cache makes of an entry it looks up.
    enum Look<T> {
        /// Sound and wanted: its age is refreshed.
        case use(T)
        /// Sound but not what the caller wants now (the store holds another size).
        case skip
        /// Unsound: a miss, dropped at the next flush.
        case reject
    }

    init(files: CacheShardFiles, budget: Int, now: @escaping @Sendable () -> UInt64) {
        self.files = files
        self.budget = max(0, budget)
        shards = (0..<256).map { _ in Locked(State()) }
        self.now = now
    }

    /// The entry of `key` in shard `i` as `look` judges it; `look` is told whether the entry was found sound
    /// earlier in this run.
    func lookup<T>(_ key: Shard.Key, shard i: Int, _ look: (Shard.Entry, _ soundThisRun: Bool) -> Look<T>) -> T? {
        shards[i].withLock { state -> T? in
            loadIfNeeded(&state, i)
            guard var entry = state.added[key] ?? state.onDisk?.entries[key] else { return nil }
            switch look(entry, state.sound.contains(key)) {
            case .reject:
                state.onDisk?.entries[key] = nil
                state.added[key] = nil
                state.rejected.insert(key)
                return nil
            case .skip:
                state.sound.insert(key)
                return nil
            case .use(let value):
                state.sound.insert(key)
                let t = now()
                if t > entry.lastUsed + Self.touchInterval {
                    entry.lastUsed = t
                    if state.added[key] != nil { state.added[key] = entry } else { state.onDisk?.entries[key] = entry }
                    state.touched.insert(key)
                }
                return value
            }
        }
    }

    /// Adds a record the caller made from bytes it checked; nothing when this run added one already or the file
    /// holds the same record.
    func add(_ key: Shard.Key, shard i: Int, _ make: (_ lastUsed: UInt64) -> Shard.Entry) {
        let entry = make(now())
        shards[i].withLock { state in
            loadIfNeeded(&state, i)
            if state.added[key] != nil || state.onDisk?.entries[key]?.sameRecord(as: entry) == true { return }
            state.added[key] = entry
            state.sound.insert(key)
        }
    }

    /// Writes every shard this run changed (new entries, refreshed ages, rejected or undecodable records). Errors
    /// are swallowed: a cache that cannot be written is only a slower next run.
    func flush() {
        for i in shards.indices {
            shards[i].withLock { state in
                guard state.isDirty else { return }
                var merged = readShard(i) ?? Shard()
                for key in state.rejected where state.added[key] == nil { merged.entries[key] = nil }
                for key in state.touched {
                    if let e = state.onDisk?.entries[key], let old = merged.entries[key], old.sameRecord(as: e) {
                        merged.entries[key]?.lastUsed = max(old.lastUsed, e.lastUsed)
                    }
                }
                for (key, e) in state.added { merged.entries[key] = e }
                files.write(merged.encoded(budget: budget / shards.count), i)
                // Read again when next needed: another run may have replaced the file, so nothing stays sound.
                state = State()
            }
        }
    }

    private func loadIfNeeded(_ state: inout State, _ i: Int) {
        if state.onDisk == nil { state.onDisk = readShard(i) ?? Shard() }
    }

    private func readShard(_ i: Int) -> Shard? {
        switch files.read(i, cap: max(budget / shards.count * 4, 8 << 20)) {
        case .absent: return nil
        case .oversized:
            var garbage = Shard()
            garbage.hadGarbage = true
            return garbage
        case .bytes(let bytes): return Shard(decoding: bytes, index: i)
        }
    }
}
