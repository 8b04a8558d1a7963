/// An ncdu-style relative size bar: `[#####     ]`, or with Unicode block eighths `[████▌    ]` on a UTF-8 terminal.
/// The bar says how big a value is next to the largest one shown with it; the number beside it says how big it is.
public enum SizeBar {
    /// What the bar is drawn with: block eighths need a UTF-8 terminal; `#` works everywhere.
    public enum Glyphs: Sendable, Equatable {
        case unicode
        case ascii
    }

    /// `value` as a share of `largest`, in 0...1. A `largest` of 0 (or less) gives 0: an empty store draws empty bars.
    public static func fraction(_ value: Int64, of largest: Int64) -> Double {
        guard largest > 0, value > 0 else { return 0 }
        return min(1, Double(value) / Double(largest))
    }

    /// The bar for `fraction`, exactly `width` columns wide (frame included); empty below 3 columns.
    /// Any share above 0 shows at least the smallest step, so a small repository never looks empty next to a huge one.
    public static func draw(_ fraction: Double, width: Int, glyphs: Glyphs) -> String {
        guard width >= 3 else { return "" }
        let inner = width - 2
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        switch glyphs {
        case .ascii:
            var filled = Int((f * Double(inner)).rounded())
            if f > 0 && filled == 0 { filled = 1 }
            return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: inner - filled) + "]"
        case .unicode:
            var eighths = Int((f * Double(inner * 8)).rounded())
            if f > 0 && eighths == 0 { eighths = 1 }
            let full = eighths / 8
            let rest = eighths % 8
            var out = "[" + String(repeating: "█", count: full)
            if rest > 0 { out.append(partial[rest - 1]) }
            out += String(repeating: " ", count: inner - full - (rest > 0 ? 1 : 0))
            return out + "]"
        }
    }

    /// One to seven eighths of a cell, filled from the left.
    static let partial: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
}
