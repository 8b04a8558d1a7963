/// The four big-endian words of a SHA-256 digest: 32 bytes where `Digest` takes 72 (it has room for SHA-512).
struct SHA256Key: Hashable, Sendable {
    var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    func hash(into hasher: inout Hasher) {
        hasher.combine(w0)
        hasher.combine(w1)
        hasher.combine(w2)
        hasher.combine(w3)
    }

    func _rawHashValue(seed: Int) -> Int {
        Self.tableHash(w0, w1, w2, w3, seed: seed)
    }

    /// A hash-table hash for SHA-256 words. Sets and dictionaries of every blob in a store hash 200k+ digests per
    /// run, and the standard library's SipHash over four words was about 5 % of `gc --dry-run`. The words of a real
    /// digest are uniform already; folder names may be chosen by whoever writes the store, so the words are still
    /// mixed with the table's seed (random per table and per process, from the standard library) in two
    /// 64×64→128-bit multiplies, and colliding names cannot be computed in advance.
    @inline(__always)
    static func tableHash(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64, seed: Int) -> Int {
        let k0 = UInt64(bitPattern: Int64(seed)) ^ 0x243F_6A88_85A3_08D3
        let k1 = (k0 &* 0x9E37_79B9_7F4A_7C15) ^ 0x1319_8A2E_0370_7344
        let a = (w0 ^ k0).multipliedFullWidth(by: w1 ^ k1)
        let b = (w2 ^ k1).multipliedFullWidth(by: w3 ^ k0)
        let h = (a.high ^ a.low) &+ (b.high ^ b.low)
        return Int(bitPattern: UInt(h ^ (h >> 29)))
    }
}
