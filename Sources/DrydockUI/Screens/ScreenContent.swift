import Foundation
import RegistryStorage

/// Text with a style, for one table cell.
public struct StyledText: Equatable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var style: CellStyle
    /// A relative size bar (`SizeBar`, 0...1) drawn to the width its column gets; such a cell has no text, so the
    /// filter does not match `#`.
    public var bar: Double?

    public init(_ text: String, _ style: CellStyle = .plain) {
        self.text = text
        self.style = style
    }

    public init(stringLiteral value: String) { self.init(value) }

    public static func role(_ text: String, _ role: ColorRole) -> StyledText { StyledText(text, .role(role)) }

    /// A size bar for `fraction` of the largest value shown with it.
    public static func bar(_ fraction: Double) -> StyledText {
        var cell = StyledText("", .role(.bar))
        cell.bar = fraction
        return cell
    }
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
    /// The sort key this column shows; its header gets ▲ or ▼ while the list is sorted by it.
    public var sortKey: SortKey?
    /// Holds size bars (`StyledText.bar`): as wide as `maxWidth` allows, and shrunk before the other flexible columns.
    public var holdsBars = false
    /// Bar columns are left out rather than this column being cut (a list's names read better than its bars).
    public var keepsWhole = false

    public init(
        _ title: String, align: TextWidth.Alignment = .left, min: Int = 1, max: Int = 40, flexible: Bool = false,
        priority: Int = 0, sorts: SortKey? = nil, keepsWhole: Bool = false
    ) {
        self.sortKey = sorts
        self.keepsWhole = keepsWhole
        self.title = title
        self.align = align
        self.minWidth = min
        self.maxWidth = max
        self.flexible = flexible
        self.priority = priority
    }

    /// A column of size bars, `min`...`max` columns wide (frame included), untitled: the size column beside it names it.
    public static func bar(min: Int = 6, max: Int = 12, priority: Int) -> Column {
        var c = Column("", min: min, max: max, flexible: true, priority: priority)
        c.holdsBars = true
        return c
    }
}

/// One line of a list. Everything in it is already escaped (`SafeText.escaping`).
public struct Row: Equatable, Sendable {
    /// The fields, shared by copies until one is changed: lists of 40k rows are copied on every key that filters them.
    private final class Storage: @unchecked Sendable {
        // @unchecked: mutated only through `Row`'s setters, after `isKnownUniquelyReferenced` (copy on write).
        var id: RowID
        var cells: [StyledText]
        var target: ScreenID?
        var sortName: String?
        var sortSize: Int64?
        var sortCreated: Date?
        var searchText: String
        var searchKey: [UInt8]
        var naturalSortKey: String?

        init(id: RowID, cells: [StyledText], target: ScreenID?, sortName: String?, sortSize: Int64?, sortCreated: Date?,
             searchText: String, searchKey: [UInt8], naturalSortKey: String?) {
            self.id = id
            self.cells = cells
            self.target = target
            self.sortName = sortName
            self.sortSize = sortSize
            self.sortCreated = sortCreated
            self.searchText = searchText
            self.searchKey = searchKey
            self.naturalSortKey = naturalSortKey
        }

        func copy() -> Storage {
            Storage(id: id, cells: cells, target: target, sortName: sortName, sortSize: sortSize, sortCreated: sortCreated,
                    searchText: searchText, searchKey: searchKey, naturalSortKey: naturalSortKey)
        }
    }

    private var storage: Storage

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// Stable across reloads and sorting: the selection follows it.
    public var id: RowID {
        get { storage.id }
        set { unique().id = newValue }
    }
    public var cells: [StyledText] {
        get { storage.cells }
        set { unique().cells = newValue }
    }
    /// Where Enter goes.
    public var target: ScreenID? {
        get { storage.target }
        set { unique().target = newValue }
    }
    /// nil keeps the natural order when sorting by name.
    public var sortName: String? {
        get { storage.sortName }
        set {
            let s = unique()
            s.sortName = newValue
            s.naturalSortKey = newValue.map(ScreenContent.naturalKey)
        }
    }
    public var sortSize: Int64? {
        get { storage.sortSize }
        set { unique().sortSize = newValue }
    }
    public var sortCreated: Date? {
        get { storage.sortCreated }
        set { unique().sortCreated = newValue }
    }
    /// What the filter matches against (defaults to the cells' text).
    public var searchText: String {
        get { storage.searchText }
        set {
            let s = unique()
            s.searchText = newValue
            s.searchKey = Row.folded(newValue)
        }
    }
    /// `searchText` case- and diacritic-folded once, so filtering a long list is a byte search per row.
    public var searchKey: [UInt8] { storage.searchKey }
    /// `sortName`'s natural-order key, computed once.
    public var naturalSortKey: String? { storage.naturalSortKey }

    public init(
        id: RowID, cells: [StyledText], target: ScreenID? = nil, sortName: String? = nil, sortSize: Int64? = nil,
        sortCreated: Date? = nil, searchText: String? = nil
    ) {
        let text = searchText ?? cells.map(\.text).joined(separator: " ")
        storage = Storage(
            id: id, cells: cells, target: target, sortName: sortName, sortSize: sortSize, sortCreated: sortCreated,
            searchText: text, searchKey: Row.folded(text), naturalSortKey: sortName.map(ScreenContent.naturalKey))
    }

    public static func == (a: Row, b: Row) -> Bool {
        a.storage === b.storage
            || (a.id == b.id && a.cells == b.cells && a.target == b.target && a.sortName == b.sortName
                && a.sortSize == b.sortSize && a.sortCreated == b.sortCreated && a.searchText == b.searchText)
    }

    /// Lower-cased ASCII byte by byte (the usual case: names, digests, dates); anything else through Foundation's
    /// case and diacritic folding.
    static func folded(_ text: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            guard b < 0x80 else {
                return Array(text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).utf8)
            }
            out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
        }
        return out
    }

    func matches(folded needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        let hay = searchKey
        guard hay.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}

/// What a screen shows: columns, rows, and what to say when there are none.
public struct ScreenContent: Sendable {
    /// `Tags (5)`: the right side of the top bar.
    public var title: String
    public var columns: [Column]
    public var showsHeader = true
    public var rows: [Row] { didSet { sortMemo = SortMemo() } }
    /// Shown instead of an empty list (`Loading team/app…`, `No tags`).
    public var placeholder: String?
    public var sortable = true
    /// The rows in each sort order, sorted once per built content (a copy that changes `rows` gets a fresh memo).
    var sortMemo = SortMemo()

    public init(title: String, columns: [Column], rows: [Row], placeholder: String? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.placeholder = placeholder
    }

    /// Builds the content of `screen` from the state.
    /// Built once per content version (the data it shows), then reused by every key that only moves or filters.
    public static func make(_ screen: ScreenID, in state: AppState) -> ScreenContent {
        let base = state.contentCache.content(screen, version: state.contentVersion) { build(screen, in: state) }
        switch screen {
        case .tags, .revisions: return base.marking(state.marks(on: screen))
        case .repositories, .manifest, .layers, .sharedBy, .space: return base
        }
    }

    static func build(_ screen: ScreenID, in state: AppState) -> ScreenContent {
        switch screen {
        case .repositories: RepositoriesScreen.content(state)
        case .tags(let repo): TagsScreen.content(repo, state)
        case .revisions(let repo): RevisionsScreen.content(repo, state)
        case .manifest(let repo, let digest, let tag): ManifestScreen.content(repo, digest, tag: tag, state)
        case .layers(let repo, let digest): LayersScreen.content(repo, digest, state)
        case .sharedBy(let digest): SharedByScreen.content(digest, state)
        case .space: SpaceScreen.content(state)
        }
    }

    /// The rows a list shows: filtered (case-insensitive substring) and sorted (stable). The sorted order is
    /// remembered, and filtering a stably sorted list keeps it sorted, so a key typed into the filter costs one byte
    /// search per row.
    public func visibleRows(_ list: ListState) -> [Row] {
        let order = SortOrder(key: list.sort, reversed: list.reversed)
        let ordered = sortable ? sortMemo.rows(order) { Self.sorted(rows, by: order) } : rows
        guard !list.filter.isEmpty else { return ordered }
        // One key asks several times (selection, scrolling, drawing): filter once.
        return sortMemo.filtered(order, filter: list.filter) {
            let filter = RowFilter(list.filter)
            return ordered.filter(filter.matches)
        }
    }

    /// The rows in `order`: the key's own direction, then the whole list turned around when reversed.
    static func sorted(_ rows: [Row], by order: SortOrder) -> [Row] {
        let ordered = Self.sorted(rows, by: order.key)
        return order.reversed ? ordered.reversed() : ordered
    }

    static func sorted(_ rows: [Row], by sort: SortKey) -> [Row] {
        let indexed = rows.enumerated().map { ($0.offset, $0.element) }
        let sorted: [(Int, Row)]
        switch sort {
        case .name:
            // Natural order is the order the rows were built in unless a name says otherwise.
            guard indexed.contains(where: { $0.1.sortName != nil }) else { return rows }
            let keyed = indexed.map { ($0.0, $0.1, $0.1.naturalSortKey) }
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

/// A sort key and whether it is reversed (`S`).
struct SortOrder: Hashable {
    var key: SortKey
    var reversed: Bool
}

/// Sorted rows by sort order, for one built content.
final class SortMemo: @unchecked Sendable {
    // @unchecked: every access holds the lock.
    private let lock = NSLock()
    private var byKey: [SortOrder: [Row]] = [:]
    private var lastFilter: (sort: SortOrder, filter: String, rows: [Row])?

    func filtered(_ key: SortOrder, filter: String, compute: () -> [Row]) -> [Row] {
        lock.lock()
        if let last = lastFilter, last.sort == key, last.filter == filter {
            lock.unlock()
            return last.rows
        }
        lock.unlock()
        let rows = compute()
        lock.lock()
        lastFilter = (key, filter, rows)
        lock.unlock()
        return rows
    }

    func rows(_ key: SortOrder, sort: () -> [Row]) -> [Row] {
        lock.lock()
        if let hit = byKey[key] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let sorted = sort()
        lock.lock()
        byKey[key] = sorted
        lock.unlock()
        return sorted
    }
}

extension ScreenContent {
    /// With marks (Space), a first column shows `[x]` on marked rows and `[ ]` on the others (text, not colour).
    func marking(_ marks: Set<RowID>) -> ScreenContent {
        guard !marks.isEmpty else { return self }
        var out = self
        out.sortMemo = SortMemo()
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
    func marks(on screen: ScreenID) -> Set<RowID> { stack.last { $0.id == screen }?.list.marks ?? [] }
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
