import RegistryStorage
import Testing
@testable import DrydockUI

@Suite struct FilterSortTests {
    @Test func filterNarrowsAsYouTypeCaseInsensitively() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("/"))
        #expect(s.top.list.editingFilter)
        #expect(s.text.contains("type to filter"))
        type(&s, "TEAM")
        var text = s.text
        #expect(text.contains("team/app") && text.contains("team/multi") && !text.contains(" base "))
        #expect(text.contains("/TEAM▏  2 of 3 match"))
        type(&s, "/m")
        text = s.text
        #expect(text.contains("team/multi") && !text.contains("team/app"))
        // Backspace widens again.
        press(&s, .backspace)
        #expect(s.text.contains("2 of 3 match"))
        // While editing, q and s are text, not commands.
        type(&s, "q")
        #expect(!s.quitRequested && s.top.list.filter == "TEAM/q")
    }

    @Test func enterKeepsTheFilterWithTheCursorOnTheFirstMatch() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("G"))
        #expect(s.top.list.selectedID == .repository("team/multi"))
        press(&s, .char("/"))
        type(&s, "team")
        press(&s, .enter)
        #expect(!s.top.list.editingFilter)
        #expect(s.top.list.filter == "team")
        #expect(s.top.list.cursor == 0 && s.top.list.selectedID == .repository("team/app"))
        #expect(s.text.contains("filter: team  2 of 3 match · Esc clears"))
        // The filter stays while moving and into the next screen and back.
        press(&s, .enter)
        #expect(s.top.id == .tags("team/app"))
        press(&s, .escape)
        #expect(s.top.list.filter == "team")
        // Esc on the list clears the filter first, selection kept.
        press(&s, .escape)
        #expect(s.top.list.filter.isEmpty && s.stack.count == 1)
        #expect(s.top.list.selectedID == .repository("team/app"))
        #expect(s.text.contains(" base "))
    }

    @Test func escWhileTypingClearsTheFilter() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("/"))
        type(&s, "zzz")
        #expect(s.text.contains("Nothing matches the filter"))
        press(&s, .escape)
        #expect(s.top.list.filter.isEmpty && !s.top.list.editingFilter)
        #expect(s.text.contains("team/app"))
    }

    @Test func filterWorksOnEveryList() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("j"), .enter, .tab, .char("/"))
        type(&s, "UNTAGGED")
        press(&s, .enter)
        #expect(s.text.contains("1 of 2 match"))
        press(&s, .escape, .tab, .enter, .char("g"))
        press(&s, .char("/"))
        type(&s, "content")
        #expect(s.text.contains("✓ content-digest") && !s.text.contains("Media type"))
        press(&s, .escape, .char("/"))
        type(&s, "layers")
        press(&s, .enter, .enter)
        #expect(s.top.id == .layers(repository: "team/app", digest: app.manifest))
        press(&s, .char("/"))
        type(&s, app.layers[1].short)
        #expect(s.text.contains("1 of 3 match"))
    }

    @Test func sortCyclesNameSizeCreated() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        // Two more repositories so that each order differs from the others: "alpha" is first by name, oldest and
        // smallest; "zeta" last by name, newest. (team/app and team/multi are both newest at 2024-05-01 10:00, so
        // created keeps their catalog order.)
        f.image("alpha", tags: ["1"], layers: ["a"], created: "2020-01-01T00:00:00Z")
        f.image("zeta", tags: ["1"], layers: ["base layer", "zeta layer"], created: "2026-01-01T00:00:00Z")
        var s = try await f.loadedState()
        let names = ["alpha", "base", "team/app", "team/multi", "zeta"]
        func order() -> [String] {
            s.screen.lines.compactMap { line in names.first { line.hasPrefix(" \($0) ") } }
        }
        #expect(order() == ["alpha", "base", "team/app", "team/multi", "zeta"])
        #expect(s.text.contains("sort: name"))
        press(&s, .char("s"))
        #expect(s.top.list.sort == .size)
        #expect(s.text.contains("sort: size") && s.text.contains("Sorted by size."))
        #expect(order().first == "base")
        #expect(order().last == "alpha")
        press(&s, .char("s"))
        #expect(s.top.list.sort == .created)
        #expect(s.text.contains("sort: created"))
        #expect(order() == ["zeta", "base", "team/app", "team/multi", "alpha"])
        press(&s, .char("s"))
        #expect(s.top.list.sort == .name)
        #expect(order() == names)
        // The selection follows its row through a re-sort.
        press(&s, .char("G"))
        #expect(s.top.list.selectedID == .repository("zeta"))
        press(&s, .char("s"))
        #expect(s.top.list.selectedID == .repository("zeta"))
        #expect(order().first == "base" && order().last == "alpha")
    }

    @Test func nameSortIsNaturalAndCaseInsensitive() {
        let keys = ["v10", "V2", "v1", "alpha", "Beta"].sorted { ScreenContent.naturalKey($0) < ScreenContent.naturalKey($1) }
        #expect(keys == ["alpha", "Beta", "v1", "V2", "v10"])
    }

    @Test func detailScreensKeepTheirOrder() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .enter, .enter)
        func ids() -> [RowID] { ScreenContent.make(s.top.id, in: s).visibleRows(s.top.list).map(\.id) }
        let before = ids()
        press(&s, .char("s"))
        #expect(s.text.contains("This screen keeps the manifest's own order."))
        #expect(s.top.list.sort == .name)
        #expect(ids() == before && before.first == .section("Digest"))
    }
}

/// Screen contents are cached by a version that changes with the data a screen shows; states that diverge from one
/// ancestor never see each other's contents, and keys that only filter reuse the built rows.
@Suite struct ContentCacheTests {
    @Test func divergentStatesNeverShareCachedContent() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(verify: false)
        while s.top.list.selectedID != .repository("team/app") { press(&s, .char("j")) }
        press(&s, .enter)
        let unverified = s.text
        let contents = try #require(s.repositories["team/app"])
        let results = await Verifier(store: f.store, options: VerificationOptions()).verify(contents)
        let verified = reduce(s, .verificationLoaded(repository: "team/app", results, generation: 0)).0
        #expect(verified.contentVersion != s.contentVersion)
        #expect(verified.text != unverified)
        #expect(verified.text.contains("✓"))
        // The ancestor still shows what it showed, though both share the cache.
        #expect(s.text == unverified)
        // A filter key changes no data: same version, rows from the cache.
        var filtered = verified
        press(&filtered, .char("/"), .char("l"), .char("a"))
        #expect(filtered.contentVersion == verified.contentVersion)
        #expect(filtered.text.contains("latest") && !filtered.text.contains(" v1 "))
        _ = app
    }
}
