/// The four big-endian words of a SHA-256 digest: 32 bytes where `Digest` takes 72 (it has room for SHA-512).
struct SHA256Key: Hashable, Sendable {
    var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64
}
