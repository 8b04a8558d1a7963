
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
