import CNCurses
import DrydockUI
#if canImport(Glibc)
import Glibc
#endif

public enum CursesTerminalError: Error, Equatable, CustomStringConvertible {
    case notATerminal
    case cannotStart(term: String)
    case inputClosed

    public var description: String {
        switch self {
        case .notATerminal: "standard input and output must be a terminal"
        case .cannotStart(let term): "cannot start the terminal UI with TERM=\(term.isEmpty ? "(unset)" : term) (unknown terminal type?)"
        case .inputClosed: "the terminal's input was closed"
        }
    }
}

/// The ncurses terminal (wide-character API). The only type that talks to ncurses; use it from one thread and
/// call `restore()` before the process exits (also after a signal or an error).
public final class CursesTerminal: Terminal {
    private let window: UnsafeMutablePointer<WINDOW>
    /// The stream ncurses draws through: the clipboard escape goes through it too, so it lands between frames.
    private let output: UnsafeMutablePointer<FILE>
    private let colorPairs: [ColorRole: Int16]
    private let dimMuted: Bool
    private var restored = false
    private var instantErrors = 0
    public private(set) var size: GridSize
    public let textWidth = TextWidth { scalar in Int(wcwidth(wchar_t(bitPattern: scalar.value))) }
    /// The locale's character set is UTF-8 (after `setlocale`): size bars use block eighths, else `#`.
    public let isUTF8: Bool

    /// Starts ncurses on the controlling terminal. `useColor: false` draws with attributes only (NO_COLOR).
    public init(useColor: Bool) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw CursesTerminalError.notATerminal }
        setlocale(LC_ALL, "")
        CrashGuard.install()
        // newterm (unlike initscr) returns nil for an unknown TERM instead of exiting the process.
        guard let out = fdopen(1, "w"), let screen = newterm(nil, out, fdopen(0, "r")) else {
            CrashGuard.uninstall()
            throw CursesTerminalError.cannotStart(term: Self.termName)
        }
        set_term(screen)
        guard let win = shim_stdscr() else {
            endwin()
            CrashGuard.uninstall()
            throw CursesTerminalError.cannotStart(term: Self.termName)
        }
        window = win
        output = out
        isUTF8 = nl_langinfo(nl_item(CODESET)).map { String(cString: $0).uppercased() } == "UTF-8"
        cbreak()
        noecho()
        keypad(win, true)
        leaveok(win, true)
        curs_set(0)
        set_escdelay(25)
        mouseinterval(0)
        var previousMask: mmask_t = 0
        mousemask(SHIM_ALL_MOUSE_EVENTS, &previousMask)
        var pairs: [ColorRole: Int16] = [:]
        if useColor && has_colors() {
            start_color()
            use_default_colors()
            pairs = Self.makePairs(colors: Int(shim_colors()))
        }
        colorPairs = pairs
        dimMuted = pairs[.muted] == nil
        size = GridSize(rows: Int(getmaxy(win)), cols: Int(getmaxx(win)))
        // Ours replace the handlers ncurses installed for SIGINT/SIGTERM, so the run loop decides how to leave.
        SignalGuard.installStopHandlers()
    }

    deinit { restore() }

    /// Leaves curses mode: the normal screen, cursor, echo and line mode come back. Safe to call more than once.
    public func restore() {
        guard !restored else { return }
        restored = true
        endwin()
        SignalGuard.uninstall()
    }

    public func draw(_ grid: CellGrid) {
        let rows = min(grid.rows, Int(getmaxy(window)))
        let cols = min(grid.cols, Int(getmaxx(window)))
        var cc = cchar_t()
        for y in 0..<rows {
            var x = 0
            while x < cols {
                let cell = grid[y, x]
                let fits = cell.width < 2 || x + 1 < cols
                let text = cell.isContinuation || !fits ? " " : cell.text
                var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                wide.append(0)
                let (attributes, pair) = attributes(for: cell.style)
                setcchar(&cc, wide, attributes, pair, nil)
                mvwadd_wch(window, Int32(y), Int32(x), &cc)
                x += cell.width == 2 && fits ? 2 : 1
            }
        }
        wnoutrefresh(window)
        doupdate()
    }

    /// OSC 52 (`Clipboard.osc52`), written after ncurses flushed its last frame; the screen is unchanged by it.
    public func copyToClipboard(_ text: String) {
        guard !restored, let bytes = Clipboard.osc52(text) else { return }
        bytes.withUnsafeBufferPointer { buffer in _ = fwrite(buffer.baseAddress, 1, buffer.count, output) }
        fflush(output)
    }

    public func nextEvent(timeoutMs: Int) throws -> TerminalEvent? {
        if let signo = SignalGuard.takePending() { return .signal(signo) }
        wtimeout(window, Int32(timeoutMs))
        var ch: wint_t = 0
        let started = Self.milliseconds()
        let status = wget_wch(window, &ch)
        if let signo = SignalGuard.takePending() { return .signal(signo) }
        switch status {
        case OK:
            instantErrors = 0
            return CursesInput.character(UInt32(ch)).map(TerminalEvent.key)
        case KEY_CODE_YES:
            instantErrors = 0
            let code = Int32(bitPattern: ch)
            if code == KEY_RESIZE {
                size = GridSize(rows: Int(getmaxy(window)), cols: Int(getmaxx(window)))
                return .resize(size)
            }
            if code == KEY_MOUSE { return CursesInput.mouse().map(TerminalEvent.mouse) }
            return CursesInput.keyCode(code).map(TerminalEvent.key)
        default:
            // With stdin at end of file wget_wch fails at once, forever: stop instead of spinning.
            if timeoutMs >= 50 && Self.milliseconds() - started < 5 {
                instantErrors += 1
                if instantErrors > 50 { throw CursesTerminalError.inputClosed }
            } else {
                instantErrors = 0
            }
            return nil
        }
    }

    private static var termName: String { getenv("TERM").map { String(cString: $0) } ?? "" }

    private static func milliseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
    }

    // MARK: attributes and colours

    /// Roles with a background colour of their own: their `reverse` (the monochrome look) is dropped in colour.
    private static let filledRoles: Set<ColorRole> = [.title, .status, .selection, .errorBanner, .banner]

    private func attributes(for style: CellStyle) -> (attr_t, Int16) {
        var a = SHIM_A_NORMAL
        let pair = colorPairs[style.role] ?? 0
        let filled = pair != 0 && Self.filledRoles.contains(style.role)
        if style.bold { a |= SHIM_A_BOLD }
        if style.reverse && !filled { a |= SHIM_A_REVERSE }
        if style.dim || (style.role == .muted && dimMuted) { a |= SHIM_A_DIM }
        if style.underline { a |= SHIM_A_UNDERLINE }
        return (a, pair)
    }

    private static func makePairs(colors: Int) -> [ColorRole: Int16] {
        let gray: Int16 = colors >= 16 ? 8 : -1
        let table: [(ColorRole, Int32, Int32)] = [
            (.title, COLOR_WHITE, COLOR_BLUE),
            (.header, COLOR_CYAN, -1),
            (.selection, COLOR_BLACK, COLOR_CYAN),
            (.accent, COLOR_CYAN, -1),
            (.muted, Int32(gray), -1),
            (.ok, COLOR_GREEN, -1),
            (.warning, COLOR_YELLOW, -1),
            (.error, COLOR_RED, -1),
            (.banner, COLOR_BLACK, COLOR_YELLOW),
            (.errorBanner, COLOR_WHITE, COLOR_RED),
            (.status, COLOR_BLACK, COLOR_WHITE),
            (.bar, COLOR_MAGENTA, -1),
        ]
        var pairs: [ColorRole: Int16] = [:]
        for (i, (role, fg, bg)) in table.enumerated() {
            if role == .muted && gray < 0 { continue }
            let n = Int16(i + 1)
            init_pair(n, Int16(fg), Int16(bg))
            pairs[role] = n
        }
        return pairs
    }
}
