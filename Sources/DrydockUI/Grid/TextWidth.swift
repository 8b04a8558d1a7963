import RegistryStorage

/// Measures text in terminal columns. The terminal injects `wcwidth` (so the grid and ncurses agree on every
/// character); tests and non-curses callers use the built-in Unicode table, which agrees with glibc on common text.
public struct TextWidth: Sendable {
    /// Columns for one scalar: 0 for combining marks, 1, 2 for wide characters, -1 when not printable.
    public let scalarWidth: @Sendable (Unicode.Scalar) -> Int

    public init(scalarWidth: @escaping @Sendable (Unicode.Scalar) -> Int) {
        self.scalarWidth = scalarWidth
    }

    /// The built-in table (East Asian wide ranges, emoji presentation, combining marks).
    public static let unicode = TextWidth(scalarWidth: UnicodeWidth.width(of:))

    /// What one cell shows: a base character with its combining marks, and its width (1 or 2).
    public struct Glyph: Equatable, Sendable {
        public var text: String
        public var width: Int
    }

    /// Splits text into terminal cells. Zero-width joiners and variation selectors are dropped (terminals disagree
    /// on how wide the sequences they build are); control characters become U+FFFD; at most 4 combining marks are kept
    /// per cell (ncurses' `cchar_t` limit).
    ///
    /// Every text the browser draws passes here, so this is where store text (names, platforms, labels) is made safe:
    /// controls are replaced whatever the injected width says of them (`wcwidth` gives NUL width 0, and a locale's
    /// table may not know C1 controls).
    public func glyphs(_ s: String) -> [Glyph] {
        var out: [Glyph] = []
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x200D, 0xFE0E, 0xFE0F: continue
            default: break
            }
            let w = SafeText.isControl(scalar) ? -1 : scalarWidth(scalar)
            if w < 0 {
                out.append(Glyph(text: "\u{FFFD}", width: 1))
            } else if w == 0 {
                if var last = out.popLast() {
                    if last.text.unicodeScalars.count < 5 { last.text.unicodeScalars.append(scalar) }
                    out.append(last)
                }
            } else {
                out.append(Glyph(text: String(scalar), width: min(w, 2)))
            }
        }
        return out
    }

    public func width(_ s: String) -> Int {
        glyphs(s).reduce(0) { $0 + $1.width }
    }

    /// `s` cut to at most `maxWidth` columns, ending in "…" when something was cut.
    public func truncate(_ s: String, to maxWidth: Int) -> String {
        guard maxWidth > 0 else { return "" }
        let gs = glyphs(s)
        let total = gs.reduce(0) { $0 + $1.width }
        if total <= maxWidth { return gs.map(\.text).joined() }
        var out = ""
        var used = 0
        for g in gs {
            if used + g.width > maxWidth - 1 { break }
            out += g.text
            used += g.width
        }
        return out + "…"
    }

    /// `s` cut from the left, keeping its end ("…ry/v2"): for paths.
    public func truncateLeading(_ s: String, to maxWidth: Int) -> String {
        guard maxWidth > 0 else { return "" }
        let gs = glyphs(s)
        let total = gs.reduce(0) { $0 + $1.width }
        if total <= maxWidth { return gs.map(\.text).joined() }
        var kept: [String] = []
        var used = 0
        for g in gs.reversed() {
            if used + g.width > maxWidth - 1 { break }
            kept.append(g.text)
            used += g.width
        }
        return "…" + kept.reversed().joined()
    }

    public enum Alignment: Sendable { case left, right }

    /// Exactly `width` columns: truncated with "…", then padded with spaces.
    public func fit(_ s: String, width: Int, align: Alignment = .left) -> String {
        let t = truncate(s, to: width)
        let pad = String(repeating: " ", count: max(0, width - self.width(t)))
        return align == .left ? t + pad : pad + t
    }
}

/// A compact Unicode width table, used when no terminal is present (tests) and matching glibc's `wcwidth` for
/// the characters Drydock shows: ASCII, Latin, box drawing, marks, CJK and emoji.
enum UnicodeWidth {
    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return -1 }
        if v == 0xAD { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) { return 0 }
        if isWide(v) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
        0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    static func isWide(_ v: UInt32) -> Bool {
        guard v >= 0x1100 else { return false }
        return wideRanges.contains { $0.contains(v) }
    }
}
