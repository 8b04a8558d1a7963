import RegistryStorage
import Testing
@testable import DrydockUI

/// Keys people can find: the footer names the keys of the screen shown, the help scrolls like a list, the filter
/// takes regular expressions and `!`, and `S` reverses the sort with the direction in the header.
@Suite struct KeyDiscoveryTests {
    static let small = GridSize(rows: 24, cols: 80)

    @Test func theFooterShowsTheKeysOfEachScreenMostImportantFirst() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: Self.small)
        var footer = s.screen.lines[23]
        // Thirteen hints do not fit 80 columns with two spaces between them: one space, and the least important go.
        #expect(footer == " Enter open / filter s S sort D space v verify d delete X gc ? help q quit", "\(footer)")
        #expect(!footer.contains("Space"), "nothing to mark on the repository list: \(footer)")
        // At 160 columns every repository key fits, the gc, prune and undo keys too.
        s = reduce(s, .resize(GridSize(rows: 24, cols: 160))).0
        footer = s.screen.lines[23]
        for hint in ["X gc", "P prune", "u undo", "r rescan", "d delete"] { #expect(footer.contains(hint), "\(hint): \(footer)") }

        s = reduce(s, .resize(Self.small)).0
        press(&s, .char("j"), .enter)
        footer = s.screen.lines[23]
        #expect(footer.hasPrefix(" Enter open Esc back Space mark d delete y copy Tab manifests"), "\(footer)")
        #expect(footer.hasSuffix("? help q quit"))
        press(&s, .char(" "), .char(" "))
        #expect(s.screen.lines[23].contains("d delete 2 marked"), "\(s.screen.lines[23])")
        press(&s, .char("C"), .tab)
        #expect(s.screen.lines[23].contains("Tab tags"))
        press(&s, .enter)
        #expect(s.screen.lines[23].hasPrefix(" Enter open Esc back y copy v verify d delete"), "\(s.screen.lines[23])")
        // Typing a filter has its own footer.
        press(&s, .char("/"))
        #expect(s.screen.lines[23].contains("type to filter"))
    }

    @Test func helpPagesAndJumpsToItsEnds() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: Self.small)
        press(&s, .char("?"))
        let last = HelpOverlay.maxScroll(Self.small)
        let page = HelpOverlay.visibleLines(Self.small) - 1
        #expect(last > page, "the help is longer than two screens at 80×24")
        #expect(s.text.contains("j ↓ PgDn G"))
        press(&s, .char("G"))
        #expect(s.overlay == .help(scroll: last))
        #expect(s.text.contains("/!expr") && s.text.contains("k ↑ PgUp g"))
        // k moves at once after G (the offset is clamped, not left past the end).
        press(&s, .char("k"))
        #expect(s.overlay == .help(scroll: last - 1))
        press(&s, .char("g"))
        #expect(s.overlay == .help(scroll: 0))
        press(&s, .pageDown)
        #expect(s.overlay == .help(scroll: page))
        press(&s, .ctrl("f"), .ctrl("f"), .ctrl("f"), .ctrl("f"))
        #expect(s.overlay == .help(scroll: last))
        press(&s, .ctrl("b"))
        #expect(s.overlay == .help(scroll: last - page))
        press(&s, .end, .home)
        #expect(s.overlay == .help(scroll: 0))
        #expect(s.screen.lines[23].contains("g G top / end"))
        // The help says how the filter reads what is typed, status words included.
        let help = HelpOverlay.lines().map(\.text).joined(separator: "\n")
        #expect(help.contains("/failed") && help.contains("regex when") && help.contains("inverse"))
    }

    @Test func theFilterTakesRegularExpressionsAndAnInverse() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        func listed() -> [String] { Reducer.visibleRows(s).map(\.id.label) }
        press(&s, .char("/"))
        type(&s, "^team.(app|x)")
        #expect(listed() == ["team/app"])
        #expect(s.text.contains("1 of 3 match (regex)"))
        press(&s, .ctrl("u"))
        type(&s, "!team")
        #expect(listed() == ["base"])
        #expect(s.text.contains("1 of 3 match (not)"))
        press(&s, .ctrl("u"))
        type(&s, "!^TEAM/M")
        #expect(listed() == ["base", "team/app"])
        #expect(s.text.contains("(not · regex)"))
        // `!` alone hides nothing yet; a regex still being typed matches as text.
        press(&s, .ctrl("u"))
        type(&s, "!")
        #expect(listed().count == 3)
        press(&s, .ctrl("u"))
        type(&s, "team/(")
        #expect(listed().isEmpty)
        #expect(s.text.contains("(not a valid regex: plain text)"))
        // A regex with a dot: base's tag 3.19 is in its row, and `3x19` would match too, as in k9s.
        press(&s, .ctrl("u"))
        type(&s, "m.multi")
        #expect(listed() == ["team/multi"])
    }

    @Test func theFilterFindsStatusWordsOnEveryList() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        f.image("broken", tags: ["t1"], layers: ["gone layer"], missing: ["gone layer"])
        f.image("broken", tags: ["t2"], layers: ["base layer"])
        var s = try await f.loadedState()
        func listed() -> [String] { Reducer.visibleRows(s).map(\.id.label) }
        press(&s, .char("/"))
        type(&s, "failed")
        #expect(listed() == ["broken"])
        press(&s, .enter, .enter)
        #expect(s.top.id == .tags("broken"))
        press(&s, .char("/"))
        type(&s, "failed")
        #expect(listed() == ["tag:t1"])
        press(&s, .ctrl("u"))
        type(&s, "!failed")
        #expect(listed() == ["tag:t2"])
        press(&s, .escape, .tab, .char("/"))
        type(&s, "failed")
        #expect(listed().count == 1)
    }

    @Test func capitalSReversesTheSortAndTheHeaderShowsTheDirection() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: Self.small)
        func order() -> [String] { Reducer.visibleRows(s).map(\.id.label) }
        func header() -> String { s.screen.lines.first { $0.contains("REPOSITORY") } ?? "" }
        #expect(header().contains("REPOSITORY▲") && !header().contains("SIZE▼"))
        #expect(s.top.list.sortLabel == "name ▲")
        press(&s, .char("S"))
        #expect(order() == ["team/multi", "team/app", "base"])
        #expect(header().contains("REPOSITORY▼") && s.top.list.sortLabel == "name ▼")
        #expect(s.text.contains("Sorted by name, Z to A."))
        press(&s, .char("s"))
        #expect(header().contains("SIZE▼") && header().contains("REPOSITORY "))
        #expect(order().first == "base")
        let largestFirst = order()
        press(&s, .char("k"), .char("G"))
        let selected = s.top.list.selectedID
        press(&s, .char("S"))
        #expect(order() == largestFirst.reversed())
        #expect(header().contains("SIZE▲") && s.text.contains("smallest first"))
        #expect(s.top.list.selectedID == selected, "the selection stays on its row")
        s = reduce(s, .resize(GridSize(rows: 24, cols: 120))).0
        #expect(s.text.contains("sort: size ▲"))
        // On the tags list CREATED carries the arrow when sorted by it.
        press(&s, .char("S"), .char("g"), .enter, .char("s"), .char("s"))
        #expect(s.screen.lines.contains { $0.contains("CREATED▼") })
    }
}
