import RegistryStorage

/// Draws the state into a grid of `state.size`. Pure: the same state gives the same cells.
public func render(_ state: AppState, textWidth: TextWidth = .unicode) -> CellGrid {
    Renderer.render(state, textWidth)
}

enum Renderer {
    static func render(_ s: AppState, _ tw: TextWidth) -> CellGrid {
        var g = CellGrid(size: s.size, textWidth: tw)
        var content = ScreenContent.make(s.top.id, in: s)
        if content.sortable { content.columns = content.columns.map { $0.markingSort(s.top.list) } }
        let layout = ScreenLayout(s, showsHeader: content.showsHeader)
        if layout.tooSmall {
            let text = "Terminal too small (\(s.size)): drydock needs 80×24, at least \(ScreenLayout.minimum)."
            for (i, line) in Box.wrap(text, width: g.cols, tw).prefix(g.rows).enumerated() { g.put(line, row: i, col: 0) }
            return g
        }
        let rows = content.visibleRows(s.top.list)
        var list = s.top.list
        list.resolve(rows, height: layout.bodyHeight)

        titleBar(&g, s, content)
        banners(&g, s, layout)
        TableRenderer.draw(&g, content, rows, list, layout, bars: s.barGlyphs)
        if let row = layout.filterRow { filterLine(&g, list, shown: rows.count, total: content.rows.count, row: row) }
        StatusLine.draw(&g, s, content: content, shown: rows.count, cursor: list.cursor, row: layout.statusRow)
        footer(&g, s, row: layout.footerRow)
        switch s.overlay {
        case .help(let scroll)?: HelpOverlay.draw(&g, scroll: scroll)
        case .dialog(let dialog)?: DialogOverlay.draw(&g, dialog)
        case .prune(let form)?: PruneOverlay.draw(&g, form)
        case .copy(let menu)?: CopyOverlay.draw(&g, menu)
        case .text(let view)?: TextOverlay.draw(&g, view)
        case nil: break
        }
        return g
    }

    /// The top bar: where you are (breadcrumb) on the left, what this screen lists on the right.
    static func titleBar(_ g: inout CellGrid, _ s: AppState, _ content: ScreenContent) {
        let style = CellStyle(role: .title, bold: true, reverse: true)
        g.fill(row: 0, style: style)
        let title = " \(content.title) "
        let titleWidth = g.textWidth.width(title)
        let room = g.cols - 1 - (titleWidth + 2 <= g.cols / 2 ? titleWidth + 1 : 0)
        var parts = s.stack.flatMap(\.id.breadcrumb)
        var crumb = " " + parts.joined(separator: " › ")
        while g.textWidth.width(crumb) > room && parts.count > 2 {
            parts.removeFirst()
            crumb = " … › " + parts.joined(separator: " › ")
        }
        g.put(crumb, row: 0, col: 0, maxWidth: room, style: style)
        if titleWidth + 2 <= g.cols / 2 {
            g.put(title, row: 0, col: g.cols - titleWidth, style: CellStyle(role: .title, reverse: true))
        }
    }

    static func banners(_ g: inout CellGrid, _ s: AppState, _ layout: ScreenLayout) {
        let shown = ScreenLayout.banners(s)
        for (row, banner) in zip(layout.bannerRows, shown.suffix(layout.bannerRows.count)) {
            let style: CellStyle =
                switch banner.kind {
                case .demo: CellStyle(role: .banner, bold: true, reverse: true)
                case .error: CellStyle(role: .errorBanner, bold: true, reverse: true)
                case .warning: CellStyle(role: .warning, bold: true)
                case .info: CellStyle(role: .accent)
                }
            g.fill(row: row, style: style)
            g.put(" " + banner.text, row: row, col: 0, style: style)
        }
    }

    static func filterLine(_ g: inout CellGrid, _ list: ListState, shown: Int, total: Int, row: Int) {
        let kind = RowFilter(list.filter).label.map { " (\($0))" } ?? ""
        let count = "  \(shown) of \(total) match\(kind)"
        if list.editingFilter {
            let used = g.put("/", row: row, col: 1, style: CellStyle(role: .accent, bold: true))
            let w = g.put(list.filter, row: row, col: 1 + used, maxWidth: max(1, g.cols - 24))
            g.put("▏", row: row, col: 1 + used + w, style: CellStyle(role: .accent, bold: true))
            g.put(count, row: row, col: 2 + used + w, style: .role(.muted))
        } else {
            let w = g.put("filter: ", row: row, col: 1, style: .role(.muted))
            let v = g.put(list.filter, row: row, col: 1 + w, maxWidth: max(1, g.cols - 40), style: CellStyle(role: .accent, bold: true))
            g.put(count + " · Esc clears", row: row, col: 1 + w + v, style: .role(.muted))
        }
    }

    static func footer(_ g: inout CellGrid, _ s: AppState, row: Int) {
        let hints: [(keys: String, help: String)]
        switch s.overlay {
        case .help?: hints = KeyMap.helpFooter
        case .dialog(let d)?:
            if case .confirm = d.kind {
                hints = !d.choices.isEmpty ? KeyMap.choiceFooter : d.requiredText == nil ? KeyMap.confirmFooter : KeyMap.typedFooter
            } else {
                hints = KeyMap.infoFooter
            }
        case .prune?: hints = KeyMap.pruneFooter
        case .copy?: hints = KeyMap.copyFooter
        case .text?: hints = KeyMap.textFooter
        case nil: hints = s.top.list.editingFilter ? KeyMap.filterFooter : KeyMap.footer(for: s.top.id, marked: s.top.list.marks.count)
        }
        // Two spaces between hints when they fit, else one; then the last two (help, quit) stay and the least important
        // of the others (the lists are ordered most important first) go.
        let tw = g.textWidth
        func width(_ hs: [(keys: String, help: String)], _ gap: Int) -> Int {
            hs.reduce(0) { $0 + tw.width($1.keys) + 1 + tw.width($1.help) } + max(0, hs.count - 1) * gap + 1
        }
        var shown = hints
        var gap = 2
        if width(shown, gap) > g.cols { gap = 1 }
        while width(shown, gap) > g.cols && shown.count > 2 { shown.remove(at: shown.count - 3) }
        var x = 1
        for (i, hint) in shown.enumerated() {
            x += g.put(hint.keys, row: row, col: x, style: CellStyle(role: .accent, bold: true))
            let sep = i == shown.count - 1 ? "" : String(repeating: " ", count: gap)
            x += g.put(" " + hint.help + sep, row: row, col: x, style: .role(.muted))
        }
    }
}

extension Column {
    /// The column with ▲ or ▼ after its title when the list is sorted by it.
    func markingSort(_ list: ListState) -> Column {
        guard sortKey == list.sort else { return self }
        var c = self
        c.title += list.ascending ? "▲" : "▼"
        return c
    }
}
