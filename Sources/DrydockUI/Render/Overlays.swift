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

    static func draw(_ g: inout CellGrid, scroll: Int) {
        let all = lines()
        let widest = all.map { g.textWidth.width($0.text) }.max() ?? 40
        let rect = Box.centered(g, width: widest + 4, height: all.count + 2)
        let inner = rect.height - 2
        let top = min(scroll, max(0, all.count - inner))
        let more = all.count > inner ? (top + inner < all.count ? "j ↓ more" : "k ↑") : nil
        let style = CellStyle(role: .dialog)
        Box.draw(&g, rect, title: "Keys", bottom: more, style: style)
        for (i, line) in all.dropFirst(top).prefix(inner).enumerated() {
            let s = line.isSection ? CellStyle(role: .header, bold: true) : style
            g.put(line.text, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: rect.width - 4, style: s)
        }
    }
}

/// A dialog box: its lines word-wrapped, and the keys that answer it.
enum DialogOverlay {
    static func draw(_ g: inout CellGrid, _ dialog: Dialog) {
        let width = min(66, g.cols - 4)
        var body: [String] = []
        for (i, line) in dialog.lines.enumerated() {
            if i > 0 { body.append("") }
            for part in line.split(separator: "\n", omittingEmptySubsequences: false) {
                body += Box.wrap(String(part), width: width - 4, g.textWidth)
            }
        }
        let buttons: String
        switch dialog.kind {
        case .info: buttons = "[Esc] close"
        case .confirm:
            if let required = dialog.requiredText {
                buttons = "Type \(Format.safe(required)), Enter: \(Format.safe(dialog.typed))_   [Esc] cancel"
            } else if dialog.alternative != nil {
                buttons = "[y] yes, keep children    [c] also children    [n] no"
            } else {
                buttons = "[y] yes    [n] no"
            }
        }
        let rect = Box.centered(g, width: width, height: body.count + 4)
        let style = CellStyle(role: .dialog)
        Box.draw(&g, rect, title: dialog.title, style: style)
        for (i, line) in body.prefix(max(0, rect.height - 4)).enumerated() {
            g.put(line, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: rect.width - 4, style: style)
        }
        g.put(buttons, row: rect.row + rect.height - 2, col: rect.col + 2, maxWidth: rect.width - 4, style: style.with(bold: true))
    }
}
