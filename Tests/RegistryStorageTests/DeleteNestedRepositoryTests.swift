import Foundation
import Testing
@testable import RegistryStorage

/// `rm --repository NAME` never takes what is nested under NAME unless asked, whatever the caller loaded: the plan
/// decides from the folder's listing, not from the repositories that happen to be in memory.
@Suite struct DeleteNestedRepositoryTests {
    static func store() -> (StoreFixture, app: StoreFixture.Image, sub: StoreFixture.Image) {
        let f = StoreFixture()
        let app = f.image("lib/app", tag: "v1", layers: ["app"])
        let sub = f.image("lib/app/sub", tag: "v1", layers: ["sub"])
        f.tag("lib/app/sub", "stable", sub.manifest)
        return (f, app, sub)
    }

    /// Plans and runs `target` over `repositories` only.
    static func delete(_ f: StoreFixture, _ target: DeleteTarget, loaded repositories: [RepositoryContents]) async throws -> DeletePlan {
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let plan = try deleter.plan([target], repositories: repositories)
        _ = try await deleter.execute(plan)
        return plan
    }

    @Test(arguments: [false, true])
    func aRepositoryDeleteWithOnlyThatRepositoryLoadedKeepsTheNestedOne(_ nested: Bool) async throws {
        let (f, app, sub) = Self.store()
        let before = f.registryFiles
        let only = try #require(await f.store().load(repository: "lib/app"))
        let plan = try await Self.delete(f, .repository("lib/app", includeNested: nested), loaded: [only])

        #expect(!plan.removals.contains { $0.kind == .repositoryFolder }, "\(plan.removals)")
        #expect(Set(plan.lostTags.map(\.repository)) == ["lib/app"], "lib/app/sub was not read, so none of its tags go")
        #expect(plan.warnings.contains { $0.contains("lib/app also holds lib/app/sub") && $0.hasSuffix("kept") }, "\(plan.warnings)")
        #expect(try await f.store().repositories().repositories.map(\.name) == ["lib/app/sub"])
        let kept = try #require(await f.store().load(repository: "lib/app/sub"))
        #expect(kept.tags.map(\.name) == ["stable", "v1"])
        #expect(kept.tags.allSatisfy { $0.current == sub.manifest })
        #expect(kept.revision(sub.manifest)?.blob.isPresent == true)
        #expect(f.exists(StoreLayout.tagCurrentLink(f.repo("lib/app/sub"), "v1")))
        #expect(!f.exists(StoreLayout.revisionLink(f.repo("lib/app"), app.manifest)))

        _ = try await JournalUndo(store: f.store(), policy: .unrestricted).undo(nil)
        #expect(f.registryFiles == before)
    }

    /// What `drydock rm` loads (the whole catalog) misses a nested repository whose first push is still uploading:
    /// its `_uploads` stay.
    @Test func aRepositoryDeleteKeepsANestedFirstPushTheCatalogDoesNotList() async throws {
        let (f, _, _) = Self.store()
        f.upload("lib/app/wip", id: "u1", startedAt: "2024-05-01T10:00:00Z", data: [1, 2, 3])
        let before = f.registryFiles
        let plan = try await Self.delete(f, .repository("lib/app", includeNested: true), loaded: try await f.loadAll())

        #expect(Set(plan.lostTags.map(\.repository)) == ["lib/app", "lib/app/sub"])
        #expect(plan.warnings.contains { $0.contains("lib/app also holds lib/app/wip") }, "\(plan.warnings)")
        #expect(f.exists(StoreLayout.uploadDirectory(f.repo("lib/app/wip"), "u1").appending("data")))
        #expect(!f.exists(StoreLayout.tagCurrentLink(f.repo("lib/app/sub"), "v1")), "--nested takes the listed nested repository")
        #expect(try await f.store().repositories().repositories.isEmpty)

        _ = try await JournalUndo(store: f.store(), policy: .unrestricted).undo(nil)
        #expect(f.registryFiles == before)
    }

    /// With everything listed and nothing else there, the folders go whole, as before.
    @Test func aFullyListedRepositoryGoesWithItsFolder() async throws {
        let (f, _, _) = Self.store()
        let plan = try await Self.delete(f, .repository("lib/app", includeNested: true), loaded: try await f.loadAll())
        #expect(plan.removals.map(\.kind) == [.repositoryFolder])
        #expect(plan.removals.map(\.path) == [f.repo("lib/app")])
        #expect(f.driver.allFiles.keys.allSatisfy { !$0.hasPrefix(f.repo("lib/app")) })
    }
}
