/// Appends the fields of a facts record (`FactsCodec`): little-endian integers, length-prefixed UTF-8 strings,
/// a presence byte before each optional. `FactsReader` reads them back.
struct FactsWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u16(_ v: UInt16) { uint(UInt64(v), 2) }

    mutating func u32(_ v: UInt32) { uint(UInt64(v), 4) }

    mutating func u64(_ v: UInt64) { uint(v, 8) }

    mutating func i64(_ v: Int64) { uint(UInt64(bitPattern: v), 8) }

    mutating func raw(_ v: some Collection<UInt8>) { bytes += v }

    mutating func string(_ s: String) {
        u32(UInt32(truncatingIfNeeded: s.utf8.count))
        bytes += s.utf8
    }

    mutating func optional<T>(_ v: T?, _ write: (inout FactsWriter, T) -> Void) {
        guard let v else { return u8(0) }
        u8(1)
        write(&self, v)
    }

    mutating func optionalString(_ s: String?) { optional(s) { $0.string($1) } }

    mutating func array<T>(_ items: [T], _ write: (inout FactsWriter, T) -> Void) {
        u32(UInt32(truncatingIfNeeded: items.count))
        for item in items { write(&self, item) }
    }

    mutating func strings(_ items: [String]) { array(items) { $0.string($1) } }

    private mutating func uint(_ v: UInt64, _ n: Int) {
        for i in 0..<n { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }
}
