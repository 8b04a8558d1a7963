import Foundation

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
