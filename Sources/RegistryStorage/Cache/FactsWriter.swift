/// Appends the fields of a facts record (`FactsCodec`): fixed little-endian integers for the record's frame,
/// variable-length ones (LEB128; signed values zigzagged) for counts, lengths and sizes, length-prefixed UTF-8
/// strings, a presence byte before each optional. `FactsReader` reads them back.
struct FactsWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u16(_ v: UInt16) { uint(UInt64(v), 2) }

    mutating func u32(_ v: UInt32) { uint(UInt64(v), 4) }

    mutating func u64(_ v: UInt64) { uint(v, 8) }

    mutating func i64(_ v: Int64) { uint(UInt64(bitPattern: v), 8) }

    mutating func raw(_ v: some Collection<UInt8>) { bytes += v }

    /// LEB128: seven bits a byte, low bits first, the high bit set on every byte but the last.
    mutating func uvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Zigzag, then LEB128: small magnitudes of either sign take one byte.
    mutating func varint(_ v: Int64) { uvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    mutating func string(_ s: String) {
        uvarint(UInt64(s.utf8.count))
        bytes += s.utf8
    }

    mutating func optional<T>(_ v: T?, _ write: (inout FactsWriter, T) -> Void) {
        guard let v else { return u8(0) }
        u8(1)
        write(&self, v)
    }

    mutating func optionalString(_ s: String?) { optional(s) { $0.string($1) } }

    mutating func array<T>(_ items: [T], _ write: (inout FactsWriter, T) -> Void) {
        uvarint(UInt64(items.count))
        for item in items { write(&self, item) }
    }

    mutating func strings(_ items: [String]) { array(items) { $0.string($1) } }

    private mutating func uint(_ v: UInt64, _ n: Int) {
        for i in 0..<n { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }
}
