@testable import RegistryStorage
import Testing
@testable import DrydockUI

@Suite struct StatusLineTests {
    @Test func showsPathGateCountsAndPosition() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        let status = s.screen.lines[33]
        #expect(status.contains("/srv/registry"))
        #expect(status.contains("deletes off"))
        #expect(status.contains("3 repos · 6 manifests"))
        #expect(status.contains("row 1/3 · sort: name"))
        #expect(s.screen[33, 0].style.reverse)
        press(&s, .char("j"))
        #expect(s.screen.lines[33].contains("row 2/3"))
    }

    @Test func showsBackgroundWorkWithProgressBars() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("j"))
        let effects = press(&s, .char("v"))
        #expect(effects.map(\.summary) == ["deepVerify(team/app, 2)"])
        #expect(s.text.contains("deep verify team/app …"))
        s = reduce(s, .deepVerifyProgress(task: 1, VerificationProgress(bytesDone: 30, bytesTotal: 100, blobsDone: 1, blobsTotal: 3))).0
        #expect(s.text.contains("deep verify team/app 30% ▕███░░░░░░░▏"))
        let verifier = Verifier(store: f.store, options: VerificationOptions())
        let repo = try #require(s.repositories["team/app"])
        let results = await verifier.deepVerify(repo, digests: [app.manifest], progress: { _ in })
        s = reduce(s, .deepVerifyFinished(task: 1, results)).0
        #expect(s.deepTasks.isEmpty)
        #expect(s.text.contains("✓ Deep verify of team/app: 1 manifest passed."))
        #expect(!s.text.contains("deep verify team/app"))
    }

    @Test func quickVerificationProgressAndWorstStatus() async throws {
        let f = UIFixture()
        f.image("good", tags: ["1"], layers: ["a"])
        f.image("broken", tags: ["1"], layers: ["b"], missing: ["b"])
        var s = try await f.loadedState(verify: false)
        #expect(s.text.contains("verifying 0/2"))
        #expect(s.text.contains("… checking"))
        let verifier = Verifier(store: f.store, options: VerificationOptions())
        for name in ["good", "broken"] {
            let repo = try #require(s.repositories[name])
            s = reduce(s, .verificationLoaded(repository: name, await verifier.verify(repo), generation: 0)).0
        }
        press(&s, .char("j"))
        let grid = s.screen
        let good = try #require(grid.row(containing: " good "))
        let broken = try #require(grid.row(containing: " broken "))
        #expect(grid.lines[good].contains("✓ ok"))
        #expect(grid.lines[broken].contains("✗ failed"))
        #expect(!grid.plainText.contains("verifying"))
        // The mark reads without colour, and is coloured too.
        let col = try #require(grid.lines[broken].range(of: "✗")).lowerBound.utf16Offset(in: grid.lines[broken])
        #expect(grid[broken, col].style.role == .error)
    }

    @Test func missingLayerShowsInTheLayerList() async throws {
        let f = UIFixture()
        let image = f.image("broken", tags: ["1"], layers: ["fine", "gone"], missing: ["gone"])
        var s = try await f.loadedState()
        press(&s, .enter, .enter, .enter)
        #expect(s.top.id == .layers(repository: "broken", digest: image.manifest))
        let grid = s.screen
        #expect(grid.lines[try #require(grid.row(containing: image.layers[1].short))].contains("✗ missing"))
        #expect(grid.lines[try #require(grid.row(containing: image.layers[0].short))].contains("✓ present"))
    }
}

@Suite struct LayoutTests {
    @Test func fitsEightyByTwentyFourOnEveryScreen() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        f.image("a-very-long-repository-name/with/many/levels/that/does-not-fit-in-eighty-columns", tags: ["tag-日本語-🙂"], layers: ["z"])
        var s = try await f.loadedState(size: GridSize(rows: 24, cols: 80), demo: true)
        func check() {
            let grid = s.screen
            #expect(grid.lines.count == 24)
            for line in grid.lines { #expect(TextWidth.unicode.width(line) <= 80, "too wide: \(line)") }
            #expect(grid.lines[23].contains("q quit"), "footer: \(grid.lines[23])")
            #expect(grid.lines[22].contains("repos"), "status: \(grid.lines[22])")
        }
        check()
        #expect(s.screen.lines.contains { $0.hasPrefix(" a-very-long-repository-nam") && $0.contains("… ") })
        press(&s, .enter)
        check()
        #expect(s.text.contains("tag-日本"))
        press(&s, .enter)
        check()
        press(&s, .enter)
        check()
        press(&s, .tab)
        check()
    }

    @Test func resizeRedrawsAtTheNewSizeAndKeepsTheSelectionVisible() async throws {
        let f = UIFixture()
        for i in 0..<40 { f.image("r\(String(format: "%02d", i))", tags: ["t"], layers: ["l\(i)"]) }
        var s = try await f.loadedState(size: GridSize(rows: 35, cols: 120), verify: false)
        press(&s, .char("G"))
        s = reduce(s, .resize(GridSize(rows: 24, cols: 80))).0
        let grid = s.screen
        #expect(grid.size == GridSize(rows: 24, cols: 80))
        #expect(grid.plainText.contains("r39"))
        s = reduce(s, .resize(GridSize(rows: 4, cols: 15))).0
        #expect(s.text.contains("Terminal") && s.text.contains("small"))
    }

    @Test func storeTextIsEscapedBeforeDisplay() async throws {
        let f = UIFixture()
        f.image("evil", tags: ["1"], layers: ["x"], labels: ["title": "\\u001b[31mred\\u0007"])
        var s = try await f.loadedState()
        press(&s, .enter, .enter)
        let text = s.text
        #expect(text.contains("title = \\x1b[31mred\\x07"))
        for cell in s.screen.cells { #expect(!cell.text.unicodeScalars.contains { $0.value < 0x20 }) }
    }

    @Test func mouseClickSelectsAndWheelMoves() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        let row = try #require(s.screen.row(containing: "team/multi"))
        s = reduce(s, .mouse(MouseEvent(.press, row: row, col: 5))).0
        #expect(s.top.list.selectedID == .repository("team/multi"))
        // A second click on the selected row opens it.
        s = reduce(s, .mouse(MouseEvent(.press, row: row, col: 5))).0
        #expect(s.top.id == .tags("team/multi"))
        press(&s, .escape)
        s = reduce(s, .mouse(MouseEvent(.wheelUp, row: 5, col: 5))).0
        #expect(s.top.list.cursor == 0)
        s = reduce(s, .mouse(MouseEvent(.wheelDown, row: 5, col: 5))).0
        #expect(s.top.list.cursor == 2)
        // Clicks outside the list do nothing.
        s = reduce(s, .mouse(MouseEvent(.press, row: 0, col: 5))).0
        #expect(s.top.id == .repositories && s.top.list.cursor == 2)
    }

    @Test func columnsDropLowestPriorityFirstWhenNarrow() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: GridSize(rows: 24, cols: 60))
        press(&s, .char("j"), .enter)
        let header = s.screen.lines[1]
        #expect(header.contains("TAG") && header.contains("DIGEST") && header.contains("CHECK"))
        #expect(!header.contains("CREATED"))
    }
}
