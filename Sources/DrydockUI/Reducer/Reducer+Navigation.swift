import RegistryStorage

extension Reducer {
    static func content(_ s: AppState) -> ScreenContent { ScreenContent.make(s.top.id, in: s) }

    static func visibleRows(_ s: AppState) -> [Row] { content(s).visibleRows(s.top.list) }

    static func layout(_ s: AppState) -> ScreenLayout { ScreenLayout(s, showsHeader: content(s).showsHeader) }

    /// Puts the top list's cursor back on its selected row (rows may have arrived, moved or been filtered out)
    /// and scrolls so it is visible.
    static func settle(_ s: inout AppState) {
        let c = content(s)
        let rows = c.visibleRows(s.top.list)
        let height = ScreenLayout(s, showsHeader: c.showsHeader).bodyHeight
        s.top.list.resolve(rows, height: height)
    }

    static func moveCursor(_ s: inout AppState, _ to: (Int) -> Int) {
        let c = content(s)
        let rows = c.visibleRows(s.top.list)
        let height = ScreenLayout(s, showsHeader: c.showsHeader).bodyHeight
        s.top.list.resolve(rows, height: height)
        guard !rows.isEmpty else { return }
        s.top.list.cursor = min(max(0, to(s.top.list.cursor)), rows.count - 1)
        s.top.list.selectedID = rows[s.top.list.cursor].id
        s.top.list.scroll = ListState.scroll(cursor: s.top.list.cursor, previous: s.top.list.scroll, height: height, count: rows.count)
    }

    static func selectedRow(_ s: inout AppState) -> Row? {
        settle(&s)
        let rows = visibleRows(s)
        guard s.top.list.cursor < rows.count else { return nil }
        return rows[s.top.list.cursor]
    }

    static func open(_ s: inout AppState) -> [Effect] {
        guard let row = selectedRow(&s) else { return [] }
        guard let target = row.target else {
            // A line that leads nowhere may still be cut at the screen edge: show it whole.
            s.overlay = .text(TextOverlay.view(of: row, columns: content(s).columns, detail: !content(s).showsHeader))
            return []
        }
        return push(&s, target)
    }

    static func push(_ s: inout AppState, _ target: ScreenID) -> [Effect] {
        s.stack.append(ScreenState(target))
        var effects: [Effect] = []
        if let repo = target.repository { effects += requestLoad(&s, repo) }
        // On a detail screen, start on the first line that opens something (the layers, the first child).
        if case .manifest = target, let first = content(s).rows.first(where: { $0.target != nil }) {
            s.top.list.selectedID = first.id
        }
        settle(&s)
        return effects
    }

    /// Asks for a repository in full (ahead of the background indexing, or over its lighter index copy), once per scan.
    static func requestLoad(_ s: inout AppState, _ repo: String) -> [Effect] {
        let hasFullCopy = s.repositories[repo]?.detail == .full && s.loadedGenerations[repo] == s.generation
        guard !hasFullCopy, !s.requestedLoads.contains(repo), let entry = s.entry(named: repo) else { return [] }
        s.requestedLoads.insert(repo)
        return [.loadRepository(entry, generation: s.generation)]
    }

    static func back(_ s: inout AppState) {
        if !s.top.list.filter.isEmpty {
            s.top.list.filter = ""
            settle(&s)
            return
        }
        guard s.stack.count > 1 else {
            s.message = Banner(.info, "This is the top screen: q quits.")
            return
        }
        s.stack.removeLast()
        settle(&s)
    }

    static func switchView(_ s: inout AppState) -> [Effect] {
        switch s.top.id {
        case .tags(let repo): s.top = ScreenState(.revisions(repo))
        case .revisions(let repo): s.top = ScreenState(.tags(repo))
        default:
            s.message = Banner(.info, "Tab switches between the tags and the manifests of a repository.")
            return []
        }
        settle(&s)
        return []
    }

    static func sort(_ s: inout AppState) {
        guard content(s).sortable else {
            s.message = Banner(.info, "This screen keeps the manifest's own order.")
            return
        }
        s.top.list.sort = s.top.list.sort.next
        s.top.list.reversed = false
        s.message = Banner(.info, "Sorted by \(sortDescription(s.top.list)) (S reverses).")
        settle(&s)
    }

    /// `S`: the same key, the other direction. The selection stays on its row.
    static func reverseSort(_ s: inout AppState) {
        guard content(s).sortable else {
            s.message = Banner(.info, "This screen keeps the manifest's own order.")
            return
        }
        s.top.list.reversed.toggle()
        s.message = Banner(.info, "Sorted by \(sortDescription(s.top.list)).")
        settle(&s)
    }

    /// `size, largest first`.
    static func sortDescription(_ list: ListState) -> String {
        let direction =
            switch list.sort {
            case .name: list.ascending ? "A to Z" : "Z to A"
            case .size: list.ascending ? "smallest first" : "largest first"
            case .created: list.ascending ? "oldest first" : "newest first"
            }
        return "\(list.sort.rawValue), \(direction)"
    }
}

extension ListState {
    /// Finds the selected row again (by id, else by position) and keeps it in view.
    mutating func resolve(_ rows: [Row], height: Int) {
        if let id = selectedID, let i = rows.firstIndex(where: { $0.id == id }) { cursor = i }
        cursor = rows.isEmpty ? 0 : min(max(0, cursor), rows.count - 1)
        if !rows.isEmpty { selectedID = rows[cursor].id }
        scroll = Self.scroll(cursor: cursor, previous: scroll, height: height, count: rows.count)
    }

    /// The first visible row that keeps `cursor` on screen, moving as little as possible from `previous`.
    static func scroll(cursor: Int, previous: Int, height: Int, count: Int) -> Int {
        guard height > 0, count > 0 else { return 0 }
        var top = previous
        if cursor < top { top = cursor }
        if cursor >= top + height { top = cursor - height + 1 }
        return min(max(0, top), max(0, count - height))
    }
}

extension Reducer {
    /// `D`: the space view, from any list (the figures are store-wide). Plans the gc figures once per scan.
    static func openSpace(_ s: inout AppState) -> [Effect] {
        buildSpaceReport(&s)
        if s.top.id != .space { _ = push(&s, .space) }
        return planSpace(&s)
    }

    /// Counts the space view's figures once per index (`AppState.spaceReport`).
    static func buildSpaceReport(_ s: inout AppState) {
        guard s.spaceReport == nil, let index = s.index else { return }
        s.spaceReport = SpaceReport.make(s.repositories, index: index, limit: SpaceScreen.limit)
    }

    /// Asks for both gc plans (as `X` computes them) unless this scan's are planned or on their way.
    static func planSpace(_ s: inout AppState) -> [Effect] {
        if let plan = s.spacePlan, plan.generation == s.generation { return [] }
        s.spacePlan = .planning(generation: s.generation)
        return [.planSpace(generation: s.generation)]
    }

    static func spacePlanned(_ s: inout AppState, _ result: Result<GCModes, UIError>, generation: Int) {
        guard generation == s.generation else { return }
        switch result {
        case .success(let modes): s.spacePlan = .planned(modes, generation: generation)
        case .failure(let e): s.spacePlan = .failed(e.message, generation: generation)
        }
    }
}
