import Crypto

// The small, dependency-free pieces the demo store is built from: ustar archives, a gzip (fixed-Huffman deflate)
// encoder and RFC 6979 deterministic ECDSA P-256. Each is written for reproducible output, not for speed: the demo
// must come out byte for byte the same on every machine, so nothing here reads the clock or a random source.

/// A ustar archive as Go's `archive/tar` writes one for plain files and folders (docker and buildkit layers).
enum DemoTar {
    struct Entry {
        var name: String
        var contents: [UInt8]
        var mode: Int
        var isDirectory: Bool

        static func file(_ name: String, _ text: String, mode: Int = 0o644) -> Entry {
            Entry(name: name, contents: Array(text.utf8), mode: mode, isDirectory: false)
        }

        static func directory(_ name: String) -> Entry {
            Entry(name: name.hasSuffix("/") ? name : name + "/", contents: [], mode: 0o755, isDirectory: true)
        }
    }

    static let blockSize = 512

    /// Headers, contents padded to 512 bytes, then the two zero blocks that end an archive.
    static func archive(_ entries: [Entry], modified: Int) -> [UInt8] {
        var out: [UInt8] = []
        for e in entries {
            out += header(e, modified: modified)
            out += e.contents
            let rest = e.contents.count % blockSize
            if rest != 0 { out += [UInt8](repeating: 0, count: blockSize - rest) }
        }
        out += [UInt8](repeating: 0, count: 2 * blockSize)
        return out
    }

    private static func header(_ e: Entry, modified: Int) -> [UInt8] {
        precondition(e.name.utf8.count < 100, "demo tar names stay short")
        var h = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, b) in bytes.enumerated() { h[offset + i] = b }
        }
        /// Go's `formatOctal`: zero-padded digits filling the field but for a closing NUL.
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(Array(e.name.utf8), at: 0)
        put(octal(e.mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)  // uid
        put(octal(0, width: 8), at: 116)  // gid
        put(octal(e.contents.count, width: 12), at: 124)
        put(octal(modified, width: 12), at: 136)
        put([UInt8](repeating: 0x20, count: 8), at: 148)  // checksum counts as spaces
        h[156] = e.isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(octal(0, width: 8), at: 329)  // devmajor
        put(octal(0, width: 8), at: 337)  // devminor
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [0x20], at: 148)
        return h
    }
}

/// gzip (RFC 1952) around one fixed-Huffman deflate block (RFC 1951) with greedy LZ77 matching: real compression,
/// readable by any gunzip, and deterministic. The header is the one Go's `compress/gzip` writes (no name, mtime 0,
/// OS 255), as docker and buildkit layers have it.
enum DemoGzip {
    static func compress(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF]
        out += deflate(data)
        out += littleEndian(crc32(data))
        out += littleEndian(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    private struct BitWriter {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var count = 0

        /// Plain values (header bits, extra bits) go least significant bit first.
        mutating func write(_ value: Int, bits: Int) {
            acc |= UInt32(value) << UInt32(count)
            count += bits
            while count >= 8 {
                out.append(UInt8(acc & 0xFF))
                acc >>= 8
                count -= 8
            }
        }

        /// Huffman codes go most significant bit first.
        mutating func writeCode(_ code: Int, bits: Int) {
            var reversed = 0
            for i in 0..<bits where code & (1 << i) != 0 { reversed |= 1 << (bits - 1 - i) }
            write(reversed, bits: bits)
        }

        mutating func flush() {
            if count > 0 { out.append(UInt8(acc & 0xFF)) }
            acc = 0
            count = 0
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The fixed literal/length code of RFC 1951 §3.2.6.
    private static func writeSymbol(_ w: inout BitWriter, _ v: Int) {
        switch v {
        case 0...143: w.writeCode(0x30 + v, bits: 8)
        case 144...255: w.writeCode(0x190 + v - 144, bits: 9)
        case 256...279: w.writeCode(v - 256, bits: 7)
        default: w.writeCode(0xC0 + v - 280, bits: 8)
        }
    }

    static func deflate(_ data: [UInt8]) -> [UInt8] {
        let window = 32768, maxMatch = 258, minMatch = 3, maxChain = 256
        var w = BitWriter()
        w.write(1, bits: 1)  // BFINAL
        w.write(1, bits: 2)  // BTYPE 01: fixed Huffman codes
        var chains: [Int: [Int]] = [:]
        func key(_ i: Int) -> Int { Int(data[i]) << 16 | Int(data[i + 1]) << 8 | Int(data[i + 2]) }
        func remember(_ i: Int) { if i + minMatch <= data.count { chains[key(i), default: []].append(i) } }
        var i = 0
        while i < data.count {
            var bestLength = 0, bestDistance = 0
            if i + minMatch <= data.count {
                for p in (chains[key(i)] ?? []).reversed().prefix(maxChain) {
                    guard i - p <= window else { break }
                    var l = 0
                    let limit = min(maxMatch, data.count - i)
                    while l < limit && data[p + l] == data[i + l] { l += 1 }
                    if l > bestLength {
                        bestLength = l
                        bestDistance = i - p
                        if l == maxMatch { break }
                    }
                }
            }
            if bestLength >= minMatch {
                let lc = lengthBase.lastIndex { $0 <= bestLength }!
                writeSymbol(&w, 257 + lc)
                w.write(bestLength - lengthBase[lc], bits: lengthExtra[lc])
                let dc = distanceBase.lastIndex { $0 <= bestDistance }!
                w.writeCode(dc, bits: 5)
                w.write(bestDistance - distanceBase[dc], bits: distanceExtra[dc])
                for j in i..<(i + bestLength) { remember(j) }
                i += bestLength
            } else {
                writeSymbol(&w, Int(data[i]))
                remember(i)
                i += 1
            }
        }
        writeSymbol(&w, 256)  // end of block
        w.flush()
        return w.out
    }
}

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

/// An unsigned 256-bit integer, four 64-bit limbs, least significant first. Only what ECDSA signing needs. Plain
/// stored limbs rather than an array, so the many additions of a modular inverse allocate nothing.
struct U256: Equatable, Comparable {
    var l0: UInt64 = 0, l1: UInt64 = 0, l2: UInt64 = 0, l3: UInt64 = 0

    /// The order n of the P-256 group.
    static let order = U256(hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

    subscript(i: Int) -> UInt64 {
        get {
            switch i {
            case 0: l0
            case 1: l1
            case 2: l2
            default: l3
            }
        }
        set {
            switch i {
            case 0: l0 = newValue
            case 1: l1 = newValue
            case 2: l2 = newValue
            default: l3 = newValue
            }
        }
    }

    init(_ bigEndian: [UInt8]) {
        precondition(bigEndian.count == 32)
        for i in 0..<4 {
            self[i] = bigEndian[(24 - 8 * i)..<(32 - 8 * i)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }

    init(_ small: UInt64) { l0 = small }

    init(hex: String) {
        let u = Array(hex.utf8)
        precondition(u.count == 64)
        func nibble(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : c - 0x61 + 10 }
        self.init((0..<32).map { nibble(u[2 * $0]) << 4 | nibble(u[2 * $0 + 1]) })
    }

    var bytes: [UInt8] {
        (0..<32).map { i in UInt8(truncatingIfNeeded: self[3 - i / 8] >> UInt64(56 - 8 * (i % 8))) }
    }

    var isZero: Bool { l0 | l1 | l2 | l3 == 0 }

    func bit(_ i: Int) -> Bool { self[i / 64] >> UInt64(i % 64) & 1 == 1 }

    static func < (a: U256, b: U256) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] }
        return false
    }

    func adding(_ b: U256) -> (U256, carry: Bool) {
        var out = U256(0)
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = self[i].addingReportingOverflow(b[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (out, carry != 0)
    }

    /// Wrapping subtraction (callers ensure `self >= b`, or rely on a carry they dropped).
    func subtracting(_ b: U256) -> U256 {
        var out = U256(0)
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = self[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return out
    }

    /// One conditional subtraction: enough for any value below 2·m (P-256 field elements and hashes against n).
    func reduced(mod m: U256) -> U256 { self < m ? self : subtracting(m) }

    static func modAdd(_ a: U256, _ b: U256, _ m: U256) -> U256 {
        let (s, carry) = a.adding(b)
        return carry || !(s < m) ? s.subtracting(m) : s
    }

    /// Double-and-add multiplication: slow, simple and exact.
    static func modMul(_ a: U256, _ b: U256, _ m: U256) -> U256 {
        var result = U256(0)
        for i in stride(from: 255, through: 0, by: -1) {
            result = modAdd(result, result, m)
            if b.bit(i) { result = modAdd(result, a, m) }
        }
        return result
    }

    var isEven: Bool { l0 & 1 == 0 }

    /// `self / 2`, with `carry` shifted in as bit 255.
    func halved(carry: Bool = false) -> U256 {
        var out = U256(0)
        for i in 0..<4 {
            let next: UInt64 = i < 3 ? self[i + 1] : (carry ? 1 : 0)
            out[i] = self[i] >> 1 | next << 63
        }
        return out
    }

    /// `x / 2 mod m` for odd `m` and `x < m`.
    static func modHalve(_ x: U256, _ m: U256) -> U256 {
        if x.isEven { return x.halved() }
        let (s, carry) = x.adding(m)
        return s.halved(carry: carry)
    }

    static func modSub(_ a: U256, _ b: U256, _ m: U256) -> U256 {
        b < a || b == a ? a.subtracting(b) : a.adding(m).0.subtracting(b)
    }

    /// The inverse of `a` (0 < a < m) modulo an odd prime `m`, by the binary extended Euclidean algorithm.
    static func modInverse(_ a: U256, _ m: U256) -> U256 {
        var u = a, v = m
        var x1 = U256(1), x2 = U256(0)
        let one = U256(1)
        while u != one && v != one {
            while u.isEven {
                u = u.halved()
                x1 = modHalve(x1, m)
            }
            while v.isEven {
                v = v.halved()
                x2 = modHalve(x2, m)
            }
            if v < u {
                u = u.subtracting(v)
                x1 = modSub(x1, x2, m)
            } else {
                v = v.subtracting(u)
                x2 = modSub(x2, x1, m)
            }
        }
        return u == one ? x1 : x2
    }
}
