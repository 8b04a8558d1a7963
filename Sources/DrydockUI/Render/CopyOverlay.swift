import Foundation

/// The `y` menu: numbered choices, each with the text it copies.
enum CopyOverlay {
    static func draw(_ g: inout CellGrid, _ menu: CopyMenu) {
        let tw = g.textWidth
        let labelWidth = menu.choices.map { tw.width($0.label) }.max() ?? 8
        let lines = menu.choices.enumerated().map { i, c in
            "\(i + 1)  \(tw.fit(c.label, width: labelWidth, align: .left))  \(c.text)"
        }
        let widest = lines.map { tw.width($0) }.max() ?? 20
        let rect = Box.centered(g, width: max(44, widest + 6), height: lines.count + 4)
        let style = CellStyle(role: .dialog)
        Box.draw(&g, rect, title: "Copy to the clipboard", style: style)
        for (i, line) in lines.prefix(max(0, rect.height - 4)).enumerated() {
            let selected = i == menu.selected
            let lineStyle = selected ? CellStyle(role: .selection, bold: true, reverse: true) : style
            if selected { g.fill(row: rect.row + 1 + i, col: rect.col + 1, width: rect.width - 2, style: lineStyle) }
            // A long value (a pull command) is cut here; the message line shows what was copied.
            g.put(line, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: rect.width - 4, style: lineStyle)
        }
        g.put("[1-\(lines.count)] or [Enter] copy    [Esc] cancel", row: rect.row + rect.height - 2, col: rect.col + 2,
              maxWidth: rect.width - 4, style: style.with(bold: true))
    }
}
