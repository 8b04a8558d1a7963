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
    /// digest are uniform already, but folder names may be chosen by whoever writes the store: the words are mixed
    /// with a random key drawn once per process (`processKey`) and the table's seed (the standard library's, derived
    /// from the table's storage, so not secret on its own) in two 64×64→128-bit multiplies, so colliding names cannot
    /// be computed in advance. The odd words are also added outside the products, so no choice of the even words
    /// makes every name hash alike even if the key were known.
    @inline(__always)
    static func tableHash(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64, seed: Int) -> Int {
        let key = processKey
        let k0 = UInt64(bitPattern: Int64(seed)) ^ key.0
        let k1 = (k0 &* 0x9E37_79B9_7F4A_7C15) ^ key.1
        let a = (w0 ^ k0).multipliedFullWidth(by: w1 ^ k1)
        let b = (w2 ^ k1).multipliedFullWidth(by: w3 ^ k0)
        let h = (a.high ^ a.low) &+ (b.high ^ b.low) &+ (w1 ^ (w3 &* 0xBF58_476D_1CE4_E5B9))
        return Int(bitPattern: UInt(h ^ (h >> 29)))
    }

    /// 128 random bits for `tableHash`, drawn once per process from the system's generator.
    static let processKey: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()
}
