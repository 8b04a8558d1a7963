import struct Crypto.HMAC
import enum Crypto.P256
import struct Crypto.SHA256
import struct Crypto.SymmetricKey

/// ECDSA P-256 with SHA-256 and RFC 6979 deterministic nonces, so demo signatures are reproducible (swift-crypto
/// signs with random nonces). The curve point k·G comes from swift-crypto (as the public key of k); only the
/// arithmetic modulo the group order is done here, on plain 256-bit integers.
enum DeterministicP256 {
    /// Raw `r || s` (64 bytes), as JWS ES256 wants it. Checked with swift-crypto before it is returned.
    static func sign(_ message: [UInt8], with key: P256.Signing.PrivateKey) -> [UInt8] {
        let x = Array(key.rawRepresentation)
        let h1 = Array(SHA256.hash(data: message))
        let d = U256(x)
        let z = U256(h1).reduced(mod: U256.order)
        var drbg = NonceGenerator(x: x, h1: z.bytes)
        while true {
            let k = drbg.next()
            guard let point = try? P256.Signing.PrivateKey(rawRepresentation: k.bytes) else { continue }
            let r = U256(Array(point.publicKey.rawRepresentation.prefix(32))).reduced(mod: U256.order)
            guard !r.isZero else { continue }
            let kInverse = U256.modInverse(k, U256.order)
            let s = U256.modMul(kInverse, U256.modAdd(z, U256.modMul(r, d, U256.order), U256.order), U256.order)
            guard !s.isZero else { continue }
            let raw = r.bytes + s.bytes
            guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: raw),
                key.publicKey.isValidSignature(signature, for: message)
            else { preconditionFailure("deterministic ECDSA produced a signature swift-crypto rejects") }
            return raw
        }
    }

    /// Signs with the private scalar `rawKey` (32 bytes, big-endian); nil when it is not a valid P-256 key.
    static func sign(_ message: [UInt8], rawKey: [UInt8]) -> [UInt8]? {
        guard let key = try? P256.Signing.PrivateKey(rawRepresentation: rawKey) else { return nil }
        return sign(message, with: key)
    }

    /// RFC 6979 §3.2 with HMAC-SHA256 and qlen = hlen = 256.
    struct NonceGenerator {
        private var k = [UInt8](repeating: 0, count: 32)
        private var v = [UInt8](repeating: 1, count: 32)
        private var first = true

        init(x: [UInt8], h1: [UInt8]) {
            k = hmac(k, v + [0] + x + h1)
            v = hmac(k, v)
            k = hmac(k, v + [1] + x + h1)
            v = hmac(k, v)
        }

        private func hmac(_ key: [UInt8], _ data: [UInt8]) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
        }

        mutating func next() -> U256 {
            while true {
                if !first {
                    k = hmac(k, v + [0])
                    v = hmac(k, v)
                }
                first = false
                v = hmac(k, v)
                let candidate = U256(v)
                if !candidate.isZero && candidate < U256.order { return candidate }
            }
        }
    }
}
