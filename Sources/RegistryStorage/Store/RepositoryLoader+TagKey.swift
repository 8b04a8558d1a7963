extension RepositoryLoader {
    /// A tag folder's name compared byte for byte, as the registry compares names (Go strings are bytes). Swift's
    /// `String ==` is canonical equivalence: "é" as U+00E9 and as "e" U+0301 are one string to Swift but two folders
    /// the registry lists and its garbage collector keeps apart; keyed by `String`, a load would fold them into one tag.
    struct TagKey: Hashable, Comparable {
        let name: String

        static func == (a: TagKey, b: TagKey) -> Bool { a.name.utf8.elementsEqual(b.name.utf8) }

        func hash(into hasher: inout Hasher) {
            for byte in name.utf8 { hasher.combine(byte) }
            hasher.combine(name.utf8.count)
        }

        /// Byte order (an object store's key order); the same as `String <` for the ASCII names the registry accepts.
        static func < (a: TagKey, b: TagKey) -> Bool { a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }

        /// Only a name with a byte past ASCII can equal, as a Swift string, a name of other bytes.
        var isASCII: Bool { name.utf8.allSatisfy { $0 < 0x80 } }

        /// The name's Unicode scalars (`U+0065 U+0301`), to tell apart names that print alike.
        var scalars: String {
            name.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }.joined(separator: " ")
        }
    }
}
