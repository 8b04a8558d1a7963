import Foundation

/// A line shown whole: word-wrapped (long words such as digests broken, not cut), scrolled with j/k.
enum TextOverlay {
    /// The view of a row: on a detail screen its label and value; on a list every column as `TITLE: value`.
    static func view(of row: Row, columns: [Column], detail: Bool) -> TextView {
        let cells = row.cells.map(\.text)
        if detail, cells.count >= 2 {
            let label = cells[0].trimmingCharacters(in: .whitespaces)
            return TextView(title: label.isEmpty ? "Value" : label, paragraphs: [cells[1]], copyText: cells[1])
        }
        let paragraphs = zip(columns, cells).map { column, text in "\(column.title): \(text)" }
        return TextView(title: cells.first ?? "Line", paragraphs: paragraphs, copyText: cells.joined(separator: "  "))
    }

    static func width(_ size: GridSize) -> Int { min(100, size.cols - 4) }

    /// The text as drawn: each paragraph wrapped to the box's inner width.
    static func lines(_ view: TextView, width: Int, _ tw: TextWidth = .unicode) -> [String] {
        view.paragraphs.flatMap { Box.wrap($0, width: max(1, width), tw, breakingLongWords: true) }
    }

    static func visibleLines(_ view: TextView, _ size: GridSize) -> Int {
        let all = lines(view, width: width(size) - 4).count
        return max(0, min(all + 4, size.rows - 2) - 4)
    }

    static func maxScroll(_ view: TextView, _ size: GridSize) -> Int {
        max(0, lines(view, width: width(size) - 4).count - visibleLines(view, size))
    }

    static func draw(_ g: inout CellGrid, _ view: TextView) {
        let all = lines(view, width: width(g.size) - 4, g.textWidth)
        let rect = Box.centered(g, width: width(g.size), height: all.count + 4)
        let inner = max(0, rect.height - 4)
        let top = min(view.scroll, max(0, all.count - inner))
        let more = all.count > inner ? "\(top + 1)-\(min(all.count, top + inner))/\(all.count) j k" : nil
        let style = CellStyle(role: .dialog)
        Box.draw(&g, rect, title: view.title, bottom: more, style: style)
        for (i, line) in all.dropFirst(top).prefix(inner).enumerated() {
            g.put(line, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: rect.width - 4, style: style)
        }
        g.put("[y] copy    [Esc] close", row: rect.row + rect.height - 2, col: rect.col + 2, maxWidth: rect.width - 4,
              style: style.with(bold: true))
    }
}
