/// What a key does on a list screen.
public enum Command: String, Hashable, Sendable, CaseIterable {
    case down, up, pageDown, pageUp, first, last
    case open, back, switchView, spaceView
    case filter, sort, reverseSort
    case copy
    case verify, rescan, delete, mark, markAll, invertMarks, clearMarks, undo, prune, collectGarbage
    case help, quit
}

/// The one table of keys: the reducer dispatches through it, the help overlay and the footer are drawn from it.
public enum KeyMap {
    public struct Binding: Sendable {
        public var command: Command
        public var keys: [Key]
        public var section: String
        public var help: String
    }

    public static let bindings: [Binding] = [
        Binding(command: .down, keys: [.char("j"), .down], section: "Move", help: "next row"),
        Binding(command: .up, keys: [.char("k"), .up], section: "Move", help: "previous row"),
        Binding(command: .pageDown, keys: [.pageDown, .ctrl("f")], section: "Move", help: "next page"),
        Binding(command: .pageUp, keys: [.pageUp, .ctrl("b")], section: "Move", help: "previous page"),
        Binding(command: .first, keys: [.char("g"), .home], section: "Move", help: "first row"),
        Binding(command: .last, keys: [.char("G"), .end], section: "Move", help: "last row"),
        Binding(command: .open, keys: [.enter, .char("l"), .right], section: "Go", help: "open the selected row"),
        Binding(command: .back, keys: [.escape, .char("h"), .left], section: "Go", help: "back (Esc first clears a filter)"),
        Binding(command: .switchView, keys: [.tab, .backTab], section: "Go", help: "switch tags / manifests of a repository"),
        Binding(
            command: .spaceView, keys: [.char("D")], section: "Go",
            help: "where space goes (disk usage): largest repositories, layers shared most, what gc frees"),
        Binding(command: .filter, keys: [.char("/")], section: "Lists", help: "filter: type, Enter keeps it, Esc clears it"),
        Binding(command: .sort, keys: [.char("s")], section: "Lists", help: "sort by name, size, created (the header marks the column ▲▼)"),
        Binding(command: .reverseSort, keys: [.char("S")], section: "Lists", help: "reverse the sort order"),
        Binding(
            command: .copy, keys: [.char("y")], section: "Actions",
            help: "copy: digest, REPO:TAG, REPO@DIGEST, pull command (terminal clipboard, OSC 52)"),
        Binding(command: .verify, keys: [.char("v")], section: "Actions", help: "deep verify the selection (re-hash blobs)"),
        Binding(command: .rescan, keys: [.char("r"), .ctrl("r")], section: "Actions", help: "rescan the store"),
        Binding(command: .delete, keys: [.char("d"), .delete], section: "Actions", help: "delete the selection (when enabled)"),
        Binding(command: .mark, keys: [.char(" ")], section: "Actions", help: "mark / unmark a tag or manifest (d deletes all marked)"),
        Binding(command: .markAll, keys: [.char("A")], section: "Actions", help: "mark every row the filter shows"),
        Binding(command: .invertMarks, keys: [.char("I")], section: "Actions", help: "invert the marks of the rows the filter shows"),
        Binding(command: .clearMarks, keys: [.char("C")], section: "Actions", help: "clear every mark on this list"),
        Binding(command: .undo, keys: [.char("u")], section: "Actions", help: "undo the most recent delete (preview first)"),
        Binding(
            command: .prune, keys: [.char("P")], section: "Actions",
            help: "prune by rules (keep last N, within, tag regex): plan, confirm, apply"),
        Binding(command: .collectGarbage, keys: [.char("X")], section: "Actions", help: "garbage collection: plan, confirm, run"),
        Binding(command: .help, keys: [.char("?"), .function(1)], section: "Other", help: "this help"),
        Binding(command: .quit, keys: [.char("q"), .ctrl("c")], section: "Other", help: "quit"),
    ]

    /// Help lines that are not list commands.
    public static let extraHelp: [(section: String, keys: String, help: String)] = [
        ("Mouse", "wheel", "move the selection"),
        ("Mouse", "click", "select a row; click it again to open it"),
        ("Dialogs", "y / n / Esc", "confirm / cancel / close"),
        ("Dialogs", "c", "delete an index and its unreferenced children"),
        ("Dialogs", "1 2", "gc mode: orphan blobs only, or with untagged manifests"),
        ("Lines", "Enter", "show a line that opens nothing whole (j k scroll, y copy)"),
        ("Sizes", "UNIQUE", "bytes only that repository references: deleting it (then gc) frees them"),
        ("Sizes", "SIZE", "bytes of every blob the repository references, shared ones too"),
        ("Sizes", "bars", "relative to the largest shown (as ncdu draws them); # when not UTF-8"),
        ("Dialogs", "type + Enter", "confirm by typing the name, count or yes"),
        ("Dialogs", "? Esc q", "close this help (j k PgDn PgUp g G scroll it)"),
        ("Filter", "/text", "rows with text in any column; status words too (/failed)"),
        ("Filter", "/regex", "regex when it has . * + ? [ ( | ^ $ \\ (case-insensitive)"),
        ("Filter", "/!expr", "inverse: the rows that do not match (as in k9s)"),
        ("Prune", "Tab ↑↓", "next / previous field"),
        ("Prune", "Space", "toggle also untagged, cycle the order"),
        ("Prune", "Enter", "plan; Enter on the plan shown applies it (confirm by typing the count)"),
    ]

    private static let table: [Key: Command] = {
        var t: [Key: Command] = [:]
        for b in bindings { for k in b.keys { t[k] = b.command } }
        return t
    }()

    public static func command(for key: Key) -> Command? { table[key] }

    public static func binding(_ c: Command) -> Binding? { bindings.first { $0.command == c } }

    /// Every help line, in order: (section, keys, text).
    public static var helpLines: [(section: String, keys: String, help: String)] {
        bindings.map { ($0.section, $0.keys.map(\.description).joined(separator: " "), $0.help) } + extraHelp
    }

    /// The footer of a list screen: the keys that apply there, most important first. The renderer drops hints from
    /// the end of this list until the line fits; `? help` and `q quit` always stay.
    public static func footer(for screen: ScreenID, marked: Int = 0) -> [(keys: String, help: String)] {
        let hints: [(keys: String, help: String)]
        switch screen {
        case .repositories:
            hints = [
                ("Enter", "open"), ("/", "filter"), ("s S", "sort"), ("D", "space"), ("v", "verify"), ("d", "delete"), ("X", "gc"),
                ("P", "prune"), ("u", "undo"), ("r", "rescan"), ("UNIQUE", "bytes only that repo uses"),
            ]
        case .tags, .revisions:
            let other = if case .tags = screen { "manifests" } else { "tags" }
            hints = [
                ("Enter", "open"), ("Esc", "back"), ("Space", "mark"), ("d", marked > 0 ? "delete \(marked) marked" : "delete"),
                ("y", "copy"), ("Tab", other), ("/", "filter"), ("s S", "sort"), ("u", "undo"), ("X", "gc"), ("P", "prune"),
                ("v", "verify"), ("A", "mark all"), ("C", "clear marks"), ("r", "rescan"),
            ]
        case .manifest:
            hints = [
                ("Enter", "open"), ("Esc", "back"), ("y", "copy"), ("v", "verify"), ("d", "delete"), ("/", "filter"), ("u", "undo"),
                ("X", "gc"), ("r", "rescan"),
            ]
        case .space:
            hints = [
                ("Enter", "open"), ("Esc", "back"), ("UNIQUE", "bytes only that repo uses"), ("y", "copy"), ("X", "gc"),
                ("/", "filter"), ("v", "verify"), ("r", "rescan"),
            ]
        case .sharedBy:
            hints = [("Enter", "open"), ("Esc", "back"), ("y", "copy"), ("/", "filter"), ("s S", "sort"), ("v", "verify"), ("r", "rescan")]
        case .layers:
            hints = [
                ("Enter", "shared by"), ("Esc", "back"), ("y", "copy"), ("s S", "sort"), ("d", "delete link"), ("/", "filter"), ("v", "verify"), ("u", "undo"),
                ("X", "gc"), ("r", "rescan"),
            ]
        }
        return hints + [("?", "help"), ("q", "quit")]
    }
    public static let filterFooter: [(keys: String, help: String)] = [
        ("type", "to filter"), ("Enter", "keep filter"), ("Esc", "clear filter"), ("↑↓", "move"),
    ]
    public static let confirmFooter: [(keys: String, help: String)] = [("y", "yes"), ("n", "no"), ("Esc", "cancel")]
    public static let choiceFooter: [(keys: String, help: String)] = [("1 2", "choose"), ("n Esc", "cancel")]
    public static let typedFooter: [(keys: String, help: String)] = [("type", "to confirm"), ("Enter", "confirm"), ("Esc", "cancel")]
    public static let pruneFooter: [(keys: String, help: String)] = [
        ("Tab ↑↓", "field"), ("type", "edit"), ("Space", "toggle"), ("Enter", "plan / apply"), ("Esc", "cancel"),
    ]
    public static let copyFooter: [(keys: String, help: String)] = [
        ("1-9", "copy that"), ("j k", "choose"), ("Enter y", "copy"), ("Esc", "cancel"),
    ]
    public static let textFooter: [(keys: String, help: String)] = [
        ("j k", "scroll"), ("PgDn PgUp", "page"), ("y", "copy"), ("Esc", "close"),
    ]
    public static let infoFooter: [(keys: String, help: String)] = [("Esc", "close")]
    public static let helpFooter: [(keys: String, help: String)] = [
        ("j k", "scroll"), ("PgDn PgUp", "page"), ("g G", "top / end"), ("Esc ? q", "close help"),
    ]
}
