import Foundation
import RegistryStorage

/// Text with a style, for one table cell.
public struct StyledText: Equatable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var style: CellStyle

    public init(_ text: String, _ style: CellStyle = .plain) {
        self.text = text
        self.style = style
    }

    public init(stringLiteral value: String) { self.init(value) }

    public static func role(_ text: String, _ role: ColorRole) -> StyledText { StyledText(text, .role(role)) }
}

/// A table column. Widths follow the content, between `minWidth` and `maxWidth`; when the table does not fit,
/// flexible columns shrink first, then columns are dropped lowest `priority` first (0 is never dropped).
public struct Column: Equatable, Sendable {
    public var title: String
    public var align: TextWidth.Alignment
    public var minWidth: Int
    public var maxWidth: Int
    public var flexible: Bool
    public var priority: Int

    public init(
        _ title: String, align: TextWidth.Alignment = .left, min: Int = 1, max: Int = 40, flexible: Bool = false,
        priority: Int = 0
    ) {
        self.title = title
        self.align = align
        self.minWidth = min
        self.maxWidth = max
        self.flexible = flexible
        self.priority = priority
    }
}

/// One line of a list. Everything in it is already escaped (`SafeText.escaping`).
public struct Row: Equatable, Sendable {
    /// Stable across reloads and sorting: the selection follows it.
    public var id: String
    public var cells: [StyledText]
    /// Where Enter goes.
    public var target: ScreenID?
    /// nil keeps the natural order when sorting by name.
    public var sortName: String?
    public var sortSize: Int64?
    public var sortCreated: Date?
    /// What the filter matches against (defaults to the cells' text).
    public var searchText: String

    public init(
        id: String, cells: [StyledText], target: ScreenID? = nil, sortName: String? = nil, sortSize: Int64? = nil,
        sortCreated: Date? = nil, searchText: String? = nil
    ) {
        self.id = id
        self.cells = cells
        self.target = target
        self.sortName = sortName
        self.sortSize = sortSize
        self.sortCreated = sortCreated
        self.searchText = searchText ?? cells.map(\.text).joined(separator: " ")
    }
}

/// What a screen shows: columns, rows, and what to say when there are none.
public struct ScreenContent: Sendable {
    /// `Tags (5)`: the right side of the top bar.
    public var title: String
    public var columns: [Column]
    public var showsHeader = true
    public var rows: [Row]
    /// Shown instead of an empty list (`Loading team/app…`, `No tags`).
    public var placeholder: String?
    public var sortable = true

    public init(title: String, columns: [Column], rows: [Row], placeholder: String? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.placeholder = placeholder
    }

    /// Builds the content of `screen` from the state.
    public static func make(_ screen: ScreenID, in state: AppState) -> ScreenContent {
        switch screen {
        case .repositories: RepositoriesScreen.content(state)
        case .tags(let repo): TagsScreen.content(repo, state).marking(state.marks(on: screen))
        case .revisions(let repo): RevisionsScreen.content(repo, state).marking(state.marks(on: screen))
        case .manifest(let repo, let digest, let tag): ManifestScreen.content(repo, digest, tag: tag, state)
        case .layers(let repo, let digest): LayersScreen.content(repo, digest, state)
        }
    }

    /// The rows a list shows: filtered (case-insensitive substring) and sorted (stable).
    public func visibleRows(_ list: ListState) -> [Row] {
        var out = rows
        if !list.filter.isEmpty {
            out = out.filter { $0.searchText.range(of: list.filter, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
        }
        guard sortable else { return out }
        let indexed = out.enumerated().map { ($0.offset, $0.element) }
        let sorted: [(Int, Row)]
        switch list.sort {
        case .name:
            let keyed = indexed.map { ($0.0, $0.1, $0.1.sortName.map(Self.naturalKey)) }
            sorted = keyed.sorted { a, b in
                switch (a.2, b.2) {
                case let (x?, y?) where x != y: return x < y
                default: return a.0 < b.0
                }
            }.map { ($0.0, $0.1) }
        case .size:
            sorted = indexed.sorted { a, b in
                let x = a.1.sortSize ?? -1
                let y = b.1.sortSize ?? -1
                return x != y ? x > y : a.0 < b.0
            }
        case .created:
            sorted = indexed.sorted { a, b in
                let x = a.1.sortCreated ?? .distantPast
                let y = b.1.sortCreated ?? .distantPast
                return x != y ? x > y : a.0 < b.0
            }
        }
        return sorted.map(\.1)
    }
}

extension ScreenContent {
    /// With marks (Space), a first column shows `[x]` on marked rows and `[ ]` on the others (text, not colour).
    func marking(_ marks: Set<String>) -> ScreenContent {
        guard !marks.isEmpty else { return self }
        var out = self
        out.columns.insert(Column("DEL", min: 3, max: 3), at: 0)
        out.rows = rows.map { row in
            var r = row
            r.cells.insert(marks.contains(row.id) ? StyledText("[x]", CellStyle(role: .error, bold: true)) : "[ ]", at: 0)
            return r
        }
        out.title += " · \(marks.count) marked"
        return out
    }
}

extension AppState {
    /// The marks of `screen` (the topmost stacked list showing it).
    func marks(on screen: ScreenID) -> Set<String> { stack.last { $0.id == screen }?.list.marks ?? [] }
}

extension ScreenContent {
    /// A key that sorts "natural" order with plain string comparison: case folded, digit runs zero-padded
    /// (`v2` before `v10`). Much cheaper than `localizedStandardCompare` on long lists.
    static func naturalKey(_ s: String) -> String {
        var out = ""
        var digits = ""
        func flush() {
            guard !digits.isEmpty else { return }
            out += String(repeating: "0", count: max(0, 20 - digits.count)) + digits
            digits = ""
        }
        for c in s.lowercased() {
            if c.isASCII && c.isNumber {
                digits.append(c)
            } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }
}

/// Placeholder content when a repository is not available (yet).
enum Unavailable {
    static func content(title: String, columns: [Column], repo: String, _ state: AppState) -> ScreenContent {
        let name = SafeText.escaping(repo)
        let text: String
        if state.entry(named: repo) != nil || state.catalogPhase == .loading {
            text = "Loading \(name)…"
        } else {
            text = "\(name) is no longer in the store (press r to rescan, Esc to go back)"
        }
        return ScreenContent(title: title, columns: columns, rows: [], placeholder: text)
    }
}
