import Foundation
@testable import RegistryStorage
import Testing
@testable import DrydockUI

/// The view stays fresh: a finished scan says when it read the store, drops the rescanning banner and starts a watch;
/// a change refreshes without a key, keeping the selection, or waits for an open dialog.
@Suite struct RefreshTests {
    @Test func aFinishedScanDropsTheBannerSaysWhenAndWatches() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        let rescan = press(&s, .char("r"))
        #expect(rescan.map(\.summary) == ["rescan(1)"])
        #expect(s.text.contains("Rescanning the store…"))
        let listing = try await f.store.repositories()
        s = reduce(s, .catalogLoaded(listing, generation: 1)).0
        let all = await f.store.loadAll(listing.repositories)
        for repo in all { s = reduce(s, .repositoryLoaded(repo, generation: 1)).0 }
        s = reduce(s, .indexBuilt(StoreIndex(all), generation: 1)).0
        let read = Date(timeIntervalSince1970: 1_700_000_000)
        let (next, effects) = reduce(s, .scanFinished(generation: 1, at: read))
        s = next
        // The bug: the banner stayed until a key was pressed.
        #expect(!s.text.contains("Rescanning the store…"))
        #expect(s.lastRead == read)
        #expect(s.text.contains("read \(StatusLine.clock(read))"))
        guard case .watchStore(let paths, 1)? = effects.first, effects.count == 1 else {
            Issue.record("no watch: \(effects.map(\.summary))")
            return
        }
        let shown = Set(paths.map(\.description))
        #expect(shown.contains("repositories"))
        #expect(shown.contains("repositories/team"), "a new repository under team/ changes this folder")
        #expect(shown.contains("repositories/team/app/_manifests/tags"))
        #expect(shown.contains("repositories/team/app/_manifests/revisions/sha256"))
        #expect(shown.contains("repositories/team/app/_manifests/tags/latest/current"))
        // An older scan's end changes nothing.
        #expect(reduce(s, .scanFinished(generation: 0, at: Date())).1.isEmpty)
    }

    @Test func watchedFoldersAreBounded() {
        let entries = (0..<3000).map { i in
            RepositoryEntry(name: "r\(i)", path: StoreLayout.repository("r\(i)"), hasLayersFolder: true, hasManifestsFolder: true, problems: [])
        }
        #expect(StoreWatch.paths(entries, [:]).count == StoreWatch.maxPaths)
    }

    @Test func aChangeRefreshesQuietlyAndKeepsTheSelection() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("j"), .enter, .char("j"))
        #expect(s.top.id == .tags("team/app") && s.top.list.selectedID?.label == "tag:v1")
        // A push: a new tag sorts before v1.
        let pushed = f.image("team/app", tags: ["beta"], layers: ["base layer", "beta layer"])
        #expect(reduce(s, .storeChanged(generation: 7)).1.isEmpty, "a stale watch is ignored")
        let (next, effects) = reduce(s, .storeChanged(generation: 0))
        s = next
        #expect(effects.map(\.summary) == ["rescan(1)"])
        #expect(!s.text.contains("Rescanning"), "an automatic refresh shows no banner")
        let listing = try await f.store.repositories()
        s = reduce(s, .catalogLoaded(listing, generation: 1)).0
        let app = try #require(listing.repositories.first { $0.name == "team/app" })
        s = reduce(s, .repositoryLoaded(await f.store.load(app, detail: .full), generation: 1)).0
        #expect(s.text.contains("beta") && s.text.contains("Tags (3)"))
        #expect(s.top.list.selectedID?.label == "tag:v1", "the selection stays on its row")
        // Drawn: the highlight is on v1, now the third row.
        let grid = s.screen
        let v1 = try #require(grid.row(containing: " v1 "))
        #expect(grid[v1, 2].style.role == .selection)
        #expect(grid.row(containing: " beta ")! < v1)
        _ = pushed
    }

    @Test func aChangeDuringADialogWaitsForIt() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("?"))
        let (next, effects) = reduce(s, .storeChanged(generation: 0))
        s = next
        #expect(effects.isEmpty && s.refreshPending)
        s = reduce(s, .resize(GridSize(rows: 80, cols: 160))).0
        #expect(s.text.contains("changed: refresh after this dialog"))
        #expect(press(&s, .char("j")).isEmpty, "still in the help")
        #expect(press(&s, .escape).map(\.summary) == ["rescan(1)"])
        #expect(!s.refreshPending)
    }

    @Test func theRunnerWatchesUntilTheFingerprintChanges() async throws {
        let calls = Locked(0)
        let watch = StoreWatch(interval: 0.05) { _ in
            let n = calls.withLock { n in
                n += 1
                return n
            }
            return n < 4 ? "same" : "moved"
        }
        let queue = ActionQueue()
        let runner = EffectRunner(
            handler: EffectHandler(loadCatalog: { _ in Catalog.Listing(repositories: [], problems: []) }, loadRepository: { _ in fatalError() },
                                   loadAll: { _, _ in [] }, watch: watch),
            queue: queue)
        runner.perform(.watchStore([StoreLayout.repositories], generation: 5))
        var seen: [Action] = []
        for _ in 0..<200 where seen.isEmpty {
            try await Task.sleep(nanoseconds: 20_000_000)
            seen = queue.drain()
        }
        guard case .storeChanged(5)? = seen.first else {
            Issue.record("no change reported: \(seen)")
            return
        }
        #expect(calls.withLock { $0 } == 4, "the baseline, two unchanged checks, the changed one")
        runner.cancelAll()
    }

    @Test func withoutAFingerprintTheIntervalIsTheChange() async throws {
        let queue = ActionQueue()
        let runner = EffectRunner(
            handler: EffectHandler(loadCatalog: { _ in Catalog.Listing(repositories: [], problems: []) }, loadRepository: { _ in fatalError() },
                                   loadAll: { _, _ in [] }, watch: StoreWatch(interval: 0.1, fingerprint: nil)),
            queue: queue)
        runner.perform(.watchStore([], generation: 2))
        var seen: [Action] = []
        for _ in 0..<200 where seen.isEmpty {
            try await Task.sleep(nanoseconds: 20_000_000)
            seen = queue.drain()
        }
        #expect({ if case .storeChanged(2)? = seen.first { true } else { false } }())
        runner.cancelAll()
    }
}
