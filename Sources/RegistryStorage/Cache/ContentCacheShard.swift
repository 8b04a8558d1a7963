/// One file of the content cache: every cached blob whose hex starts with the same two characters.
///
/// Layout (little-endian): the magic `DDCC1\n`, then records, each
/// `u32 bodyLength | u8 digestLength | digest text ("sha256:<hex>") | u64 lastUsed (seconds since 1970) | content`.
/// Decoding trusts nothing: a record that overruns the file, names no valid digest or names one of another shard
/// ends the decode or is skipped, and the shard is marked for rewriting. The content itself is checked against its
/// digest only when looked up (`ContentCache.content(of:size:)`), so entries never used cost no hashing.
struct ContentCacheShard: CacheShardFormat {
    struct Entry: Equatable, CacheShardEntry {
        var content: ArraySlice<UInt8>
        var lastUsed: UInt64
    }

    static let magic: [UInt8] = Array("DDCC1\n".utf8)
    /// The largest blob a record holds (bigger manifests and configs are read from the store every time).
    static let maxContentSize = 1 << 20
    /// Digest text is at most `sha512:` + 128 hex characters.
    static let maxDigestLength = 135

    var entries: [Digest: Entry] = [:]
    /// Something in the file was not a valid record: rewriting it drops that.
    var hadGarbage = false

    init() {}

    /// Decodes a shard file's bytes; `prefix` is the two hex characters every digest in it must start with.
    init(decoding bytes: [UInt8], prefix: String) {
        guard bytes.count >= Self.magic.count, bytes[0..<Self.magic.count].elementsEqual(Self.magic) else {
            hadGarbage = !bytes.isEmpty
            return
        }
        var at = Self.magic.count
        while at < bytes.count {
            guard let bodyLength = Self.u32(bytes[...], at).map(Int.init),
                bodyLength <= 1 + Self.maxDigestLength + 8 + Self.maxContentSize,
                bodyLength <= bytes.count - at - 4
            else {
                hadGarbage = true
                return
            }
            let body = bytes[(at + 4)..<(at + 4 + bodyLength)]
            at += 4 + bodyLength
            guard let (digest, entry) = Self.record(body), digest.hex.hasPrefix(prefix) else {
                hadGarbage = true
                continue
            }
            if let known = entries[digest], known.lastUsed >= entry.lastUsed { continue }
            entries[digest] = entry
        }
    }

    private static func record(_ body: ArraySlice<UInt8>) -> (Digest, Entry)? {
        guard let digestLength = body.first.map(Int.init), digestLength <= maxDigestLength,
            body.count >= 1 + digestLength + 8
        else { return nil }
        let textStart = body.startIndex + 1
        guard let digest = Digest(String(decoding: body[textStart..<(textStart + digestLength)], as: UTF8.self)),
            let lastUsed = u64(body, textStart + digestLength)
        else { return nil }
        return (digest, Entry(content: body[(textStart + digestLength + 8)...], lastUsed: lastUsed))
    }

    /// The file's bytes, most recently used first, keeping entries until `budget` bytes are reached (the oldest
    /// are evicted).
    func encoded(budget: Int) -> [UInt8] {
        var out = Self.magic
        for (digest, entry) in entries.sorted(by: { ($0.value.lastUsed, $1.key) > ($1.value.lastUsed, $0.key) }) {
            let text = Array(digest.description.utf8)
            let bodyLength = 1 + text.count + 8 + entry.content.count
            guard out.count + 4 + bodyLength <= budget else { continue }
            Self.append(UInt64(bodyLength), bytes: 4, to: &out)
            out.append(UInt8(text.count))
            out += text
            Self.append(entry.lastUsed, bytes: 8, to: &out)
            out += entry.content
        }
        return out
    }

    private static func append(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * i))) }
    }

    /// Little-endian integers at an absolute index of `bytes` (slices keep their base's indices); nil past the end.
    private static func u32(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32? { uint(bytes, at, 4).map(UInt32.init) }

    private static func u64(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt64? { uint(bytes, at, 8) }

    private static func uint(_ bytes: ArraySlice<UInt8>, _ at: Int, _ n: Int) -> UInt64? {
        guard at >= bytes.startIndex, bytes.endIndex - at >= n else { return nil }
        var v: UInt64 = 0
        for k in 0..<n { v |= UInt64(bytes[at + k]) << UInt64(8 * k) }
        return v
    }
}

extension ContentCacheShard {
    init(decoding bytes: [UInt8], index: Int) {
        let hex = String(index, radix: 16)
        self.init(decoding: bytes, prefix: hex.count == 1 ? "0" + hex : hex)
    }
}

extension ContentCacheShard.Entry {
    func sameRecord(as other: Self) -> Bool { content == other.content }
}
