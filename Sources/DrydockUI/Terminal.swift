/// A key press, already decoded by the terminal.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    /// Ctrl plus a letter (`.ctrl("l")`), except the ones terminals send as other keys (Tab, Enter, Backspace).
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete
    case function(Int)

    /// How the help overlay and the footer name the key.
    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-\(String(c).uppercased())"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .delete: "Del"
        case .function(let n): "F\(n)"
        }
    }
}

/// A mouse report, in grid coordinates (0-based).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, release, wheelUp, wheelDown, other }

    public var kind: Kind
    public var row: Int
    public var col: Int

    public init(_ kind: Kind, row: Int, col: Int) {
        self.kind = kind
        self.row = row
        self.col = col
    }
}

/// What the terminal reports to the run loop.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(GridSize)
    /// SIGINT, SIGTERM or SIGHUP arrived: the run loop stops and the caller exits with 128 + signal.
    case signal(Int32)
}

/// The seam between the UI and a real terminal: `CursesTerminal` implements it with ncurses; tests script it.
/// Used from one thread only (the one running `AppRunner`).
public protocol Terminal: AnyObject {
    var size: GridSize { get }
    /// How the terminal measures characters (`wcwidth` under ncurses).
    var textWidth: TextWidth { get }
    /// Shows `grid` (the terminal may diff it against what is on screen).
    func draw(_ grid: CellGrid)
    /// The next event, or nil after `timeoutMs` milliseconds without one (0: do not wait). Throws when input is gone
    /// for good (closed terminal), so the run loop cannot spin.
    func nextEvent(timeoutMs: Int) throws -> TerminalEvent?
    /// Puts `text` on the clipboard of the terminal the user sits at (`Clipboard.osc52`).
    func copyToClipboard(_ text: String)
    /// Whether the terminal's character set is UTF-8: size bars then use Unicode block eighths, else `#`.
    var isUTF8: Bool { get }
}

extension Terminal {
    public var isUTF8: Bool { true }
}
