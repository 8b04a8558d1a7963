import Foundation
import Testing
@testable import RegistryStorage

/// What `drydock rm` runs is what was confirmed: a tag pushed into a repository being deleted, or moved, between the
/// plan and its execution (the registry may be serving) makes the run refuse before the journal, with nothing changed.
@Suite struct DeletePlanFreshnessTests {
    static func store() -> (StoreFixture, app: StoreFixture.Image, other: StoreFixture.Image) {
        let f = StoreFixture()
        let app = f.image("lib/app", tag: "v1", layers: ["app"])
        let other = f.image("lib/app", tag: "v0", layers: ["other"])
        return (f, app, other)
    }

    static func refusal(_ f: StoreFixture, _ target: DeleteTarget, after change: () -> Void) async throws -> String {
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let plan = try deleter.plan([target], repositories: try await f.loadAll())
        change()
        let before = f.registryFiles
        do {
            _ = try await deleter.execute(plan)
        } catch let DeleteError.conflict(message) {
            #expect(f.registryFiles == before, "nothing changed")
            #expect(try await Journal(driver: f.driver).summaries().summaries.isEmpty, "not even a journal entry")
            return message
        }
        Issue.record("the run went ahead")
        return ""
    }

    @Test func aTagPushedIntoTheRepositorySinceThePlanStopsItsDelete() async throws {
        let (f, app, _) = Self.store()
        let message = try await Self.refusal(f, .repository("lib/app", includeNested: false)) {
            f.tag("lib/app", "v2", app.manifest)
        }
        #expect(message.contains("lib/app:v2 was pushed since (-> \(app.manifest))") && message.contains("plan again"), "\(message)")
    }

    @Test func aTagMovedSinceThePlanIsNotUntagged() async throws {
        let (f, app, other) = Self.store()
        let message = try await Self.refusal(f, .tag(repository: "lib/app", tag: "v1")) {
            f.tag("lib/app", "v1", other.manifest)
        }
        #expect(message.contains("lib/app:v1 now points at \(other.manifest), the plan showed \(app.manifest)"), "\(message)")
    }

    /// A manifest's delete takes the tags that pointed at it when planned; one moved to it since is not one of them.
    @Test func aTagMovedAwayFromADeletedManifestIsNotTaken() async throws {
        let (f, app, other) = Self.store()
        f.tag("lib/app", "stable", app.manifest)
        let message = try await Self.refusal(f, .manifest(repository: "lib/app", digest: app.manifest, includeChildren: false)) {
            f.tag("lib/app", "stable", other.manifest)
        }
        #expect(message.contains("lib/app:stable now points at \(other.manifest)"), "\(message)")
    }

    /// The registry writes a tag's history link before its current link: a push caught in between is a push too.
    @Test func aTagHalfPushedSinceThePlanStopsARepositoryDelete() async throws {
        let (f, app, _) = Self.store()
        let message = try await Self.refusal(f, .repository("lib/app", includeNested: false)) {
            f.link(StoreLayout.tagIndexLink(f.repo("lib/app"), "v3", app.manifest), app.manifest)
        }
        #expect(message.contains("lib/app:v3 is being pushed"), "\(message)")
    }

    @Test func anUnchangedStoreRuns() async throws {
        let (f, _, _) = Self.store()
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let plan = try deleter.plan([.repository("lib/app", includeNested: false)], repositories: try await f.loadAll())
        _ = try await deleter.execute(plan)
        #expect(try await f.store().repositories().repositories.isEmpty)
    }
}
