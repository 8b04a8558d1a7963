import Testing
import RegistryStorage
@testable import DrydockUI

/// The cell grid is where the browser makes store text safe: whatever a screen puts there, no cell may hold a
/// control character, whatever the terminal's width table (`wcwidth`) says of it.
@Suite struct TerminalEscapeTests {
    /// ESC ] title BEL, ESC [ clear screen, a C1 CSI (U+009B) and NUL; as raw text, then as JSON string content.
    static let hostile = "\u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}31m\u{0}"
    /// The same without NUL, which no path component can hold.
    static let hostileName = "\u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}31m"
    static let hostileJSON = "\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u0000"

    /// A width table that calls every scalar one column wide, as a terminal whose locale does not know C1 controls
    /// (and glibc's `wcwidth` for NUL, which it calls zero wide) would report.
    static let permissiveWidth = TextWidth { $0.value == 0 ? 0 : 1 }

    static func controls(in grid: CellGrid) -> [String] {
        var found: [String] = []
        for r in 0..<grid.rows {
            for c in 0..<grid.cols where grid[r, c].text.unicodeScalars.contains(where: SafeText.isControl) {
                found.append("row \(r) col \(c): \(SafeText.escaping(grid[r, c].text))")
            }
        }
        return found
    }

    @Test(arguments: [TextWidth.unicode, permissiveWidth])
    func gridNeverHoldsAControlCharacter(_ width: TextWidth) {
        var g = CellGrid(size: GridSize(rows: 1, cols: 40), textWidth: width)
        g.put("a" + Self.hostile + "z", row: 0, col: 0)
        #expect(Self.controls(in: g).isEmpty, "\(Self.controls(in: g))")
        #expect(g.lines[0].hasPrefix("a\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J\u{FFFD}31m\u{FFFD}z"))
    }

    /// Every screen of a store whose names, tags, platforms, dates and labels are hostile.
    @Test(arguments: [TextWidth.unicode, permissiveWidth])
    func everyScreenOfAHostileStoreDrawsWithoutControls(_ width: TextWidth) async throws {
        let f = UIFixture()
        let h = Self.hostileJSON
        let app = f.image(
            "app", tags: ["v1", "t" + Self.hostileName], layers: ["base"], architecture: h, created: h + "2024-05-01T10:00:00Z",
            labels: [h: h])
        f.image("evil" + Self.hostileName + "repo", tags: ["v1"], layers: ["evil layer"], architecture: h, labels: [h: h])
        f.index("app", tag: "multi", children: [(app, h)])
        var s = try await f.loadedState()
        var screens: [(String, CellGrid)] = [("repositories", render(s, textWidth: width))]
        // Open each repository, its tags and revisions, each manifest and its layers, drawing every screen.
        // States are values: each walk starts again from where the last one began.
        let top = s
        for repo in 0..<2 {
            s = top
            press(&s, .char("g"))
            for _ in 0..<repo { press(&s, .char("j")) }
            press(&s, .enter)
            let inRepository = s
            for pane in 0..<2 {
                for row in 0..<3 {
                    s = inRepository
                    if pane == 1 { press(&s, .tab) }
                    press(&s, .char("g"))
                    for _ in 0..<row { press(&s, .char("j")) }
                    screens.append(("repo \(repo) pane \(pane)", render(s, textWidth: width)))
                    press(&s, .enter)
                    screens.append(("manifest \(repo)/\(pane)/\(row)", render(s, textWidth: width)))
                    press(&s, .enter)
                    screens.append(("layers \(repo)/\(pane)/\(row)", render(s, textWidth: width)))
                }
            }
        }
        for (name, grid) in screens {
            #expect(Self.controls(in: grid).isEmpty, "\(name): \(Self.controls(in: grid))\n\(grid.plainText)")
        }
        // The hostile text was on screen (the screens escape it; the grid would replace what they missed), so the
        // walk proved something.
        let all = screens.map(\.1.plainText).joined(separator: "\n")
        #expect(all.contains("evil\\x1b]0;pwned\\x07"))
        #expect(all.contains("t\\x1b]0;pwned"))
        #expect(screens.contains { $0.1.plainText.contains("Labels") || $0.1.plainText.contains("labels") })
    }
}
