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
        TableRenderer.draw(&g, content, rows, list, layout)
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

/// Draws the list: a header and the visible rows, columns sized to content.
enum TableRenderer {
    static func draw(_ g: inout CellGrid, _ content: ScreenContent, _ rows: [Row], _ list: ListState, _ layout: ScreenLayout) {
        let widths = columnWidths(content, rows, list, available: g.cols - 2, g.textWidth)
        if let headerRow = layout.headerRow {
            var x = 1
            for (i, column) in content.columns.enumerated() {
                guard let w = widths.widths[i] else { continue }
                let style = CellStyle(role: .header, bold: true, underline: false)
                g.put(g.textWidth.fit(column.title, width: w, align: column.align), row: headerRow, col: x, style: style)
                x += w + widths.gap
            }
        }
        if rows.isEmpty, let first = layout.body.first {
            let text = content.rows.isEmpty ? (content.placeholder ?? "Nothing here.") : "Nothing matches the filter (Esc clears it)."
            g.put(text, row: first, col: 2, style: .role(.muted))
            return
        }
        for (offset, y) in layout.body.enumerated() {
            let index = list.scroll + offset
            guard index < rows.count else { break }
            let row = rows[index]
            let selected = index == list.cursor
            let selection = CellStyle(role: .selection, bold: true, reverse: true)
            if selected { g.fill(row: y, style: selection) }
            var x = 1
            for (i, column) in content.columns.enumerated() {
                guard let w = widths.widths[i] else { continue }
                let cell = i < row.cells.count ? row.cells[i] : StyledText("")
                let text = g.textWidth.fit(cell.text, width: w, align: column.align)
                g.put(text, row: y, col: x, style: selected ? selection : cell.style)
                x += w + widths.gap
            }
        }
    }

    /// Column widths (nil: dropped) and the gap between columns. Widths follow the content; when the table is too
    /// wide the gap narrows, flexible columns shrink to their minimum, then columns go, lowest priority first.
    static func columnWidths(
        _ content: ScreenContent, _ rows: [Row], _ list: ListState, available: Int, _ tw: TextWidth
    ) -> (widths: [Int?], gap: Int) {
        let columns = content.columns
        // Measure a bounded sample (the first rows and the visible ones), so huge lists stay fast.
        let sample = rows.prefix(500) + rows.dropFirst(max(500, list.scroll)).prefix(200)
        let natural = columns.enumerated().map { i, c -> Int in
            var w = content.showsHeader ? tw.width(c.title) : 0
            for r in sample where i < r.cells.count { w = max(w, tw.width(r.cells[i].text)) }
            // Short content keeps its width; `minWidth` only limits shrinking.
            return min(w, c.maxWidth)
        }
        let wide = fit(columns, natural, available: available, gap: 2)
        let narrow = fit(columns, natural, available: available, gap: 1)
        let dropped = { (ws: [Int?]) in ws.filter { $0 == nil }.count }
        return dropped(wide) <= dropped(narrow) ? (wide, 2) : (narrow, 1)
    }

    /// Drops columns (lowest priority first) until the table fits with flexible columns at their minimum, then
    /// shrinks flexible columns, widest first, until it fits.
    private static func fit(_ columns: [Column], _ natural: [Int], available: Int, gap: Int) -> [Int?] {
        var widths: [Int?] = natural
        func total(_ ws: [Int?]) -> Int {
            let kept = ws.compactMap { $0 }
            return kept.reduce(0, +) + max(0, kept.count - 1) * gap
        }
        let minimum = { (ws: [Int?]) -> [Int?] in
            ws.enumerated().map { i, w in w.map { columns[i].flexible ? min($0, columns[i].minWidth) : $0 } }
        }
        while total(minimum(widths)) > available {
            let droppable = columns.indices.filter { columns[$0].priority > 0 && widths[$0] != nil }
            guard let drop = droppable.min(by: { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }) else { break }
            widths[drop] = nil
        }
        while total(widths) > available {
            let shrinkable = columns.indices.filter { i in
                columns[i].flexible && (widths[i].map { $0 > columns[i].minWidth } ?? false)
            }
            guard let i = shrinkable.max(by: { (widths[$0] ?? 0) < (widths[$1] ?? 0) }) else { break }
            let room = widths[i]! - columns[i].minWidth
            widths[i]! -= max(1, min(total(widths) - available, room, max(1, widths[i]! / 4)))
        }
        // Still too wide (one huge column): cut the last kept column.
        if total(widths) > available, let last = widths.lastIndex(where: { $0 != nil }) {
            widths[last] = max(1, widths[last]! - (total(widths) - available))
        }
        return widths
    }
}
