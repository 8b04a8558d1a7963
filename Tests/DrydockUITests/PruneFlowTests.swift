@testable import RegistryStorage
import Testing
@testable import DrydockUI

/// The prune screen (`P`): the form, the preview built by the real `DeleteOperations.planPrune` on the in-memory store,
/// the typed confirmation, and `u` undoing the whole prune. The in-memory driver reports no modification times, so
/// push time is unknown here: these tests rank by `created` (the Order field), which the fixture's configs set.
@Suite struct PruneFlowTests {
    /// `team/app` gets two older images, tagged v0.8 and v0.9, besides `latest` and `v1` (one image, 2024-05-01).
    static func fixture() -> UIFixture {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        f.image("team/app", tags: ["v0.8"], layers: ["base layer", "app 0.8"], created: "2022-01-01T00:00:00Z")
        f.image("team/app", tags: ["v0.9"], layers: ["base layer", "app 0.9"], created: "2022-06-01T00:00:00Z")
        return f
    }

    /// Opens `team/app`, then the form; sets keep last 2, order created.
    static func openAppForm(_ s: inout AppState) {
        press(&s, .char("j"), .enter)
        press(&s, .char("P"))
        press(&s, .backspace)
        type(&s, "2")
        press(&s, .tab, .tab, .tab, .char(" "))
    }

    @Test func opensOnARepositoryOrEveryRepository() async throws {
        let f = Self.fixture()
        var s = try await f.loadedState()
        #expect(press(&s, .char("P")).isEmpty)
        guard case .prune(let all)? = s.overlay else {
            Issue.record("P opens the prune form")
            return
        }
        #expect(all.repository == nil)
        var text = s.text
        #expect(text.contains("Prune every repository"))
        #expect(text.contains("Keep last N:     5_"))
        #expect(text.contains("Keep tag regex:  ^latest$"))
        #expect(text.contains("Also untagged:   [ ]"))
        press(&s, .escape)
        #expect(s.overlay == nil && s.text.contains("Cancelled: nothing was changed."))

        press(&s, .char("j"), .enter, .char("P"))
        guard case .prune(let one)? = s.overlay else {
            Issue.record("P opens the prune form inside a repository")
            return
        }
        #expect(one.repository == "team/app")
        text = s.text
        #expect(text.contains("Prune repository team/app"))
        // Keys type into the form, not the list: q does not quit, j does not move.
        press(&s, .tab, .tab, .char("q"), .char("j"))
        guard case .prune(let typed)? = s.overlay else { return }
        #expect(typed.keepTag == "^latest$qj" && !s.quitRequested)
    }

    @Test func invalidRulesAreExplainedInTheForm() async throws {
        let f = Self.fixture()
        var s = try await f.loadedState()
        press(&s, .char("P"), .tab, .tab, .ctrl("u"))
        type(&s, "v(")
        #expect(press(&s, .enter).isEmpty, "nothing is planned from a bad regex")
        #expect(s.text.contains("✗ Regular expression \"v(\""))

        press(&s, .ctrl("u"), .up)
        type(&s, "3 weeks")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.text.contains("is not a duration such as 90d"))

        // No keep rule at all.
        press(&s, .ctrl("u"), .up, .ctrl("u"))
        #expect(press(&s, .enter).isEmpty)
        #expect(s.text.contains("Say what to keep"))
        #expect(s.overlay != nil)
    }

    @Test func planShowsEveryTagKeptOrRemovedWithWhy() async throws {
        let f = Self.fixture()
        var s = try await f.loadedState(gate: .enabled(source: "--delete-enabled"))
        Self.openAppForm(&s)
        let planning = press(&s, .enter)
        #expect(planning.map(\.summary) == ["planPrune(team/app)"])
        #expect(s.text.contains("Planning…"))
        await DeleteFlowTests.perform(planning, &s, f)
        let text = s.text
        #expect(text.contains("team/app: keeps 2, removes 2 of 4 tags"))
        #expect(text.contains("keep    latest  keep-tag ^latest$; keep-last 2 by created"))
        #expect(text.contains("keep    v1  keep-last 2 by created"))
        #expect(text.contains("remove  v0.9  pushed unknown"))
        #expect(text.contains("remove  v0.8  pushed unknown"))
        #expect(text.contains("Removes 2 tags and 0 manifests; garbage collection would then free"))
        #expect(text.contains("[Enter] apply this plan"))

        // Also untagged: an edit drops the plan; planning again lists the three manifests nothing reaches.
        press(&s, .tab, .char(" "))
        #expect(!s.text.contains("Removes 2 tags"))
        await DeleteFlowTests.perform(press(&s, .enter), &s, f)
        #expect(s.text.contains("team/app: keeps 2, removes 2 of 4 tags, 3 untagged manifests"))
        #expect(s.text.contains("Removes 2 tags and 3 manifests"))
    }

    @Test func applyNeedsTheGate() async throws {
        let f = Self.fixture()
        var s = try await f.loadedState()
        Self.openAppForm(&s)
        await DeleteFlowTests.perform(press(&s, .enter), &s, f)
        #expect(press(&s, .enter).isEmpty)
        #expect(s.text.contains("Deleting is disabled"))
        #expect(try await DeleteFlowTests.tags(f, "team/app") == ["latest", "v0.8", "v0.9", "v1"])
    }

    @Test func typedCountAppliesAndUUndoesTheWholePrune() async throws {
        let f = Self.fixture()
        var s = try await f.loadedState(gate: .enabled(source: "--delete-enabled"))
        Self.openAppForm(&s)
        await DeleteFlowTests.perform(press(&s, .enter), &s, f)
        #expect(press(&s, .enter).isEmpty)
        #expect(s.text.contains("Prune team/app: remove 2 tags and 0 manifests?"))
        #expect(s.text.contains("Type 2 to confirm."))

        // y alone is not an answer here.
        #expect(press(&s, .char("y"), .enter).isEmpty)
        #expect(try await DeleteFlowTests.tags(f, "team/app") == ["latest", "v0.8", "v0.9", "v1"])

        type(&s, "2")
        let executing = press(&s, .enter)
        #expect(executing.map(\.summary) == ["executeDelete(prune of team/app (2 tags and 0 manifests))"])
        await DeleteFlowTests.perform(executing, &s, f)
        #expect(s.text.contains("u undoes it"))
        #expect(try await DeleteFlowTests.tags(f, "team/app") == ["latest", "v1"])

        // u: one journal entry restores both tags.
        await DeleteFlowTests.perform(press(&s, .char("u")), &s, f)
        #expect(s.text.contains("Undo?") && s.text.contains("tag team/app:v0.8"))
        await DeleteFlowTests.perform(press(&s, .char("y")), &s, f)
        #expect(try await DeleteFlowTests.tags(f, "team/app") == ["latest", "v0.8", "v0.9", "v1"])
    }

    @Test func everyRepositoryAndStaleAnswers() async throws {
        let f = Self.fixture()
        var s = try await f.loadedState()
        press(&s, .char("P"))
        let planning = press(&s, .enter)
        #expect(planning.map(\.summary) == ["planPrune(every repository)"])
        // An edit while the plan is built: its answer is for rules no longer on screen, and is dropped.
        press(&s, .char("0"))
        await DeleteFlowTests.perform(planning, &s, f)
        guard case .prune(let edited)? = s.overlay else {
            Issue.record("the form stays open")
            return
        }
        #expect(edited.preview == nil && edited.keepLast == "50")
        #expect(!s.text.contains("Nothing to prune"))

        // Keep last 50 over every repository keeps every tag.
        await DeleteFlowTests.perform(press(&s, .enter), &s, f)
        let text = s.text
        #expect(text.contains("base: keeps 1, removes 0 of 1 tag"))
        #expect(text.contains("team/app: keeps 4, removes 0 of 4 tags"))
        #expect(text.contains("team/multi: keeps 1, removes 0 of 1 tag"))
        #expect(text.contains("Nothing to prune: these rules keep every tag."))
        press(&s, .enter)
        #expect(s.text.contains("Nothing to prune") && s.text.contains("These rules keep every tag."))
    }

    @Test func tagNamesFromTheStoreAreEscaped() async throws {
        let f = Self.fixture()
        let hostile = f.image("team/app", tags: [], layers: ["base layer", "hostile"], created: "2021-01-01T00:00:00Z")
        f.tag("team/app", "t\u{1b}]0;pwned\u{07}", hostile.manifest)
        var s = try await f.loadedState()
        Self.openAppForm(&s)
        await DeleteFlowTests.perform(press(&s, .enter), &s, f)
        #expect(s.text.contains("remove  t\\x1b]0;pwned\\x07  pushed unknown"))
    }
}
