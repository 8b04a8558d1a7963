@testable import RegistryStorage
import Testing
@testable import DrydockUI

/// Size bars on the repository list and the "where space goes" view (`D`), on the in-memory fixture store.
/// In `UIFixture.standard()`, `base` holds a 5000-byte layer of its own (the largest repository by far), and the
/// "base layer" blob is used by all three repositories (5 manifests).
@Suite struct RepositoryBarsTests {
    @Test func barsAreRelativeToTheLargestRepository() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        let s = try await f.loadedState()
        let grid = s.screen
        let header = try #require(grid.row(containing: "REPOSITORY"))
        #expect(grid.lines[header].contains("SIZE") && grid.lines[header].contains("UNIQUE"), "\(grid.lines[header])")
        let base = grid.lines[try #require(grid.row(containing: " base "))]
        // base is the largest in both total and unique bytes: two full bars at the widest (12 columns).
        #expect(base.components(separatedBy: "[██████████]").count == 3, "\(base)")
        let appRow = try #require(grid.row(containing: " team/app "))
        let app = grid.lines[appRow]
        // 1.8 KiB of base's 5.7 KiB: three cells of ten.
        #expect(app.contains("[███       ]"), "\(app)")
        // The bar cell has no text: filtering for # or █ finds nothing.
        var filtered = s
        press(&filtered, .char("/"))
        type(&filtered, "█")
        #expect(filtered.text.contains("0 of 3 match"), "\(filtered.text)")
        // Coloured by role; without colour it still reads (the terminal drops the colour under NO_COLOR).
        let col = try #require(app.range(of: "█")).lowerBound.utf16Offset(in: app)
        #expect(grid[appRow, col].style.role == .bar)
    }

    @Test func asciiWhenTheTerminalIsNotUTF8() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        s.barGlyphs = .ascii
        let text = s.text
        #expect(text.contains("[##########]"), "\(text)")
        #expect(!text.contains("█") && !text.contains("▏"), "\(text)")
    }

    @Test func equalRepositoriesGetEqualFullBars() async throws {
        let f = UIFixture()
        f.image("one", tags: ["1"], layers: ["same size A"], created: "2024-05-01T10:00:00Z")
        f.image("two", tags: ["1"], layers: ["same size B"], created: "2024-05-01T10:00:00Z")
        let s = try await f.loadedState()
        for name in [" one ", " two "] {
            let line = s.screen.lines[try #require(s.screen.row(containing: name))]
            #expect(line.components(separatedBy: "[██████████]").count == 3, "\(line)")
        }
    }

    @Test func sortingBySizePutsTheLargestFirst() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("s"))
        let grid = s.screen
        let first = try #require(grid.row(containing: "SIZE▼")) + 1
        #expect(grid.lines[first].contains(" base "), "\(grid.plainText)")
        press(&s, .char("S"))
        #expect(s.screen.lines[first].contains("SIZE▲") == false)
        #expect(!s.screen.lines[first].contains(" base "))
    }

    @Test func fitsEightyColumnsWithBothBars() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        let s = try await f.loadedState(size: GridSize(rows: 24, cols: 80))
        let text = s.screen.plainText
        for line in s.screen.lines { #expect(TextWidth.unicode.width(line) <= 80, "\(line)") }
        #expect(text.contains("MANIFESTS") && text.contains("SIZE") && text.contains("UNIQUE") && text.contains("STATUS"), "\(text)")
        let base = s.screen.lines[try #require(s.screen.row(containing: " base "))]
        #expect(base.components(separatedBy: "█]").count == 3, "both bars, full: \(base)")
        #expect(!text.contains("…"), "nothing cut: \(text)")
    }

    @Test func barsGoBeforeANameIsCutThenColumnsGo() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        // 28 columns: whole at 80 without bars, not with them.
        let long = "platform/prometheus-exporter"
        f.image(long, tags: ["1"], layers: ["exporter"])
        for cols in [80, 64, 50, 40, 30] {
            let s = try await f.loadedState(size: GridSize(rows: 24, cols: cols))
            let grid = s.screen
            for line in grid.lines { #expect(TextWidth.unicode.width(line) <= cols, "\(cols): \(line)") }
            let text = grid.plainText
            #expect(text.contains("REPOSITORY"), "\(cols):\n\(text)")
            if cols >= 50 { #expect(text.contains("SIZE"), "\(cols):\n\(text)") }
            if cols == 80 {
                // The name stays whole; the bars (a picture of numbers still shown) gave way for it, the columns did not.
                #expect(text.contains(long), "\(text)")
                // The unique bar went first; the total bar stays, with one space between columns.
                let base = grid.lines[try #require(grid.row(containing: " base "))]
                #expect(base.components(separatedBy: "█]").count == 2, "one bar: \(base)")
                #expect(text.contains("MANIFESTS") && text.contains("UNIQUE") && text.contains("STATUS"), "\(text)")
            }
            // A bar is never cut into something that is not a bar.
            for line in grid.lines where line.contains("[█") || line.contains("[▏") {
                #expect(line.contains("]"), "\(cols): \(line)")
            }
        }
    }
}

@Suite struct SpaceViewTests {
    static func planned(_ f: UIFixture, _ s: inout AppState, _ effects: [Effect]) async {
        let ops = DeleteOperations.store(f.store, policy: DeleteFlowTests.policy)
        for case .planSpace(let g) in effects {
            s = reduce(s, .spacePlanned(await ops.planBothGCModes(), generation: g)).0
        }
    }

    @Test func dOpensTheViewAndPlansBothGCModesOnce() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        let effects = press(&s, .char("D"))
        #expect(s.top.id == .space)
        #expect(effects.map(\.summary) == ["planSpace(0)"])
        var text = s.text
        #expect(text.contains("Where space goes"), "\(text)")
        #expect(text.contains("… planning"), "\(text)")
        #expect(text.contains("Largest repositories (unique: bytes only that repository references)"), "\(text)")
        #expect(text.contains("Layers shared most"), "\(text)")
        await Self.planned(f, &s, effects)
        text = s.text
        // Nothing is orphaned in the fixture; team/app's old image is untagged: mode 2 frees its manifest and 3 blobs.
        let gc1 = s.screen.lines[try #require(s.screen.row(containing: "gc frees "))]
        #expect(gc1.contains("0 B") && gc1.contains("0 orphan blobs"), "\(gc1)")
        let gc2 = s.screen.lines[try #require(s.screen.row(containing: "gc+untagged"))]
        #expect(gc2.contains("1 manifest, 3 blobs"), "\(gc2)")
        #expect(!text.contains("planning"), "\(text)")
        // Opening it again in the same scan plans nothing.
        press(&s, .escape)
        #expect(press(&s, .char("D")).isEmpty)
        // The largest repository first, with full bars; the base layer is shared by all three repositories.
        let grid = s.screen
        let largest = try #require(grid.row(containing: "Largest repositories"))
        #expect(grid.lines[largest + 1].contains("  base "), "\(grid.plainText)")
        #expect(grid.lines[largest + 1].components(separatedBy: "[██████████]").count == 3, "\(grid.lines[largest + 1])")
        let shared = try #require(grid.row(containing: "Layers shared most"))
        #expect(grid.lines[shared + 1].contains("3 repos, 5 manifests"), "\(grid.plainText)")
    }

    @Test func enterOpensTheRepositoryOrWhoSharesTheLayer() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("D"))
        let baseLayer = app.layers[0]
        let rows = Reducer.visibleRows(s)
        let sharedIndex = try #require(rows.firstIndex { $0.target == .sharedBy(baseLayer) })
        press(&s, .char("g"))
        for _ in 0..<sharedIndex { press(&s, .char("j")) }
        let copied = press(&s, .char("y"))
        #expect(copied.map(\.summary) == ["copyToClipboard(\(baseLayer))"])
        press(&s, .enter)
        #expect(s.top.id == .sharedBy(baseLayer))
        #expect(s.text.contains("3 repos, 5 manifests"), "\(s.text)")
        press(&s, .escape)
        #expect(s.top.id == .space)
        let repoIndex = try #require(Reducer.visibleRows(s).firstIndex { $0.target == .tags("base") })
        press(&s, .char("g"))
        for _ in 0..<repoIndex { press(&s, .char("j")) }
        press(&s, .enter)
        #expect(s.top.id == .tags("base"))
    }

    @Test func aStalePlanIsDroppedAndARescanPlansAgain() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        let first = press(&s, .char("D"))
        press(&s, .char("r"))
        #expect(s.generation == 1)
        await Self.planned(f, &s, first)
        #expect(s.spacePlan == .planning(generation: 0), "generation 0's answer does not count for generation 1")
        #expect(s.text.contains("… planning"))
        let (next, effects) = reduce(s, .scanFinished(generation: 1, at: .now))
        s = next
        #expect(effects.map(\.summary).contains("planSpace(1)"), "\(effects.map(\.summary))")
        await Self.planned(f, &s, effects)
        guard case .planned(_, 1)? = s.spacePlan else {
            Issue.record("not planned: \(String(describing: s.spacePlan))")
            return
        }
    }

    @Test func xReusesItsPlanForTheView() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await DeleteFlowTests.enabled(f)
        await DeleteFlowTests.perform(press(&s, .char("X")), &s, f)
        press(&s, .char("n"))
        #expect(press(&s, .char("D")).isEmpty, "the gc screen's figures are this scan's")
        #expect(s.text.contains("1 manifest, 3 blobs"), "\(s.text)")
    }

    @Test func aFailedPlanSaysWhyAndTheRestStillShows() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("D"))
        s = reduce(s, .spacePlanned(.failure(UIError("the store cannot be listed")), generation: 0)).0
        let text = s.text
        #expect(text.contains("cannot plan: the store cannot be listed"), "\(text)")
        #expect(text.contains("referenced"), "\(text)")
    }

    @Test func beforeTheIndexItSaysWhatItWaitsFor() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = AppState(store: StoreDescription(location: "/srv/registry"), deleteGate: .disabled(reason: "off"))
        s = reduce(s, .start).0
        s = reduce(s, .catalogLoaded(try await f.store.repositories(), generation: 0)).0
        press(&s, .char("D"))
        #expect(s.text.contains("Reading every repository first"), "\(s.text)")
        // The index arriving under the open view counts the figures once; later results reuse them.
        let all = await f.store.loadAll(try await f.store.repositories().repositories)
        for repo in all { s = reduce(s, .repositoryLoaded(repo, generation: 0)).0 }
        #expect(s.spaceReport == nil)
        s = reduce(s, .indexBuilt(StoreIndex(all), generation: 0)).0
        let report = try #require(s.spaceReport)
        #expect(report.largest.first?.name == "base")
        #expect(s.text.contains("Largest repositories"), "\(s.text)")
        s = reduce(s, .verificationLoaded(repository: "base", [], generation: 0)).0
        #expect(s.spaceReport == report)
    }

    @Test func fitsEightyByTwentyFourAndNarrower() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        for cols in [80, 60, 40] {
            var s = try await f.loadedState(size: GridSize(rows: 24, cols: cols))
            await Self.planned(f, &s, press(&s, .char("D")))
            let grid = s.screen
            for line in grid.lines { #expect(TextWidth.unicode.width(line) <= cols, "\(cols): \(line)") }
            #expect(grid.plainText.contains("Largest repositories"), "\(cols):\n\(grid.plainText)")
            #expect(grid.plainText.contains("SIZE"), "\(cols):\n\(grid.plainText)")
        }
    }

    @Test func reportOrdersAndFilters() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        let listing = try await f.store.repositories()
        let all = await f.store.loadAll(listing.repositories)
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        let report = SpaceReport.make(byName, index: StoreIndex(all), limit: 2)
        #expect(report.largest.map(\.name) == ["base", "team/app"] || report.largest.map(\.name) == ["base", "team/multi"])
        #expect(report.largest.count == 2, "the limit holds")
        #expect(report.largest[0].unique > report.largest[1].unique)
        #expect(report.shared.first?.digest == app.layers[0])
        #expect(report.shared.first?.repositories == 3 && report.shared.first?.manifests == 5)
        #expect(report.shared.first?.size == Int64("base layer".utf8.count))
        // Each blob counted once: the shared base layer's 10 bytes are not added three times.
        let distinct = Set(all.flatMap { $0.referencedBlobs })
        #expect(report.referencedBlobs == distinct.count)
        let empty = SpaceReport.make([:], index: StoreIndex([]), limit: 10)
        #expect(empty.largest.isEmpty && empty.shared.isEmpty && empty.referencedBytes == 0)
    }

    @Test func keysAreShownInTheFooterAndHelp() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        #expect(s.screen.lines[34].contains("D space"), "\(s.screen.lines[34])")
        press(&s, .char("D"))
        let footer = s.screen.lines[34]
        #expect(footer.contains("Enter open") && footer.contains("X gc"), "\(footer)")
        #expect(footer.contains("UNIQUE bytes only that repo uses"), "\(footer)")
        // On the repository list the explanation is the last hint: shown when the terminal is wide enough.
        press(&s, .escape)
        s = reduce(s, .resize(GridSize(rows: 35, cols: 170))).0
        #expect(s.screen.lines[34].contains("UNIQUE bytes only that repo uses"), "\(s.screen.lines[34])")
        #expect(KeyMap.helpLines.contains { $0.keys == "D" && $0.help.contains("where space goes") })
        #expect(KeyMap.helpLines.contains { $0.keys == "UNIQUE" && $0.help.contains("only that repository") })
    }
}
