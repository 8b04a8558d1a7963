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

/// The prune form: its fields (the current one marked), then the rules' error, or the plan of the last rules planned.
enum PruneOverlay {
    static func lines(_ form: PruneForm) -> [String] {
        let scope = form.repository.map { "Prune repository \(Format.safe($0))" } ?? "Prune every repository"
        func field(_ f: PruneForm.Field, _ name: String, _ value: String, _ hint: String) -> String {
            let current = form.field == f
            let shown = (f == .order || f == .untagged) ? value : Format.safe(value) + (current ? "_" : "")
            return (current ? "› " : "  ") + name + shown + (hint.isEmpty ? "" : "   " + hint)
        }
        var lines = [
            scope,
            "",
            field(.keepLast, "Keep last N:     ", form.keepLast, "newest first by the order below"),
            field(.keepWithin, "Keep within:     ", form.keepWithin, "90d, 2w, 12h; empty: none"),
            field(.keepTag, "Keep tag regex:  ", form.keepTag, "empty: none"),
            field(.order, "Order:           ", form.order.rawValue, "Space: pushed, created, semver"),
            field(.untagged, "Also untagged:   ", form.untagged ? "[x]" : "[ ]", "Space: remove manifests left unreached"),
            "",
        ]
        if let error = form.error {
            lines.append("✗ " + error)
        } else if form.planning != nil {
            lines.append("Planning…")
        } else if let preview = form.preview {
            lines += PruneText.lines(preview)
        } else {
            lines.append("Enter plans these rules; nothing changes until you apply the plan and confirm it.")
        }
        return lines
    }

    static func draw(_ g: inout CellGrid, _ form: PruneForm) {
        let width = min(100, g.cols - 4)
        // Only lines too wide are wrapped (wrapping would collapse the columns of the rest).
        let tw = g.textWidth
        let all = lines(form).flatMap { tw.width($0) <= width - 4 ? [$0] : Box.wrap($0, width: width - 4, tw) }
        let rect = Box.centered(g, width: width, height: all.count + 4)
        let inner = rect.height - 4
        // A long plan is cut; the totals (its last line) stay in view.
        let shown = all.count > inner && inner > 2
            ? Array(all.prefix(inner - 2)) + ["… \(all.count - inner + 1) more lines", all[all.count - 1]]
            : Array(all.prefix(max(0, inner)))
        let style = CellStyle(role: .dialog)
        Box.draw(&g, rect, title: "Prune", style: style)
        for (i, line) in shown.enumerated() {
            g.put(line, row: rect.row + 1 + i, col: rect.col + 2, maxWidth: rect.width - 4, style: style)
        }
        let buttons = form.preview != nil && form.planning == nil
            ? "[Enter] apply this plan (asks to confirm)    [Esc] cancel"
            : "[Enter] plan    [Tab] next field    [Esc] cancel"
        g.put(buttons, row: rect.row + rect.height - 2, col: rect.col + 2, maxWidth: rect.width - 4, style: style.with(bold: true))
    }
}

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
        view.paragraphs.flatMap { wrap($0, width: max(1, width), tw) }
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

    /// Word wrap that keeps every character: a word wider than the line is broken across lines.
    static func wrap(_ text: String, width: Int, _ tw: TextWidth) -> [String] {
        var lines: [String] = []
        var line = ""
        func push(_ word: String) {
            var rest = Substring(word)
            while tw.width(String(rest)) > width {
                var head = ""
                for c in rest {
                    if tw.width(head + String(c)) > width { break }
                    head.append(c)
                }
                if head.isEmpty { head = String(rest.prefix(1)) }
                lines.append(head)
                rest = rest.dropFirst(head.count)
            }
            line = String(rest)
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if tw.width(candidate) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            push(word)
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }
}
