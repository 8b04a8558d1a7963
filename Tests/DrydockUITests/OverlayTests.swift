import RegistryStorage
import Testing
@testable import DrydockUI

@Suite struct OverlayTests {
    @Test func helpListsEveryKeyAndClosesWithEsc() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: GridSize(rows: 60, cols: 120))
        press(&s, .char("?"))
        #expect(s.overlay == .help(scroll: 0))
        let text = s.text
        #expect(text.contains("┌─ Keys "))
        for binding in KeyMap.bindings {
            #expect(text.contains(binding.help), "help misses \(binding.command)")
            for key in binding.keys { #expect(text.contains(key.description), "help misses key \(key)") }
        }
        // Keys do not reach the list under the overlay.
        press(&s, .char("j"))
        #expect(s.top.list.cursor == 0)
        press(&s, .escape)
        #expect(s.overlay == nil && !s.text.contains("┌─ Keys "))
    }

    @Test func helpScrollsWhenTheTerminalIsSmall() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: GridSize(rows: 24, cols: 80))
        press(&s, .char("?"))
        #expect(s.text.contains("j ↓ PgDn G"))
        #expect(!s.text.contains("close this help"))
        press(&s, .pageDown, .pageDown, .pageDown)
        #expect(s.text.contains("close this help"))
        press(&s, .char("q"))
        #expect(s.overlay == nil && !s.quitRequested)
    }

    @Test func deleteWhenDisabledNamesTheSetting() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        let policy = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: false, readOnlyFlag: false)
        var s = try await f.loadedState(gate: DeleteGate(policy))
        // Only deletes are off (garbage collection still runs after its confirmation): the status line says so.
        #expect(s.text.contains("deletes off") && !s.text.contains("read-only"))
        let effects = press(&s, .char("d"))
        #expect(effects.isEmpty)
        let text = s.text
        #expect(text.contains("Deleting is disabled"))
        #expect(text.contains("storage.delete.enabled"))
        #expect(text.contains("REGISTRY_STORAGE_DELETE_ENABLED"))
        #expect(text.contains("--delete-enabled"))
        #expect(text.contains("[Esc] close"))
        press(&s, .escape)
        #expect(s.overlay == nil)
    }

    @Test func bannersShowDemoAndErrors() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(demo: true)
        #expect(s.screen.lines[1].contains("DEMO registry"))
        #expect(s.screen[1, 1].style.reverse)
        #expect(s.screen.lines[33].contains("DEMO /srv/registry"))
        let effects = press(&s, .char("r"))
        #expect(effects.map(\.summary) == ["rescan(1)"])
        s = reduce(s, .catalogFailed("/srv/registry: permission denied", generation: 1)).0
        let grid = s.screen
        let row = try #require(grid.row(containing: "✗ Cannot read the repository list: /srv/registry: permission denied (r retries)"))
        #expect(grid[row, 2].style.role == .errorBanner)
        // The demo notice stays, the last data stays on screen.
        #expect(grid.plainText.contains("DEMO registry") && grid.plainText.contains("team/app"))
    }

    @Test func messagesClearOnTheNextKey() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("s"))
        #expect(s.text.contains("Sorted by size, largest first"))
        press(&s, .char("j"))
        #expect(!s.text.contains("Sorted by size"))
    }
}
