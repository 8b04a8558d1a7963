/// Reads what `FactsWriter` wrote, trusting nothing: every length and count is checked against the bytes left
/// before anything is allocated, so a truncated, damaged or hostile record ends in `Malformed`, never a trap or a
/// huge allocation (a record is a cache miss then).
struct FactsReader {
    struct Malformed: Error {}

    private let bytes: ArraySlice<UInt8>
    private var at: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        at = bytes.startIndex
    }

    var isAtEnd: Bool { at == bytes.endIndex }
    var remaining: Int { bytes.endIndex - at }

    mutating func u8() throws(Malformed) -> UInt8 { UInt8(truncatingIfNeeded: try uint(1)) }

    mutating func u16() throws(Malformed) -> UInt16 { UInt16(truncatingIfNeeded: try uint(2)) }

    mutating func u32() throws(Malformed) -> UInt32 { UInt32(truncatingIfNeeded: try uint(4)) }

    mutating func u64() throws(Malformed) -> UInt64 { try uint(8) }

    mutating func i64() throws(Malformed) -> Int64 { Int64(bitPattern: try uint(8)) }

    mutating func raw(_ n: Int) throws(Malformed) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw Malformed() }
        defer { at += n }
        return bytes[at..<(at + n)]
    }

    /// A LEB128 value of at most 32 bits (counts and lengths), in its shortest form: anything else is not ours.
    mutating func count() throws(Malformed) -> Int {
        let v = try uvarint()
        guard v <= UInt64(UInt32.max) else { throw Malformed() }
        return Int(v)
    }

    mutating func uvarint() throws(Malformed) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<10 {
            let b = try u8()
            // The tenth byte holds the top bit only; a zero last byte after the first is an overlong form.
            guard k < 9 || b <= 1, k == 0 || b != 0 else { throw Malformed() }
            v |= UInt64(b & 0x7F) << UInt64(7 * k)
            if b < 0x80 { return v }
        }
        throw Malformed()
    }

    mutating func varint() throws(Malformed) -> Int64 {
        let u = try uvarint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func string() throws(Malformed) -> String {
        String(decoding: try raw(try count()), as: UTF8.self)
    }

    mutating func optional<T>(_ read: (inout FactsReader) throws(Malformed) -> T) throws(Malformed) -> T? {
        switch try u8() {
        case 0: return nil
        case 1: return try read(&self)
        default: throw Malformed()
        }
    }

    mutating func optionalString() throws(Malformed) -> String? { try optional { (r) throws(Malformed) in try r.string() } }

    /// A count, then that many items; every item takes at least one byte, so a count over the bytes left is damage.
    mutating func array<T>(_ read: (inout FactsReader) throws(Malformed) -> T) throws(Malformed) -> [T] {
        let n = try count()
        guard n <= remaining else { throw Malformed() }
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(&self)) }
        return out
    }

    mutating func strings() throws(Malformed) -> [String] { try array { (r) throws(Malformed) in try r.string() } }

    private mutating func uint(_ n: Int) throws(Malformed) -> UInt64 {
        guard remaining >= n else { throw Malformed() }
        var v: UInt64 = 0
        for k in 0..<n { v |= UInt64(bytes[at + k]) << UInt64(8 * k) }
        at += n
        return v
    }
}
