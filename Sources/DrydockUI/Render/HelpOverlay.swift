import Foundation

/// The `?` overlay: every key, from the key map.
enum HelpOverlay {
    static func lines() -> [(text: String, isSection: Bool)] {
        var out: [(String, Bool)] = []
        var section = ""
        let keyWidth = KeyMap.helpLines.map { $0.keys.count }.max() ?? 10
        for line in KeyMap.helpLines {
            if line.section != section {
                if !section.isEmpty { out.append(("", false)) }
                section = line.section
                out.append((section, true))
            }
            out.append(("  " + line.keys.padding(toLength: keyWidth + 2, withPad: " ", startingAt: 0) + line.help, false))
        }
        return out
    }

    /// Help lines shown at once in a terminal of `size` (the box is as tall as the lines, within the screen).
    static func visibleLines(_ size: GridSize) -> Int {
        max(0, min(lines().count + 2, size.rows - 2) - 2)
    }

    /// The largest useful scroll offset: the last line at the bottom of the box.
    static func maxScroll(_ size: GridSize) -> Int { max(0, lines().count - visibleLines(size)) }

    static func draw(_ g: inout CellGrid, scroll: Int) {
        let all = lines()
        let widest = all.map { g.textWidth.width($0.text) }.max() ?? 40
        let rect = Box.centered(g, width: widest + 4, height: all.count + 2)
        let inner = rect.height - 2
        let top = min(scroll, max(0, all.count - inner))
        let more = all.count > inner ? (top + inner < all.count ? "\(top + inner)/\(all.count) j ↓ PgDn G" : "k ↑ PgUp g") : nil
        let style = CellStyle(role: .dialog)
        Box.draw(&g, rect, title: "Keys", bottom: more, style: style)
        for (i, line) in all.dropFirst(top).prefix(inner).enumerated() {
            let s = line.isSection ? CellStyle(role: .header, bold: true) : style
            g.put(line.text, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: rect.width - 4, style: s)
        }
    }
}
