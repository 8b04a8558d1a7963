import Foundation
import RegistryStorage

/// The bottom status line: store path, the delete gate, counts, position and sort, and background work.
enum StatusLine {
    static func draw(_ g: inout CellGrid, _ s: AppState, content: ScreenContent, shown: Int, cursor: Int, row: Int) {
        let style = CellStyle(role: .status, reverse: true)
        g.fill(row: row, style: style)
        var segments: [String] = []
        segments.append(s.deleteGate.statusText)
        segments += progress(s)
        segments.append("\(Format.plural(s.catalog.count, "repo")) · \(Format.plural(s.manifestCount, "manifest"))")
        if s.refreshPending {
            segments.append("changed: refresh after this dialog")
        } else if let read = s.lastRead, s.catalogPhase != .loading {
            segments.append("read \(Self.clock(read))")
        }
        var position = shown > 0 ? "row \(cursor + 1)/\(shown)" : "row 0/0"
        if content.sortable { position += " · sort: \(s.top.list.sortLabel)" }
        segments.append(position)
        let prefix = s.store.isDemo ? " DEMO " : " "
        let location = SafeText.escaping(s.store.location)
        // The path gets what is left (at least 16 columns); the position goes first when room is short.
        var rest = " │ " + segments.joined(separator: " │ ") + " "
        if g.cols - g.textWidth.width(prefix + rest) < 16 && segments.count > 2 {
            segments.removeLast()
            rest = " │ " + segments.joined(separator: " │ ") + " "
        }
        let pathRoom = max(10, g.cols - g.textWidth.width(prefix + rest))
        var x = g.put(prefix, row: row, col: 0, style: style.with(bold: true))
        x += g.put(g.textWidth.truncateLeading(location, to: pathRoom), row: row, col: x, style: style.with(bold: true))
        g.put(rest, row: row, col: x, style: style)
    }

    /// `14:03:27`, local time.
    static func clock(_ date: Date) -> String {
        let c = Calendar.current.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// One segment per kind of background work that is running.
    static func progress(_ s: AppState) -> [String] {
        var out: [String] = []
        if s.catalogPhase == .loading {
            out.append("reading catalog… \(s.catalog.count)")
        }
        if let indexing = s.indexing, indexing.total > 0 {
            let done = indexing.loaded.count
            out.append("indexing \(done)/\(indexing.total) \(bar(Double(done) / Double(indexing.total)))")
        }
        if s.verification.isBusy {
            let q = s.verification
            let total = q.done.count + q.inFlight.count + q.pending.count
            out.append("verifying \(q.done.count)/\(total)")
        }
        if let task = s.deepTasks.first {
            var text = "deep verify \(task.label)"
            if let p = task.progress, p.bytesTotal > 0 || p.blobsTotal > 0 {
                let fraction = p.bytesTotal > 0 ? Double(p.bytesDone) / Double(p.bytesTotal) : Double(p.blobsDone) / Double(max(1, p.blobsTotal))
                text += " \(Int((fraction * 100).rounded(.down)))% \(bar(fraction))"
            } else {
                text += " …"
            }
            if s.deepTasks.count > 1 { text += " (+\(s.deepTasks.count - 1))" }
            out.append(text)
        }
        return out
    }

    /// `▕███░░░░░░░▏`: readable without colour.
    static func bar(_ fraction: Double, width: Int = 10) -> String {
        let f = min(1, max(0, fraction.isFinite ? fraction : 0))
        let filled = Int((f * Double(width)).rounded(.down))
        return "▕" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "▏"
    }
}

/// A bordered box drawn over the screen (help, dialogs). Uses Unicode box characters, not ACS, so captures read.
enum Box {
    struct Rect {
        var row: Int
        var col: Int
        var height: Int
        var width: Int
    }

    static func centered(_ g: CellGrid, width: Int, height: Int) -> Rect {
        let w = min(width, g.cols - 2)
        let h = min(height, g.rows - 2)
        return Rect(row: max(0, (g.rows - h) / 2), col: max(0, (g.cols - w) / 2), height: h, width: w)
    }

    static func draw(_ g: inout CellGrid, _ r: Rect, title: String, bottom: String? = nil, style: CellStyle) {
        guard r.width >= 4, r.height >= 2 else { return }
        let border = style.with(bold: true)
        for y in r.row..<(r.row + r.height) { g.fill(row: y, col: r.col, width: r.width, style: style) }
        let horizontal = String(repeating: "─", count: r.width - 2)
        g.put("┌" + horizontal + "┐", row: r.row, col: r.col, style: border)
        g.put("└" + horizontal + "┘", row: r.row + r.height - 1, col: r.col, style: border)
        for y in (r.row + 1)..<(r.row + r.height - 1) {
            g.put("│", row: y, col: r.col, style: border)
            g.put("│", row: y, col: r.col + r.width - 1, style: border)
        }
        g.put(" \(title) ", row: r.row, col: r.col + 2, maxWidth: r.width - 4, style: border)
        if let bottom {
            let w = g.textWidth.width(bottom) + 2
            g.put(" \(bottom) ", row: r.row + r.height - 1, col: max(r.col + 2, r.col + r.width - 2 - w), maxWidth: r.width - 4, style: border)
        }
    }

    /// Word-wraps `text` to `width` columns. A word wider than the line is cut, or with `breakingLongWords` broken
    /// across lines so that every character stays (the text view, which exists to show a line whole).
    static func wrap(_ text: String, width: Int, _ tw: TextWidth, breakingLongWords: Bool = false) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        func pieces(_ word: String) -> [String] {
            guard tw.width(word) > width else { return [word] }
            guard breakingLongWords else { return [tw.truncate(word, to: width)] }
            var out: [String] = []
            var rest = Substring(word)
            while tw.width(String(rest)) > width {
                var head = ""
                for c in rest {
                    if tw.width(head + String(c)) > width { break }
                    head.append(c)
                }
                if head.isEmpty { head = String(rest.prefix(1)) }
                out.append(head)
                rest = rest.dropFirst(head.count)
            }
            out.append(String(rest))
            return out
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if tw.width(candidate) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            let parts = pieces(word)
            lines.append(contentsOf: parts.dropLast())
            line = parts.last ?? ""
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }
}
