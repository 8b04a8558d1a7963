/// What a piece of text means, so the terminal can pick a colour for it (or none, under NO_COLOR).
/// A role never carries meaning alone: marks (✓ ! ✗) and words say the same thing in monochrome.
public enum ColorRole: UInt8, Sendable, CaseIterable {
    case normal
    /// The top bar (breadcrumb).
    case title
    /// Column headers and section labels.
    case header
    /// The selected row.
    case selection
    /// Digests, keys and other identifiers.
    case accent
    /// Secondary text: placeholders, "(untagged)", pending marks.
    case muted
    case ok
    case warning
    case error
    /// The demo banner and informational messages.
    case banner
    /// Error banners.
    case errorBanner
    /// The status line at the bottom.
    case status
    /// Dialog and help boxes.
    case dialog
    /// Relative size bars (ncdu style).
    case bar
}

/// Attributes of one cell.
public struct CellStyle: Hashable, Sendable {
    public var role: ColorRole
    public var bold: Bool
    public var reverse: Bool
    public var dim: Bool
    public var underline: Bool

    public init(role: ColorRole = .normal, bold: Bool = false, reverse: Bool = false, dim: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }

    public static let plain = CellStyle()

    public static func role(_ role: ColorRole) -> CellStyle { CellStyle(role: role) }

    public func with(bold: Bool? = nil, reverse: Bool? = nil, dim: Bool? = nil, underline: Bool? = nil) -> CellStyle {
        var s = self
        if let bold { s.bold = bold }
        if let reverse { s.reverse = reverse }
        if let dim { s.dim = dim }
        if let underline { s.underline = underline }
        return s
    }
}

/// One terminal cell.
public struct Cell: Hashable, Sendable {
    /// A base character plus zero-width combining marks; empty for the right half of a wide character.
    public var text: String
    /// Columns used: 1, 2 for a wide character, 0 for the right half of one.
    public var width: UInt8
    public var style: CellStyle

    public init(text: String, width: UInt8, style: CellStyle) {
        self.text = text
        self.width = width
        self.style = style
    }

    public static func blank(_ style: CellStyle = .plain) -> Cell { Cell(text: " ", width: 1, style: style) }

    public var character: Character? { text.first }
    public var isContinuation: Bool { width == 0 }
}
