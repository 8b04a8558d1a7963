import RegistryStorage

/// Draws the list: a header and the visible rows, columns sized to content.
enum TableRenderer {
    static func draw(
        _ g: inout CellGrid, _ content: ScreenContent, _ rows: [Row], _ list: ListState, _ layout: ScreenLayout,
        bars: SizeBar.Glyphs = .unicode
    ) {
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
            // A row of one cell (a section heading) spans the table.
            if row.cells.count == 1 && content.columns.count > 1 {
                g.put(g.textWidth.fit(row.cells[0].text, width: g.cols - 2, align: .left), row: y, col: 1, style: selected ? selection : row.cells[0].style)
                continue
            }
            var x = 1
            for (i, column) in content.columns.enumerated() {
                guard let w = widths.widths[i] else { continue }
                let cell = i < row.cells.count ? row.cells[i] : StyledText("")
                let text = cell.bar.map { SizeBar.draw($0, width: w, glyphs: bars) } ?? g.textWidth.fit(cell.text, width: w, align: column.align)
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
        var natural: [Int?] = columns.enumerated().map { i, c -> Int in
            var w = content.showsHeader ? tw.width(c.title) : 0
            for r in sample where i < r.cells.count && !(r.cells.count == 1 && columns.count > 1) {
                // A bar is as long as its column lets it be.
                w = max(w, r.cells[i].bar == nil ? tw.width(r.cells[i].text) : c.maxWidth)
            }
            // Short content keeps its width; `minWidth` only limits shrinking.
            return min(w, c.maxWidth)
        }
        let dropped = { (ws: [Int?]) in ws.filter { $0 == nil }.count }
        // Bars picture numbers the row already shows: they go (lowest priority first) rather than a column that
        // asks to be kept whole (`keepsWhole`: the repository name) being cut. Bounded: one bar column per round.
        for _ in 0...columns.count {
            let cuts = { (ws: [Int?]) in columns.indices.contains { columns[$0].keepsWhole && (ws[$0] ?? 0) < (natural[$0] ?? 0) } }
            let wide = fit(columns, natural, available: available, gap: 2)
            let narrow = fit(columns, natural, available: available, gap: 1)
            // Fewest columns dropped; then the one that cuts no name; then two spaces between columns.
            let rank = { (ws: [Int?]) in (dropped(ws), cuts(ws) ? 1 : 0) }
            let best = rank(wide) <= rank(narrow) ? (wide, 2) : (narrow, 1)
            let bars = columns.indices.filter { columns[$0].holdsBars && natural[$0] != nil }
            guard cuts(best.0), let drop = bars.min(by: { columns[$0].priority < columns[$1].priority }) else { return best }
            natural[drop] = nil
        }
        return (fit(columns, natural, available: available, gap: 1), 1)
    }

    /// Drops columns (lowest priority first) until the table fits with flexible columns at their minimum, then
    /// shrinks flexible columns (bar columns first, then the widest) until it fits.
    /// A nil natural width is a column already left out.
    private static func fit(_ columns: [Column], _ natural: [Int?], available: Int, gap: Int) -> [Int?] {
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
            // Bars give way first: a shorter bar still reads, a cut name does not.
            let rank = { (i: Int) in (columns[i].holdsBars ? 1 : 0, widths[i] ?? 0) }
            guard let i = shrinkable.max(by: { rank($0) < rank($1) }) else { break }
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
