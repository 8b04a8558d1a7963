import RegistryStorage

/// The first screen: every repository in catalog order, with counts, sizes and the worst verification status.
enum RepositoriesScreen {
    static let columns = [
        Column("REPOSITORY", min: 12, max: 60, flexible: true),
        Column("TAGS", align: .right, max: 6, priority: 3),
        Column("MANIFESTS", align: .right, max: 20, priority: 4),
        Column("SIZE", align: .right, max: 10, priority: 5),
        Column("UNIQUE", align: .right, max: 10, priority: 2),
        Column("STATUS", max: 14, priority: 6),
    ]

    static func content(_ state: AppState) -> ScreenContent {
        let rows = state.catalog.map { row($0, state) }
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

    static func row(_ entry: RepositoryEntry, _ state: AppState) -> Row {
        let name = Format.safe(entry.name)
        let nameCell = StyledText(entry.isListedByRegistry ? name : "\(name) (not in catalog)")
        guard let summary = state.summaries[entry.name] else {
            let pending = StyledText.role("…", .muted)
            return Row(
                id: .repository(entry.name), cells: [nameCell, pending, pending, pending, pending, .role("… loading", .muted)],
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
                sizes.map { StyledText(Format.size($0.unique)) } ?? .role("…", .muted),
                Marks.repository(state, entry.name),
            ],
            target: .tags(entry.name), sortName: name, sortSize: total, sortCreated: summary.newestCreated)
    }
}
