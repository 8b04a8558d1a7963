/// One file of the facts cache: every facts record whose digest's hex starts with the same two characters.
///
/// Layout (little-endian): the magic `DDFC1\n`, then records, each
/// `u32 bodyLength | u8 kind | u8 algorithm | digest bytes | u64 lastUsed | u64 checksum | u16 extractorVersion |
/// i64 blobSize | payload` (`bodyLength` counts everything after itself). The checksum (FNV-1a, 64 bits) covers kind,
/// digest, version, size and payload, so a damaged record or one filed under another name is a miss; it is checked
/// when a record is looked up (`FactsCache`), so records never used cost nothing. The checksum detects damage, not
/// forgery: hence facts are used only by runs that delete nothing (docs/storage-format.md's digests are the proof,
/// and a record has no bytes to hash).
struct FactsCacheShard: CacheShardFormat {
    struct Key: Hashable {
        var kind: FactsCodec.Kind
        var digest: Digest
    }

    struct Entry: Equatable, CacheShardEntry {
        /// From `checksum` to the end of the record.
        var sealed: ArraySlice<UInt8>
        var lastUsed: UInt64
    }

    static let magic: [UInt8] = Array("DDFC1\n".utf8)
    /// The largest payload kept (a manifest with tens of thousands of layers is parsed every time instead).
    static let maxPayloadSize = 1 << 20
    static let headerSize = 1 + 1 + 8
    static let sealSize = 8 + 2 + 8

    var entries: [Key: Entry] = [:]
    /// Something in the file was not a valid record: rewriting it drops that.
    var hadGarbage = false

    init() {}

    /// Decodes a shard file; `shard` is the first byte every digest in it must start with.
    init(decoding bytes: [UInt8], shard: UInt8) {
        guard bytes.count >= Self.magic.count, bytes[0..<Self.magic.count].elementsEqual(Self.magic) else {
            hadGarbage = !bytes.isEmpty
            return
        }
        var reader = FactsReader(bytes[Self.magic.count...])
        while !reader.isAtEnd {
            do throws(FactsReader.Malformed) {
                let bodyLength = Int(try reader.u32())
                guard bodyLength <= Self.headerSize + DigestAlgorithm.sha512.byteCount + Self.sealSize + Self.maxPayloadSize else {
                    throw FactsReader.Malformed()
                }
                var body = FactsReader(try reader.raw(bodyLength))
                guard let kind = FactsCodec.Kind(rawValue: try body.u8()),
                    let algorithm = DigestAlgorithm(rawValue: try body.u8())
                else {
                    hadGarbage = true
                    continue
                }
                let raw = try body.raw(algorithm.byteCount)
                let lastUsed = try body.u64()
                let sealed = try body.raw(body.remaining)
                guard raw.first == shard, sealed.count >= Self.sealSize else {
                    hadGarbage = true
                    continue
                }
                let key = Key(kind: kind, digest: Digest(algorithm: algorithm, bytes: raw))
                if let known = entries[key], known.lastUsed >= lastUsed { continue }
                entries[key] = Entry(sealed: sealed, lastUsed: lastUsed)
            } catch {
                hadGarbage = true
                return
            }
        }
    }

    /// `checksum | version | size | payload` for a new record.
    static func seal(_ key: Key, blobSize: Int64, payload: [UInt8]) -> [UInt8] {
        var w = FactsWriter()
        w.u64(checksum(key, version: FactsCodec.extractorVersion, blobSize: blobSize, payload: payload[...]))
        w.u16(FactsCodec.extractorVersion)
        w.i64(blobSize)
        w.raw(payload)
        return w.bytes
    }

    /// The blob size and payload of a sealed record, when its checksum holds and its extractor is this one's.
    static func open(_ key: Key, _ sealed: ArraySlice<UInt8>) -> (blobSize: Int64, payload: ArraySlice<UInt8>)? {
        var r = FactsReader(sealed)
        guard let sum = try? r.u64(), let version = try? r.u16(), let size = try? r.i64(),
            version == FactsCodec.extractorVersion, size >= 0, r.remaining <= maxPayloadSize,
            let payload = try? r.raw(r.remaining),
            checksum(key, version: version, blobSize: size, payload: payload) == sum
        else { return nil }
        return (size, payload)
    }

    static func checksum(_ key: Key, version: UInt16, blobSize: Int64, payload: ArraySlice<UInt8>) -> UInt64 {
        var w = FactsWriter()
        w.u8(key.kind.rawValue)
        w.u8(key.digest.algorithm.rawValue)
        w.raw(key.digest.bytes)
        w.u16(version)
        w.i64(blobSize)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in w.bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        for b in payload { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// The file's bytes, most recently used first, keeping records until `budget` bytes are reached (the oldest
    /// are evicted).
    func encoded(budget: Int) -> [UInt8] {
        var w = FactsWriter()
        w.raw(Self.magic)
        let order = entries.sorted {
            ($0.value.lastUsed, $1.key.digest, $1.key.kind.rawValue) > ($1.value.lastUsed, $0.key.digest, $0.key.kind.rawValue)
        }
        for (key, entry) in order {
            let bodyLength = Self.headerSize + key.digest.algorithm.byteCount + entry.sealed.count
            guard w.bytes.count + 4 + bodyLength <= budget else { continue }
            w.u32(UInt32(bodyLength))
            w.u8(key.kind.rawValue)
            w.u8(key.digest.algorithm.rawValue)
            w.raw(key.digest.bytes)
            w.u64(entry.lastUsed)
            w.raw(entry.sealed)
        }
        return w.bytes
    }
}

extension FactsCacheShard {
    init(decoding bytes: [UInt8], index: Int) { self.init(decoding: bytes, shard: UInt8(truncatingIfNeeded: index)) }
}

extension FactsCacheShard.Entry {
    func sameRecord(as other: Self) -> Bool { sealed == other.sealed }
}
