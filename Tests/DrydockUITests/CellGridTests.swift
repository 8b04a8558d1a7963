import Testing
@testable import DrydockUI

@Suite struct CellGridTests {
    @Test func putsTextWithStyleAndTruncatesWithEllipsis() {
        var g = CellGrid(size: GridSize(rows: 2, cols: 10))
        let used = g.put("hello world", row: 0, col: 0, style: CellStyle(role: .accent, bold: true))
        #expect(used == 10)
        #expect(g.lines[0] == "hello wor…")
        #expect(g[0, 0].style.bold && g[0, 0].style.role == .accent)
        g.put("abc", row: 1, col: 2, maxWidth: 2)
        #expect(g.lines[1] == "  a…")
    }

    @Test func wideCharactersTakeTwoCellsAndAreNeverSplit() {
        var g = CellGrid(size: GridSize(rows: 1, cols: 6))
        g.put("日本語", row: 0, col: 0)
        // 6 columns hold 3 wide characters exactly.
        #expect(g.lines[0] == "日本語")
        #expect(g[0, 1].isContinuation && g[0, 0].width == 2)
        var h = CellGrid(size: GridSize(rows: 1, cols: 5))
        h.put("日本語", row: 0, col: 0)
        #expect(h.lines[0] == "日本…")
        // Overwriting half of a wide character blanks the other half.
        h.put("x", row: 0, col: 1)
        #expect(h.text(row: 0).hasPrefix(" x本"))
    }

    @Test func combiningMarksStayWithTheirBaseCharacter() {
        let tw = TextWidth.unicode
        #expect(tw.width("cafe\u{301}") == 4)
        #expect(tw.glyphs("e\u{301}x").map(\.text) == ["e\u{301}", "x"])
        // ZWJ and variation selectors are dropped; emoji are wide.
        #expect(tw.width("🙂") == 2)
        #expect(tw.glyphs("❤\u{FE0F}").count == 1)
        // Control characters never reach the terminal.
        #expect(tw.glyphs("a\u{1b}b").map(\.text) == ["a", "\u{FFFD}", "b"])
    }

    @Test func fitTruncateAndLeadingTruncate() {
        let tw = TextWidth.unicode
        #expect(tw.fit("abc", width: 5, align: .right) == "  abc")
        #expect(tw.fit("abcdef", width: 4) == "abc…")
        #expect(tw.truncateLeading("/var/lib/registry", to: 9) == "…registry")
        #expect(tw.truncate("日本語", to: 4) == "日…")
        #expect(tw.truncate("x", to: 0) == "")
    }

    @Test func findReportsColumnsNotCharacters() throws {
        var g = CellGrid(size: GridSize(rows: 2, cols: 20))
        g.put("日本 key", row: 1, col: 1)
        let hit = try #require(g.find("key"))
        #expect(hit.row == 1 && hit.col == 6)
    }

    @Test func restyleKeepsText() {
        var g = CellGrid(size: GridSize(rows: 1, cols: 4))
        g.put("ab", row: 0, col: 0)
        g.restyle(row: 0) { $0.reverse = true }
        #expect(g.lines[0] == "ab" && g[0, 3].style.reverse)
    }
}
