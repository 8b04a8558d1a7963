import CNCurses
import DrydockUI

/// Turns what `wget_wch` returns into `TerminalEvent`s.
enum CursesInput {
    /// A character (status OK).
    static func character(_ ch: UInt32) -> Key? {
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(ch + 96)!))
        case 0, 28...31: return nil
        default:
            guard let scalar = Unicode.Scalar(ch) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// A function key (status KEY_CODE_YES).
    static func keyCode(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        default:
            let f0 = shim_key_f(0)
            if code > f0 && code <= f0 + 24 { return .function(Int(code - f0)) }
            return nil
        }
    }

    /// A KEY_MOUSE report.
    static func mouse() -> MouseEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let state = event.bstate
        let kind: MouseEvent.Kind
        if state & SHIM_BUTTON4_PRESSED != 0 {
            kind = .wheelUp
        } else if state & SHIM_BUTTON5_PRESSED != 0 {
            kind = .wheelDown
        } else if state & (SHIM_BUTTON1_PRESSED | SHIM_BUTTON1_CLICKED) != 0 {
            kind = .press
        } else if state & SHIM_BUTTON1_RELEASED != 0 {
            kind = .release
        } else {
            kind = .other
        }
        return MouseEvent(kind, row: Int(event.y), col: Int(event.x))
    }
}
