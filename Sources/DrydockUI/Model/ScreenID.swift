import RegistryStorage

/// One screen of the browser. The screen stack holds these; each one's rows are derived from `AppState`.
public enum ScreenID: Hashable, Sendable {
    case repositories
    /// The tags of a repository.
    case tags(String)
    /// Every manifest revision of a repository, tagged or not.
    case revisions(String)
    /// One manifest; `tag` is the tag it was reached through, for the breadcrumb.
    case manifest(repository: String, digest: Digest, tag: String?)
    /// The config and layers a manifest references.
    case layers(repository: String, digest: Digest)
    /// Every repository and manifest that references a blob (a layer's "shared by").
    case sharedBy(Digest)
    /// Where the store's space goes (`D`): totals, what gc frees, largest repositories, layers shared most.
    case space

    public var repository: String? {
        switch self {
        case .repositories, .sharedBy, .space: nil
        case .tags(let r), .revisions(let r): r
        case .manifest(let r, _, _), .layers(let r, _): r
        }
    }

    public var digest: Digest? {
        switch self {
        case .manifest(_, let d, _), .layers(_, let d): d
        default: nil
        }
    }

    /// Breadcrumb parts this screen adds (`team/app`, `v1`, `sha256:0123456789ab`, `layers`), already escaped.
    var breadcrumb: [String] {
        switch self {
        case .repositories: ["Repositories"]
        case .tags(let r), .revisions(let r): [SafeText.escaping(r)]
        case .manifest(_, let d, let tag): (tag.map { [SafeText.escaping($0)] } ?? []) + ["\(d.algorithm.name):\(d.short)"]
        case .layers: ["layers"]
        case .sharedBy(let d): ["shared by", "\(d.algorithm.name):\(d.short)"]
        case .space: ["space"]
        }
    }
}

/// How a list is ordered; `s` cycles through them.
public enum SortKey: String, Sendable, CaseIterable {
    case name, size, created

    /// The direction a key sorts in unless reversed: names A to Z, sizes largest first, newest first.
    public var ascendingByDefault: Bool { self == .name }

    public var next: SortKey {
        switch self {
        case .name: .size
        case .size: .created
        case .created: .name
        }
    }
}

/// Cursor, scroll, filter and sort of one list. The selection is remembered by row id, so it survives rows
/// arriving, re-sorting and filtering.
public struct ListState: Equatable, Sendable {
    /// Index into the visible (filtered, sorted) rows.
    public var cursor: Int = 0
    /// First visible row.
    public var scroll: Int = 0
    public var selectedID: RowID?
    public var filter: String = ""
    /// The filter line has the keyboard.
    public var editingFilter = false
    public var sort: SortKey = .name
    /// `S`: the opposite of the key's own direction (`SortKey.ascendingByDefault`).
    public var reversed = false
    /// Rows marked with Space (by row id), deleted together by `d`.
    public var marks: Set<RowID> = []

    public init() {}

    /// Whether the rows run smallest (or A, or oldest) first: the header's ▲, else ▼.
    public var ascending: Bool { sort.ascendingByDefault != reversed }

    /// `name ▲`, for the status line.
    public var sortLabel: String { "\(sort.rawValue) \(ascending ? "▲" : "▼")" }
}

public struct ScreenState: Equatable, Sendable {
    public var id: ScreenID
    public var list: ListState

    public init(_ id: ScreenID, list: ListState = ListState()) {
        self.id = id
        self.list = list
    }
}
