/// Name grammars of registry 2.8.2 (`reference/regexp.go`), checked byte by byte (no regex engine on the hot path).
public enum NameGrammar {
    public static let maxRepositoryNameLength = 255
    public static let maxTagLength = 128

    /// One path component: `[a-z0-9]+` then any number of (separator, `[a-z0-9]+`), separator `.`, `_`, `__` or `-+`.
    public static func isValidComponent(_ s: some StringProtocol) -> Bool {
        let u = Array(s.utf8)
        guard !u.isEmpty else { return false }
        var i = 0
        func alnumRun() -> Bool {
            let start = i
            while i < u.count, isLowerAlnum(u[i]) { i += 1 }
            return i > start
        }
        guard alnumRun() else { return false }
        while i < u.count {
            switch u[i] {
            case UInt8(ascii: "."):
                i += 1
            case UInt8(ascii: "_"):
                i += 1
                if i < u.count, u[i] == UInt8(ascii: "_") { i += 1 }
            case UInt8(ascii: "-"):
                while i < u.count, u[i] == UInt8(ascii: "-") { i += 1 }
            default:
                return false
            }
            guard alnumRun() else { return false }
        }
        return true
    }

    /// A domain component as the first path element: `[a-zA-Z0-9]` labels (inner `-`) joined by `.`, optional `:port`.
    public static func isValidDomain(_ s: some StringProtocol) -> Bool {
        let str = String(s)
        let parts = str.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        }
        let labels = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            let u = Array(label.utf8)
            guard let first = u.first, let last = u.last, isAlnum(first), isAlnum(last) else { return false }
            return u.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// Full repository name (2.8.2 `NameRegexp` anchored): optional domain, then components joined by `/`.
    public static func isValidRepositoryName(_ name: some StringProtocol) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxRepositoryNameLength else { return false }
        let comps = name.split(separator: "/", omittingEmptySubsequences: false)
        for (i, c) in comps.enumerated() {
            if isValidComponent(c) { continue }
            if i == 0, comps.count > 1, isValidDomain(c) { continue }
            return false
        }
        return true
    }

    /// Tag: `[\w][\w.-]{0,127}`.
    public static func isValidTag(_ tag: some StringProtocol) -> Bool {
        let u = Array(tag.utf8)
        guard let first = u.first, u.count <= maxTagLength, isWord(first) else { return false }
        return u.dropFirst().allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
    private static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 0x41 && c <= 0x5A) }
    private static func isWord(_ c: UInt8) -> Bool { isAlnum(c) || c == UInt8(ascii: "_") }
}

/// Text from the store made safe to print: control characters (terminal escapes) and invalid UTF-8 become visible escapes.
public enum SafeText {
    public static func escaping(_ s: String) -> String {
        if isPlainASCII(s, allowingLineFeeds: false) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars { appendEscaped(scalar, to: &out) }
        return out
    }

    /// `s` escaped, keeping its line feeds: for whole blocks of output whose line breaks are the program's own.
    public static func escapingKeepingLineFeeds(_ s: String) -> String {
        if isPlainASCII(s, allowingLineFeeds: true) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            if scalar == "\n" { out.unicodeScalars.append(scalar) } else { appendEscaped(scalar, to: &out) }
        }
        return out
    }

    /// `s` escaped, then cut to at most `maxLength` scalars. Escaping first means a cut never leaves half a terminal
    /// sequence, and the cut never splits an escape such as `\x1b`.
    public static func escapedPrefix(_ s: String, maxLength: Int) -> String {
        var out = ""
        var length = 0
        for scalar in s.unicodeScalars {
            var piece = ""
            appendEscaped(scalar, to: &piece)
            let pieceLength = piece.unicodeScalars.count
            guard length + pieceLength <= maxLength else { break }
            out += piece
            length += pieceLength
        }
        return out
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to out: inout String) {
        if isControl(scalar) {
            out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
        } else {
            out.unicodeScalars.append(scalar)
        }
    }

    /// Printable ASCII (and line feeds when allowed): nothing to escape, so the text is returned as it is instead of
    /// being rebuilt a scalar at a time (a plan's output is a megabyte of such lines).
    private static func isPlainASCII(_ s: String, allowingLineFeeds: Bool) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            for b in bytes where b < 0x20 || b >= 0x7F {
                guard allowingLineFeeds, b == 0x0A else { return false }
            }
            return true
        }
    }

    /// C0 controls, DEL and C1 controls (U+0080–U+009F, which some terminals obey as ESC sequences).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
    }

    /// True when printing `s` raw could move the cursor, change colours or otherwise confuse a terminal.
    public static func needsEscaping(_ s: String) -> Bool {
        s.unicodeScalars.contains(where: isControl)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
