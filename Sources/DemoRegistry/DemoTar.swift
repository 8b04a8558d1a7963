
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
