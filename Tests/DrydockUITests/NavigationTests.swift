import RegistryStorage
import Testing
@testable import DrydockUI

@Suite struct NavigationTests {
    @Test func startAsksForTheCatalogAndShowsALoadingScreen() {
        let s = AppState(store: StoreDescription(location: "/srv/registry"), deleteGate: .disabled(reason: "off"))
        let (next, effects) = reduce(s, .start)
        #expect(effects.map(\.summary) == ["loadCatalog(0)"])
        #expect(next.text.contains("Reading the repository list…"))
        #expect(next.text.contains("reading catalog…"))
    }

    @Test func catalogFirstThenSizesFillIn() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = AppState(store: StoreDescription(location: "/srv/registry"), deleteGate: .disabled(reason: "off"))
        s = reduce(s, .start).0
        let listing = try await f.store.repositories()
        let (afterCatalog, effects) = reduce(s, .catalogLoaded(listing, generation: 0))
        s = afterCatalog
        #expect(effects.map(\.summary) == ["loadAll(3)"])
        // Names are there at once; sizes are placeholders until the repository is read.
        let grid = s.screen
        let row = try #require(grid.row(containing: "team/app"))
        #expect(grid.lines[row].contains("… loading"))
        #expect(s.text.contains("indexing 0/3 ▕░░░░░░░░░░▏"))
        let app = await f.store.load(listing.repositories.first { $0.name == "team/app" }!)
        let (loaded, verify) = reduce(s, .repositoryLoaded(app, generation: 0))
        s = loaded
        #expect(verify.map(\.summary) == ["verify(team/app)"])
        let line = s.screen.lines[try #require(s.screen.row(containing: "team/app"))]
        #expect(line.contains("2 (1 untagged)"))
        #expect(s.text.contains("indexing 1/3"))
        // Results from an older scan are dropped.
        let stale = reduce(s, .catalogLoaded(Catalog.Listing(repositories: [], problems: []), generation: -1)).0
        #expect(stale.catalog.count == 3)
    }

    /// The index is light; opening a repository reads it in full, and the index's copy never replaces the full one.
    @Test func openingARepositoryReadsItInFullOverItsLightIndexCopy() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = AppState(store: StoreDescription(location: "/srv/registry"), deleteGate: .disabled(reason: "off"))
        s = reduce(s, .start).0
        let listing = try await f.store.repositories()
        s = reduce(s, .catalogLoaded(listing, generation: 0)).0
        let entry = try #require(listing.repositories.first { $0.name == "team/app" })
        let light = await f.store.load(entry, detail: .listing)
        let full = await f.store.load(entry, detail: .full)
        s = reduce(s, .repositoryLoaded(light, generation: 0)).0
        #expect(s.repositories["team/app"]?.detail == .listing)
        while s.top.list.selectedID != .repository("team/app") { press(&s, .char("j")) }
        let (opened, effects) = reduce(s, .key(.enter))
        s = opened
        #expect(effects.map(\.summary).contains { $0.hasPrefix("loadRepository") })
        s = reduce(s, .repositoryLoaded(full, generation: 0)).0
        #expect(s.repositories["team/app"]?.detail == .full)
        s = reduce(s, .repositoryLoaded(light, generation: 0)).0
        #expect(s.repositories["team/app"]?.detail == .full)
        // After a rescan (a delete ends with one) the fresh light copy replaces the old full one, and the open
        // repository is asked for in full again.
        press(&s, .char("r"))
        #expect(s.generation == 1)
        let (rescanned, again) = reduce(s, .catalogLoaded(listing, generation: 1))
        s = rescanned
        #expect(again.map(\.summary).contains("loadRepository(team/app)"))
        s = reduce(s, .repositoryLoaded(light, generation: 1)).0
        #expect(s.repositories["team/app"]?.detail == .listing)
        s = reduce(s, .repositoryLoaded(full, generation: 1)).0
        #expect(s.repositories["team/app"]?.detail == .full)
    }

    @Test func drillsFromRepositoryToTagToManifestToLayers() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        #expect(s.text.contains("Repositories (3)"))
        // base, team/app, team/multi (catalog order); go to team/app.
        press(&s, .char("j"))
        #expect(s.top.list.selectedID == .repository("team/app"))
        press(&s, .enter)
        #expect(s.top.id == .tags("team/app"))
        var text = s.text
        #expect(text.contains("Repositories › team/app"))
        #expect(text.contains("latest") && text.contains("v1") && text.contains(app.manifest.short))
        #expect(text.contains("v2s2") && text.contains("linux/amd64") && text.contains("2024-05-01 10:00"))
        // Tags sort by name: latest, v1. Open v1 with l.
        press(&s, .down, .char("l"))
        #expect(s.top.id == .manifest(repository: "team/app", digest: app.manifest, tag: "v1"))
        text = s.text
        #expect(text.contains("Repositories › team/app › v1 › sha256:\(app.manifest.short)"))
        #expect(text.contains("Media type") && text.contains(MediaType.schema2))
        // The Tags row holds exactly the manifest's two tags, and the screen shows them on that row.
        let tagsRow = ScreenContent.make(s.top.id, in: s).rows.first { $0.id == .section("Tags") }
        #expect(tagsRow?.cells.map(\.text) == ["Tags", "latest, v1"])
        let tagsLine = try #require(s.screen.lines.first { $0.hasPrefix(" Tags ") })
        #expect(tagsLine.contains(" latest, v1"))
        #expect(text.contains("org.example.title = Café ☕ 日本"))
        #expect(text.contains("✓ content-digest"))
        // The cursor starts on the line that opens the layers.
        let layersRow = try #require(s.screen.row(containing: "Layers ›"))
        #expect(s.screen[layersRow, 1].style.reverse)
        press(&s, .right)
        #expect(s.top.id == .layers(repository: "team/app", digest: app.manifest))
        text = s.text
        for d in app.layers + [app.config] { #expect(text.contains(d.short)) }
        #expect(text.contains("✓ present"))
        // The base layer is used by 5 manifests in 3 repositories.
        let baseRow = try #require(s.screen.row(containing: app.layers[0].short))
        #expect(s.screen.lines[baseRow].contains("5 mf · 3 repos"))
        let appRow = try #require(s.screen.row(containing: app.layers[1].short))
        #expect(s.screen.lines[appRow].contains("1 mf · 1 repo"))
        // Back out with Esc, h and ←; the cursor is where it was.
        press(&s, .escape, .char("h"))
        #expect(s.top.id == .tags("team/app"))
        #expect(s.top.list.selectedID == .tag("v1"))
        press(&s, .left)
        #expect(s.top.id == .repositories && s.top.list.selectedID == .repository("team/app"))
        press(&s, .escape)
        #expect(s.stack.count == 1)
        #expect(s.text.contains("This is the top screen: q quits."))
    }

    @Test func tabSwitchesToManifestsWithUntaggedMarked() async throws {
        let (f, _, old, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("j"), .enter, .tab)
        #expect(s.top.id == .revisions("team/app"))
        let text = s.text
        #expect(text.contains("Manifests (2 (1 untagged))"))
        let row = try #require(s.screen.row(containing: old.manifest.short))
        #expect(s.screen.lines[row].contains("(untagged)"))
        #expect(s.screen.lines[row].contains("2023-01-01 00:00"))
        press(&s, .tab)
        #expect(s.top.id == .tags("team/app"))
    }

    @Test func indexShowsChildrenWithPlatformsAndEnterOpensOne() async throws {
        let (f, _, _, multi, amd64, arm64, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("G"), .enter)
        #expect(s.top.id == .tags("team/multi"))
        #expect(s.text.contains("linux/amd64,linux/arm64"))
        press(&s, .enter)
        #expect(s.top.id == .manifest(repository: "team/multi", digest: multi, tag: "multi"))
        let text = s.text
        #expect(text.contains("Children") && text.contains("2 manifests"))
        #expect(text.contains("› linux/amd64") && text.contains("› linux/arm64"))
        #expect(text.contains(amd64.manifest.short) && text.contains(arm64.manifest.short))
        // The cursor starts on the first child; j then Enter opens the second.
        press(&s, .char("j"), .enter)
        #expect(s.top.id == .manifest(repository: "team/multi", digest: arm64.manifest, tag: nil))
        #expect(s.text.contains("linux/arm64"))
    }

    @Test func movementKeysStayInBounds() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .up, .char("k"))
        #expect(s.top.list.cursor == 0)
        press(&s, .char("G"))
        #expect(s.top.list.cursor == 2)
        press(&s, .down, .pageDown)
        #expect(s.top.list.cursor == 2)
        press(&s, .pageUp)
        #expect(s.top.list.cursor == 0)
        press(&s, .end, .home)
        #expect(s.top.list.cursor == 0)
    }

    @Test func openingARepositoryBeforeItIsReadAsksForItFirst() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = AppState(store: StoreDescription(location: "/srv/registry"), deleteGate: .disabled(reason: "off"))
        s = reduce(s, .catalogLoaded(try await f.store.repositories(), generation: 0)).0
        let effects = press(&s, .enter)
        #expect(effects.map(\.summary) == ["loadRepository(base)"])
        #expect(s.text.contains("Loading base…"))
        // Asked once only.
        press(&s, .escape)
        #expect(press(&s, .enter).isEmpty)
    }

    @Test func pagingScrollsLongLists() async throws {
        let f = UIFixture()
        for i in 0..<60 { f.image("repo\(String(format: "%02d", i))", tags: ["t"], layers: ["l\(i)"]) }
        var s = try await f.loadedState(size: GridSize(rows: 24, cols: 80), verify: false)
        press(&s, .pageDown)
        #expect(s.top.list.cursor == 19 && s.text.contains("repo00"))
        press(&s, .pageDown)
        let text = s.text
        #expect(!text.contains("repo00"))
        #expect(text.contains("repo\(String(format: "%02d", s.top.list.cursor))"))
        press(&s, .char("G"))
        #expect(s.text.contains("repo59") && s.top.list.cursor == 59)
    }
}
