import RegistryStorage

/// The first screen: every repository in catalog order, with counts, sizes and the worst verification status.
enum RepositoriesScreen {
    /// Bars (ncdu style) beside SIZE and UNIQUE, relative to the largest repository. When room is short they shrink,
    /// then go (the unique bar first) rather than a name being cut; then the counts go, UNIQUE before SIZE.
    static let columns = [
        Column("REPOSITORY", min: 12, max: 60, flexible: true, sorts: .name, keepsWhole: true),
        Column("TAGS", align: .right, max: 6, priority: 5),
        Column("MANIFESTS", align: .right, max: 20, priority: 3),
        Column("SIZE", align: .right, max: 10, priority: 8, sorts: .size),
        Column.bar(min: 5, max: 12, priority: 4),
        Column("UNIQUE", align: .right, max: 10, priority: 6),
        Column.bar(min: 5, max: 12, priority: 2),
        Column("STATUS", max: 14, priority: 9),
    ]

    static func content(_ state: AppState) -> ScreenContent {
        let largest = Largest(state)
        let rows = state.catalog.map { row($0, state, largest) }
        var content = ScreenContent(title: "Repositories (\(state.catalog.count))", columns: columns, rows: rows)
        if rows.isEmpty {
            switch state.catalogPhase {
            case .loading: content.placeholder = "Reading the repository list…"
            case .failed(let why): content.placeholder = "Cannot read the repository list: \(why). Press r to retry."
            case .loaded: content.placeholder = "This store holds no repositories yet."
            }
        }
        return content
    }

    /// The largest total and unique sizes, which the bars are relative to.
    struct Largest {
        var total: Int64 = 0
        var unique: Int64 = 0

        init(_ state: AppState) {
            for (name, summary) in state.summaries {
                let sizes = state.index?.sizes[name]
                total = max(total, sizes?.total ?? summary.totalSize)
                unique = max(unique, sizes?.unique ?? 0)
            }
        }
    }

    static func row(_ entry: RepositoryEntry, _ state: AppState, _ largest: Largest) -> Row {
        let name = Format.safe(entry.name)
        let nameCell = StyledText(entry.isListedByRegistry ? name : "\(name) (not in catalog)")
        guard let summary = state.summaries[entry.name] else {
            let pending = StyledText.role("…", .muted)
            return Row(
                id: .repository(entry.name), cells: [nameCell, pending, pending, pending, "", pending, "", .role("… loading", .muted)],
                target: .tags(entry.name), sortName: name)
        }
        let sizes = state.index?.sizes[entry.name]
        let total = sizes?.total ?? summary.totalSize
        return Row(
            id: .repository(entry.name),
            cells: [
                nameCell,
                StyledText("\(summary.tagCount)"),
                StyledText(Format.manifestCount(summary.manifestCount, untagged: summary.untaggedCount)),
                StyledText(Format.size(total)),
                .bar(SizeBar.fraction(total, of: largest.total)),
                sizes.map { StyledText(Format.size($0.unique)) } ?? .role("…", .muted),
                sizes.map { .bar(SizeBar.fraction($0.unique, of: largest.unique)) } ?? "",
                Marks.repository(state, entry.name),
            ],
            target: .tags(entry.name), sortName: name, sortSize: total, sortCreated: summary.newestCreated)
    }
}
