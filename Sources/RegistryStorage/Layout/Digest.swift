/// The hash algorithms registry 2.8.2 accepts (go-digest 1.0). Anything else is reported, never looked up.
public enum DigestAlgorithm: UInt8, Sendable, CaseIterable, Comparable {
    case sha256, sha384, sha512

    public var name: String {
        switch self {
        case .sha256: "sha256"
        case .sha384: "sha384"
        case .sha512: "sha512"
        }
    }

    /// Length of the hex-encoded part.
    public var hexLength: Int { byteCount * 2 }

    public var byteCount: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    public init?(name: some StringProtocol) {
        switch name {
        case "sha256": self = .sha256
        case "sha384": self = .sha384
        case "sha512": self = .sha512
        default: return nil
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A content digest held as raw bytes (no heap allocation), so indexes of 100k manifests stay small.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let algorithm: DigestAlgorithm
    /// The hash as big-endian words, zero-padded to 64 bytes. Plain words, not SIMD8: a 64-byte-aligned type in
    /// async frames corrupted the task allocator on Swift 6.3.1 (it only guarantees 16-byte alignment).
    private let words: Words

    struct Words: Hashable, Sendable {
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
        var w4: UInt64 = 0, w5: UInt64 = 0, w6: UInt64 = 0, w7: UInt64 = 0

        subscript(i: Int) -> UInt64 {
            get {
                switch i {
                case 0: w0
                case 1: w1
                case 2: w2
                case 3: w3
                case 4: w4
                case 5: w5
                case 6: w6
                default: w7
                }
            }
            set {
                switch i {
                case 0: w0 = newValue
                case 1: w1 = newValue
                case 2: w2 = newValue
                case 3: w3 = newValue
                case 4: w4 = newValue
                case 5: w5 = newValue
                case 6: w6 = newValue
                default: w7 = newValue
                }
            }
        }
    }

    public init(algorithm: DigestAlgorithm, bytes: some Collection<UInt8>) {
        precondition(bytes.count == algorithm.byteCount, "digest byte count must match algorithm")
        var w = Words()
        for (i, b) in bytes.enumerated() {
            w[i / 8] |= UInt64(b) << UInt64(56 - (i % 8) * 8)
        }
        self.algorithm = algorithm
        self.words = w
    }

    /// From a hash function's output (`byteCount` bytes), a word at a time and without an array in between: every
    /// manifest read is hashed to check it against its name.
    init(algorithm: DigestAlgorithm, hashOutput raw: UnsafeRawBufferPointer) {
        precondition(raw.count == algorithm.byteCount, "digest byte count must match algorithm")
        var w = Words()
        for k in 0..<(raw.count / 8) { w[k] = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)) }
        self.init(algorithm: algorithm, words: w)
    }

    private init(algorithm: DigestAlgorithm, words: Words) {
        self.algorithm = algorithm
        self.words = words
    }

    /// The hash's first byte (what shards a cache by digest), without building `bytes`.
    var firstByte: UInt8 { UInt8(truncatingIfNeeded: words.w0 >> 56) }

    /// A SHA-256 digest in 32 bytes, for sets that hold every blob of a store (`MarkSet`); nil for other algorithms.
    var sha256Key: SHA256Key? {
        algorithm == .sha256 ? SHA256Key(w0: words.w0, w1: words.w1, w2: words.w2, w3: words.w3) : nil
    }

    init(_ key: SHA256Key) {
        self.init(algorithm: .sha256, words: Words(w0: key.w0, w1: key.w1, w2: key.w2, w3: key.w3))
    }

    public var bytes: [UInt8] {
        (0..<algorithm.byteCount).map { i in UInt8(truncatingIfNeeded: words[i / 8] >> UInt64(56 - (i % 8) * 8)) }
    }

    public var hex: String {
        // Written straight from the words into the string's storage: names and paths are built from it per file.
        String(unsafeUninitializedCapacity: algorithm.hexLength) { out in
            Self.writeHex(words, into: out)
            return out.count
        }
    }

    /// The hex digits in a temporary buffer, for the length of `body`: no `String` built.
    func withHexBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: algorithm.hexLength) { out in
            Self.writeHex(words, into: out)
            return body(UnsafeBufferPointer(out))
        }
    }

    /// Bytes of `description`: the algorithm's name, a colon, the hex digits.
    package var descriptionLength: Int { algorithm.name.utf8.count + 1 + algorithm.hexLength }

    /// `description` written at `out` as UTF-8 (`descriptionLength` bytes), without building a `String` (`ls --json`
    /// writes 300k of them).
    package func writeDescription(to out: UnsafeMutablePointer<UInt8>) {
        var at = out
        for c in algorithm.name.utf8 {
            at.pointee = c
            at += 1
        }
        at.pointee = UInt8(ascii: ":")
        Self.writeHex(words, into: UnsafeMutableBufferPointer(start: at + 1, count: algorithm.hexLength))
    }

    /// Lowercase hex of the first `out.count / 16` words, big-endian, filling `out`: eight digits at a time in a
    /// 64-bit register (`hexDigits`), not a branch per nibble; paths, listings and `ls --json` spell 500k digests.
    private static func writeHex(_ words: Words, into out: UnsafeMutableBufferPointer<UInt8>) {
        guard let base = out.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(base)
        for k in 0..<(out.count / 16) {
            let w = words[k]
            raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: w >> 32)).bigEndian, toByteOffset: k * 16, as: UInt64.self)
            raw.storeBytes(of: hexDigits(UInt32(truncatingIfNeeded: w)).bigEndian, toByteOffset: k * 16 + 8, as: UInt64.self)
        }
    }

    /// The eight lowercase hex digits of `v`, the most significant in the highest byte: each nibble spread to a byte
    /// of its own, then `'0'` added to all and `'a' - '0' - 10` more to those of 10 and above (a byte of 10...15 plus
    /// 6 carries into bit 4). No byte overflows into the next, so the sums are done on all eight at once.
    @inline(__always)
    static func hexDigits(_ v: UInt32) -> UInt64 {
        var x = UInt64(v)
        x = ((x & 0xFFFF_0000) << 16) | (x & 0xFFFF)
        x = ((x & 0x0000_FF00_0000_FF00) << 8) | (x & 0x0000_00FF_0000_00FF)
        x = ((x & 0x00F0_00F0_00F0_00F0) << 4) | (x & 0x000F_000F_000F_000F)
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return x &+ 0x3030_3030_3030_3030 &+ letters &* 39
    }

    /// The hash uses only the words the algorithm fills (the rest are zero): sets of 100k digests hash this often.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.w0)
        hasher.combine(words.w1)
        hasher.combine(words.w2)
        hasher.combine(words.w3)
        if algorithm != .sha256 {
            hasher.combine(algorithm.rawValue)
            hasher.combine(words.w4)
            hasher.combine(words.w5)
            hasher.combine(words.w6)
            hasher.combine(words.w7)
        }
    }

    /// Hash tables of SHA-256 digests use `SHA256Key.tableHash` (a seeded multiply-fold), not SipHash: see there.
    public func _rawHashValue(seed: Int) -> Int {
        guard algorithm == .sha256 else {
            var hasher = Hasher()
            hasher.combine(seed)
            hash(into: &hasher)
            return hasher.finalize()
        }
        return SHA256Key.tableHash(words.w0, words.w1, words.w2, words.w3, seed: seed)
    }

    /// `sha256:<hex>`
    public var description: String { "\(algorithm.name):\(hex)" }

    /// The first 12 hex characters, as `docker images` shows them.
    public var short: String { String(hex.prefix(12)) }

    public static func < (a: Digest, b: Digest) -> Bool {
        if a.algorithm != b.algorithm { return a.algorithm < b.algorithm }
        // Word by word, named: a loop over the subscript's switch showed in every sort of digests.
        let x = a.words, y = b.words
        if x.w0 != y.w0 { return x.w0 < y.w0 }
        if x.w1 != y.w1 { return x.w1 < y.w1 }
        if x.w2 != y.w2 { return x.w2 < y.w2 }
        if x.w3 != y.w3 { return x.w3 < y.w3 }
        if x.w4 != y.w4 { return x.w4 < y.w4 }
        if x.w5 != y.w5 { return x.w5 < y.w5 }
        if x.w6 != y.w6 { return x.w6 < y.w6 }
        return x.w7 < y.w7
    }

    /// Parses a digest with registry 2.8.2 rules: known algorithm, exact length, lowercase hex.
    public static func parse(_ text: some StringProtocol) -> Result<Digest, DigestError> {
        parse(utf8: text.utf8)
    }

    public static func parse(utf8 s: some Collection<UInt8>) -> Result<Digest, DigestError> {
        // Nearly every digest in a store is `sha256:` and 64 lowercase hex digits: read those without copies.
        if let d = s.withContiguousStorageIfAvailable(parseSHA256) ?? nil { return .success(d) }
        let bytes = Array(s)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            return .failure(.invalidFormat)
        }
        let algBytes = bytes[..<colon]
        let hexBytes = bytes[(colon + 1)...]
        guard let algorithm = DigestAlgorithm(name: String(decoding: algBytes, as: UTF8.self)) else {
            return .failure(isAlgorithmShaped(algBytes) && isEncodedShaped(hexBytes) ? .unsupportedAlgorithm : .invalidFormat)
        }
        guard hexBytes.allSatisfy(isLowerHex) else {
            return .failure(isEncodedShaped(hexBytes) ? .invalidHex : .invalidFormat)
        }
        guard hexBytes.count == algorithm.hexLength else { return .failure(.invalidLength) }
        var raw = [UInt8]()
        raw.reserveCapacity(algorithm.byteCount)
        var it = hexBytes.makeIterator()
        while let hi = it.next(), let lo = it.next() {
            raw.append(hexValue(hi) << 4 | hexValue(lo))
        }
        return .success(Digest(algorithm: algorithm, bytes: raw))
    }

    /// Convenience for callers that have already validated the text (tests, constants).
    public init?(_ text: some StringProtocol) {
        guard case .success(let d) = Digest.parse(text) else { return nil }
        self = d
    }

    /// `sha256:<64 lowercase hex>`, or nil for anything else (then the general parse decides what is wrong).
    static func parseSHA256(_ s: UnsafeBufferPointer<UInt8>) -> Digest? {
        guard s.count == 71, s[6] == UInt8(ascii: ":"), s[0] == UInt8(ascii: "s"), s[1] == UInt8(ascii: "h"),
            s[2] == UInt8(ascii: "a"), s[3] == UInt8(ascii: "2"), s[4] == UInt8(ascii: "5"), s[5] == UInt8(ascii: "6")
        else { return nil }
        return sha256(hex: UnsafeBufferPointer(rebasing: s[7...]))
    }

    /// 64 lowercase hex digits as a sha256 digest, or nil. A word at a time: every folder name and reference of a
    /// store passes through here.
    static func sha256(hex s: UnsafeBufferPointer<UInt8>) -> Digest? {
        guard s.count == 64, let p = s.baseAddress,
            let w0 = hexWord(p), let w1 = hexWord(p + 16), let w2 = hexWord(p + 32), let w3 = hexWord(p + 48)
        else { return nil }
        return Digest(algorithm: .sha256, words: Words(w0: w0, w1: w1, w2: w2, w3: w3))
    }

    /// 16 lowercase hex digits as a big-endian word, or nil. Eight characters at a time in one register (SWAR): a
    /// branch per character mispredicts on random hex and cost 60 ns a word, this costs about 5.
    @inline(__always)
    static func hexWord(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let (high, badHigh) = hexHalfWord(UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)))
        let (low, badLow) = hexHalfWord(UInt64(littleEndian: UnsafeRawPointer(p + 8).loadUnaligned(as: UInt64.self)))
        return badHigh | badLow == 0 ? high << 32 | low : nil
    }

    /// Eight characters (the first in the lowest byte) as 32 bits of value, and a non-zero mask if any of them is not
    /// `0-9a-f`. Per byte, with the top bit kept clear so no sum carries into the next byte: `b + (0x80 - lo)` has
    /// its top bit set exactly when `b >= lo`.
    @inline(__always)
    private static func hexHalfWord(_ x: UInt64) -> (UInt64, UInt64) {
        let ones: UInt64 = 0x0101_0101_0101_0101, tops: UInt64 = 0x8080_8080_8080_8080
        let seven = x & ~tops
        func atLeast(_ lo: UInt64) -> UInt64 { seven &+ (0x80 - lo) &* ones }
        let digit = atLeast(0x30) & ~atLeast(0x3A), letter = atLeast(0x61) & ~atLeast(0x67)
        let bad = ((digit | letter) & tops & ~x) ^ tops
        // '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low four bits, plus 9 where bit 6 marks a letter.
        var values = (x & 0x0F0F_0F0F_0F0F_0F0F) &+ ((x >> 6) & ones) &* 9
        var word: UInt64 = 0
        for _ in 0..<8 {
            word = word << 4 | (values & 0xF)
            values >>= 8
        }
        return (word, bad)
    }

    private static func isLowerHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)
    }

    private static func hexValue(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : c - 0x61 + 10 }

    private static func isAlgorithmShaped(_ s: some Collection<UInt8>) -> Bool {
        // [a-z0-9]+(?:[.+_-][a-z0-9]+)*
        var previousWasSeparator = true
        for c in s {
            let alnum = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            if alnum {
                previousWasSeparator = false
            } else if c == 0x2E || c == 0x2B || c == 0x5F || c == 0x2D {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    private static func isEncodedShaped(_ s: some Collection<UInt8>) -> Bool {
        !s.isEmpty && s.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                || c == 0x3D || c == 0x5F || c == 0x2D
        }
    }
}

public enum DigestError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidFormat
    case unsupportedAlgorithm
    case invalidLength
    case invalidHex

    public var description: String {
        switch self {
        case .invalidFormat: "invalid digest format"
        case .unsupportedAlgorithm: "unsupported digest algorithm"
        case .invalidLength: "invalid digest length"
        case .invalidHex: "digest is not lowercase hex"
        }
    }
}

import Crypto
import Foundation

extension Digest {
    /// sha256 of `data`, the registry's canonical algorithm.
    public static func sha256(of data: some DataProtocol) -> Digest {
        SHA256.hash(data: data).withUnsafeBytes { Digest(algorithm: .sha256, hashOutput: $0) }
    }

    /// The digest of `data` with this digest's algorithm, for comparing stored content against its name.
    public func recomputed(over data: some DataProtocol) -> Digest {
        switch algorithm {
        case .sha256: SHA256.hash(data: data).withUnsafeBytes { Digest(algorithm: .sha256, hashOutput: $0) }
        case .sha384: SHA384.hash(data: data).withUnsafeBytes { Digest(algorithm: .sha384, hashOutput: $0) }
        case .sha512: SHA512.hash(data: data).withUnsafeBytes { Digest(algorithm: .sha512, hashOutput: $0) }
        }
    }
}
