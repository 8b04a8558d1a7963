import Foundation

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
            } else if !dialog.choices.isEmpty {
                buttons = dialog.choices.enumerated().map { "[\($0.offset + 1)] \($0.element.name)" }.joined(separator: "   ") + "   [n] cancel"
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
