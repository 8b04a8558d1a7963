import RegistryStorage

/// `D`: where the store's space goes, as bars people read faster than a table: the whole store and what each kind of
/// garbage collection would free, the repositories holding the most, the layers shared most. Each bar is relative to
/// the largest value of its section (ncdu's habit); Enter on a repository opens its tags, on a layer its "shared by".
enum SpaceScreen {
    static let columns = [
        Column("WHAT", min: 14, max: 40, flexible: true),
        Column("UNIQUE", align: .right, max: 10, priority: 3),
        Column.bar(min: 8, priority: 2),
        Column("SIZE", align: .right, max: 10),
        Column.bar(min: 8, priority: 4),
        Column("DETAIL", min: 8, max: 30, flexible: true, priority: 1),
    ]

    /// Rows per list (largest repositories, shared layers).
    static let limit = 10

    static func content(_ state: AppState) -> ScreenContent {
        var content = ScreenContent(title: "Where space goes", columns: columns, rows: [])
        content.sortable = false
        guard let index = state.index else {
            content.placeholder =
                state.catalogPhase == .loading || state.indexing != nil
                ? "Reading every repository first (the unique sizes need them all)…"
                : "No figures yet: press r to read the store."
            return content
        }
        let report = state.spaceReport ?? SpaceReport.make(state.repositories, index: index, limit: limit)
        content.rows = storeRows(report, state) + repositoryRows(report) + sharedRows(report)
        return content
    }

    // MARK: sections

    private static func heading(_ id: String, _ text: String) -> Row {
        Row(id: .section(id), cells: [StyledText(text, CellStyle(role: .header, bold: true))])
    }

    private static func storeRows(_ report: SpaceReport, _ state: AppState) -> [Row] {
        let plan = state.spacePlan.flatMap { $0.generation == state.generation ? $0 : nil }
        var modes: GCModes?
        var pending: StyledText = .role("… planning", .muted)
        var orphanNote = " referenced (orphans not counted yet)"
        switch plan {
        case .planned(let m, _)?:
            modes = m
            orphanNote = " (gc: X, mode 1 or 2)"
        case .failed(let why, _)?:
            // The reason goes on the heading, which spans the screen; the lines only say they have no figure.
            pending = .role("cannot plan", .warning)
            orphanNote = " referenced; gc cannot plan: \(why)"
        case .planning?, nil: break
        }
        let orphans = modes?.orphanBlobs.bytes
        let all = report.referencedBytes +| (orphans ?? 0)
        var rows = [heading("store", "Store: \(Format.size(all)) in blobs\(orphanNote)")]
        func line(_ item: Int, _ label: String, _ bytes: Int64?, _ detail: StyledText) {
            rows.append(
                Row(
                    id: .detail(section: "store", item: item),
                    cells: [
                        StyledText("  " + label), "", "", bytes.map { StyledText(Format.size($0)) } ?? .role("…", .muted),
                        bytes.map { .bar(SizeBar.fraction($0, of: all)) } ?? "", detail,
                    ]))
        }
        // The labels name X's two modes: 1 orphan blobs only, 2 also the manifests nothing reaches.
        line(1, "referenced", report.referencedBytes, StyledText(Format.plural(report.referencedBlobs, "blob")))
        if let m = modes {
            line(2, "gc frees", m.orphanBlobs.bytes, StyledText(Format.plural(m.orphanBlobs.blobs.count, "orphan blob")))
            let untagged = m.withUntagged
            line(
                3, "gc+untagged", untagged.bytes,
                StyledText("\(Format.plural(untagged.manifests.count, "manifest")), \(Format.plural(untagged.blobs.count, "blob"))"))
        } else {
            line(2, "gc frees", nil, pending)
            line(3, "gc+untagged", nil, pending)
        }
        return rows
    }

    private static func repositoryRows(_ report: SpaceReport) -> [Row] {
        guard !report.largest.isEmpty else { return [] }
        let topUnique = report.largest.map(\.unique).max() ?? 0
        let topTotal = report.largest.map(\.total).max() ?? 0
        var rows = [heading("largest", "Largest repositories (unique: bytes only that repository references)")]
        for use in report.largest {
            let name = Format.safe(use.name)
            rows.append(
                Row(
                    id: .repository(use.name),
                    cells: [
                        StyledText("  " + name), StyledText(Format.size(use.unique)), .bar(SizeBar.fraction(use.unique, of: topUnique)),
                        StyledText(Format.size(use.total)), .bar(SizeBar.fraction(use.total, of: topTotal)),
                        .role("\(use.total > 0 ? Int((Double(use.unique) / Double(use.total) * 100).rounded()) : 0)% unique", .muted),
                    ],
                    target: .tags(use.name), searchText: name))
        }
        return rows
    }

    private static func sharedRows(_ report: SpaceReport) -> [Row] {
        let heading = heading("shared", "Layers shared most (stored once, used by many)")
        guard !report.shared.isEmpty else {
            return [heading, Row(id: .detail(section: "shared", item: 0), cells: [.role("  no layer is used by more than one manifest", .muted)])]
        }
        let top = report.shared.map(\.size).max() ?? 0
        var rows = [heading]
        for blob in report.shared {
            rows.append(
                Row(
                    id: .blob(position: "shared", digest: blob.digest.description),
                    cells: [
                        .role("  \(blob.digest.algorithm.name):\(blob.digest.short)", .accent), "", "", StyledText(Format.size(blob.size)),
                        .bar(SizeBar.fraction(blob.size, of: top)),
                        StyledText("\(Format.plural(blob.repositories, "repo")), \(Format.plural(blob.manifests, "manifest"))"),
                    ],
                    target: .sharedBy(blob.digest), searchText: blob.digest.description))
        }
        return rows
    }
}
