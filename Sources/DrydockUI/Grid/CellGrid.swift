/// A terminal size in cells.
public struct GridSize: Hashable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var cols: Int

    public init(rows: Int, cols: Int) {
        self.rows = max(0, rows)
        self.cols = max(0, cols)
    }

    public var description: String { "\(cols)×\(rows)" }
}

/// What the UI draws: rows of cells with text and attributes. Everything above the terminal renders into one of
/// these; `CursesTerminal` copies it to the screen, tests read it.
public struct CellGrid: Sendable, Equatable {
    public let size: GridSize
    public private(set) var cells: [Cell]
    public let textWidth: TextWidth

    public init(size: GridSize, textWidth: TextWidth = .unicode, style: CellStyle = .plain) {
        self.size = size
        self.textWidth = textWidth
        self.cells = Array(repeating: .blank(style), count: size.rows * size.cols)
    }

    public static func == (a: CellGrid, b: CellGrid) -> Bool { a.size == b.size && a.cells == b.cells }

    public var rows: Int { size.rows }
    public var cols: Int { size.cols }

    public subscript(row: Int, col: Int) -> Cell {
        get { cells[row * size.cols + col] }
        set { cells[row * size.cols + col] = newValue }
    }

    private func inBounds(_ row: Int, _ col: Int) -> Bool { row >= 0 && row < size.rows && col >= 0 && col < size.cols }

    /// Sets one cell, repairing any wide character it cuts in half.
    private mutating func set(_ row: Int, _ col: Int, _ cell: Cell) {
        guard inBounds(row, col) else { return }
        if self[row, col].isContinuation, col > 0 { self[row, col - 1] = .blank(self[row, col - 1].style) }
        if self[row, col].width == 2, col + 1 < size.cols { self[row, col + 1] = .blank(self[row, col + 1].style) }
        self[row, col] = cell
    }

    /// Writes `text` from (row, col), clipped to `maxWidth` columns and the grid's edge, ending in "…" when cut.
    /// Returns the columns written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, maxWidth: Int? = nil, style: CellStyle = .plain) -> Int {
        guard row >= 0, row < size.rows, col < size.cols else { return 0 }
        let start = max(0, col)
        let limit = min(maxWidth ?? Int.max, size.cols - start)
        guard limit > 0 else { return 0 }
        let fitted = textWidth.width(text) > limit ? textWidth.truncate(text, to: limit) : text
        var x = start
        for g in textWidth.glyphs(fitted) {
            if x + g.width > start + limit { break }
            set(row, x, Cell(text: g.text, width: UInt8(g.width), style: style))
            if g.width == 2 { set(row, x + 1, Cell(text: "", width: 0, style: style)) }
            x += g.width
        }
        return x - start
    }

    /// Blanks `width` cells (to the edge when nil) from (row, col) with `style`.
    public mutating func fill(row: Int, col: Int = 0, width: Int? = nil, style: CellStyle) {
        guard row >= 0, row < size.rows else { return }
        let start = max(0, col)
        let end = min(size.cols, start + (width ?? size.cols))
        guard start < end else { return }
        for x in start..<end { set(row, x, .blank(style)) }
    }

    /// Changes the style of existing cells (keeping their text), e.g. to highlight a selected row.
    public mutating func restyle(row: Int, col: Int = 0, width: Int? = nil, _ change: (inout CellStyle) -> Void) {
        guard row >= 0, row < size.rows else { return }
        let start = max(0, col)
        let end = min(size.cols, start + (width ?? size.cols))
        guard start < end else { return }
        for x in start..<end { change(&self[row, x].style) }
    }

    /// The text of one row as a terminal shows it (a wide character once), trailing spaces kept.
    public func text(row: Int) -> String {
        guard row >= 0, row < size.rows else { return "" }
        var s = ""
        for x in 0..<size.cols where !self[row, x].isContinuation { s += self[row, x].text }
        return s
    }

    /// Every row, trailing spaces removed (as `tmux capture-pane -p` prints them).
    public var lines: [String] {
        (0..<size.rows).map { r in
            var line = text(row: r)
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    public var plainText: String { lines.joined(separator: "\n") }

    /// The first (row, col) where `needle` starts, in columns.
    public func find(_ needle: String) -> (row: Int, col: Int)? {
        for r in 0..<size.rows {
            var col = 0
            var texts: [(String, Int)] = []
            for x in 0..<size.cols where !self[r, x].isContinuation {
                texts.append((self[r, x].text, x))
            }
            let joined = texts.map(\.0).joined()
            guard let range = joined.range(of: needle) else { continue }
            let prefix = String(joined[..<range.lowerBound])
            var consumed = 0
            for (t, x) in texts {
                if consumed >= prefix.unicodeScalars.count { col = x; break }
                consumed += t.unicodeScalars.count
            }
            return (r, col)
        }
        return nil
    }
}
