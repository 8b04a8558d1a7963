/// Minimal DER writer for the one structure we build ourselves: an RSA SubjectPublicKeyInfo,
/// laid out as Go's `x509.MarshalPKIXPublicKey` does (rsaEncryption OID with NULL parameters).
enum DER {
    static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes = [UInt8]()
        var v = n
        while v > 0 {
            bytes.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    /// An unsigned big-endian magnitude as a DER INTEGER (minimal, with a 0x00 sign byte if needed).
    static func unsignedInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var m = Array(magnitude.drop { $0 == 0 })
        if m.isEmpty { m = [0] }
        if m[0] & 0x80 != 0 { m.insert(0, at: 0) }
        return tlv(0x02, m)
    }

    static func rsaSPKI(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        let rsaEncryptionOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
        let algorithm = tlv(0x30, rsaEncryptionOID + [0x05, 0x00])
        let rsaPublicKey = tlv(0x30, unsignedInteger(modulus) + unsignedInteger(exponent))
        return tlv(0x30, algorithm + tlv(0x03, [0x00] + rsaPublicKey))
    }
}
