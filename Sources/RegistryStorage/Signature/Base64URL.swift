/// Byte encodings used by libtrust: JOSE base64url (no padding), standard base64 for x5c
/// certificates, and base32 for key IDs. Written by hand so behaviour on hostile input is ours
/// (Foundation's decoders differ across platforms in what whitespace they tolerate).
package enum Base64URL {
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let stdAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// base64url without `=` padding, as libtrust's `joseBase64UrlEncode`.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: encodeBytes(Array(bytes), alphabet: urlAlphabet, pad: false), as: UTF8.self)
    }

    /// Standard base64 with padding (x5c entries, cosign signatures).
    package static func encodeStandard(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: encodeBytes(Array(bytes), alphabet: stdAlphabet, pad: true), as: UTF8.self)
    }

    /// libtrust `joseBase64UrlDecode` as Debian's 9cbd2a1 has it: spaces and newlines are removed
    /// first, then padding is added back by length (mod 4 == 1 is illegal).
    static func decode(_ text: String) -> Result<[UInt8], JWSError> {
        var chars = Array(text.utf8)
        chars.removeAll { $0 == 0x20 || $0 == 0x0A }
        switch chars.count % 4 {
        case 0: break
        case 2: chars.append(contentsOf: [0x3D, 0x3D])
        case 3: chars.append(0x3D)
        default: return .failure(.illegalBase64URL)
        }
        guard let bytes = decodeBytes(chars, alphabet: urlAlphabet) else { return .failure(.illegalBase64URL) }
        return .success(bytes)
    }

    /// Go's `base64.StdEncoding.DecodeString`: padding required, CR and LF ignored.
    static func decodeStandard(_ text: String) -> [UInt8]? {
        decodeBytes(Array(text.utf8), alphabet: stdAlphabet)
    }

    /// RFC 4648 base32, uppercase, no padding (libtrust key IDs).
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var out = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func encodeBytes(_ bytes: [UInt8], alphabet: [UInt8], pad: Bool) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if rest == 2 { out.append(alphabet[Int(n >> 6 & 63)]) }
            if pad { out.append(contentsOf: rest == 2 ? [0x3D] : [0x3D, 0x3D]) }
        }
        return out
    }

    /// Decodes padded base64 in the given alphabet, skipping CR/LF as Go does. Returns nil on any
    /// other stray byte, bad padding or truncated quantum.
    private static func decodeBytes(_ input: [UInt8], alphabet: [UInt8]) -> [UInt8]? {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        var out = [UInt8]()
        out.reserveCapacity(input.count / 4 * 3)
        var quantum = [UInt8]()
        quantum.reserveCapacity(4)
        var finished = false
        for c in input where c != 0x0D && c != 0x0A {
            if finished { return nil }
            quantum.append(c)
            guard quantum.count == 4 else { continue }
            var n: UInt32 = 0
            var padding = 0
            for (k, q) in quantum.enumerated() {
                if q == 0x3D {
                    guard k >= 2 else { return nil }
                    padding += 1
                    n <<= 6
                } else {
                    guard padding == 0 else { return nil }
                    let v = table[Int(q)]
                    guard v >= 0 else { return nil }
                    n = n << 6 | UInt32(v)
                }
            }
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            if padding < 2 { out.append(UInt8(truncatingIfNeeded: n >> 8)) }
            if padding < 1 { out.append(UInt8(truncatingIfNeeded: n)) }
            if padding > 0 { finished = true }
            quantum.removeAll(keepingCapacity: true)
        }
        return quantum.isEmpty ? out : nil
    }
}
