import Foundation
import Testing
@testable import RegistryStorage

@Suite struct DeleteSoftDeleteTests {
    @Test func untagRemovesOnlyTheTagFolder() async throws {
        let f = StoreFixture()
        let img = f.image("team/app", tag: "v1", layers: ["base", "app"])
        f.tag("team/app", "latest", img.manifest)
        let (plan, result) = try await f.delete([.tag(repository: "team/app", tag: "v1")])
        let repo = f.repo("team/app")
        #expect(plan.removals.map(\.path) == [StoreLayout.tagDirectory(repo, "v1")])
        #expect(plan.lostTags == [.init(repository: "team/app", tag: "v1", digest: img.manifest)])
        #expect(plan.untaggedManifests.isEmpty, "latest still points at it")
        #expect(plan.reclaimableBytes == 0)
        #expect(!f.exists(StoreLayout.tagCurrentLink(repo, "v1")))
        #expect(!f.exists(StoreLayout.tagIndexLink(repo, "v1", img.manifest)))
        #expect(f.exists(StoreLayout.tagCurrentLink(repo, "latest")))
        #expect(f.exists(StoreLayout.revisionLink(repo, img.manifest)))
        let entry = try await Journal(driver: f.driver).entry(result.journalID)
        #expect(entry.completed && entry.operation == .delete)
        #expect(Set(entry.links.map(\.kind)) == [.tagCurrent, .tagIndex])
        #expect(entry.links.allSatisfy { $0.bytes == Array(img.manifest.description.utf8) })
    }

    @Test func manifestDeleteIsTheRegistrysDelete() async throws {
        let f = StoreFixture()
        let old = f.image("team/app", tag: "v1", layers: ["base", "old"], labels: ["v": "old"])
        let new = f.image("team/app", tag: "v1", layers: ["base", "new"], labels: ["v": "new"])
        f.tag("team/app", "stable", old.manifest)
        f.tag("team/app", "edge", new.manifest)
        f.layerLink("team/app", old.manifest)  // a seed-era link for the same digest
        let repo = f.repo("team/app")
        let (plan, _) = try await f.delete([.manifest(repository: "team/app", digest: old.manifest, includeChildren: false)])
        #expect(Set(plan.removals.map(\.path)) == [
            StoreLayout.revisionLink(repo, old.manifest), StoreLayout.layerLink(repo, old.manifest), StoreLayout.tagDirectory(repo, "stable"),
        ])
        #expect(plan.lostTags.map(\.tag) == ["stable"])
        // v1's history still lists the old digest: the registry leaves index entries under other tags.
        #expect(f.exists(StoreLayout.tagIndexLink(repo, "v1", old.manifest)))
        #expect(f.exists(StoreLayout.tagCurrentLink(repo, "v1")) && f.exists(StoreLayout.tagCurrentLink(repo, "edge")))
        #expect(!f.exists(StoreLayout.revisionLink(repo, old.manifest)))
        #expect(f.exists(StoreLayout.blobData(old.manifest)), "soft delete: blobs stay")
        // The manifest blob, its config and its own layer become garbage; the shared base does not.
        let expected = [old.manifest, old.config, old.layers[1]].reduce(Int64(0)) { $0 + Int64(f.driver.contents(StoreLayout.blobData($1))!.count) }
        #expect(plan.reclaimableBytes == expected)
        #expect(Set(plan.reclaimableBlobs) == [old.manifest, old.config, old.layers[1]])
        let after = try #require(await f.store().load(repository: "team/app"))
        #expect(after.revision(old.manifest) == nil)
        #expect(after.tags.map(\.name) == ["edge", "v1"])
    }

    @Test func refusedDeletesChangeNothing() async throws {
        let f = StoreFixture()
        let img = f.image("team/app", tag: "v1", layers: ["a"])
        f.upload("team/app", id: "u1", startedAt: "2000-01-01T00:00:00Z", data: [1, 2])
        let before = f.driver.allFiles
        let policy = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: false, readOnlyFlag: false)
        let deleter = StoreDeleter(store: f.store(), policy: policy)
        let all = try await f.loadAll()
        for target: DeleteTarget in [
            .tag(repository: "team/app", tag: "v1"), .manifest(repository: "team/app", digest: img.manifest, includeChildren: true),
            .layer(repository: "team/app", digest: img.layers[0]), .repository("team/app", includeNested: true),
            .staleUploads(olderThanSeconds: 3600),
        ] {
            let plan = try deleter.plan([target], repositories: all)
            #expect(plan.refusal == policy.refusal, "the preview says it would be refused")
            await #expect(throws: DeleteError.refused(policy.refusal!)) { try await deleter.execute(plan) }
        }
        #expect(f.driver.allFiles == before)
    }

    @Test func journalIsWrittenBeforeTheFirstRemoval() async throws {
        let f = StoreFixture()
        let img = f.image("team/app", tag: "v1", layers: ["a"])
        let repo = f.repo("team/app")
        let driver = RecordingDriver(f.driver)
        driver.failDeletes(of: StoreLayout.tagDirectory(repo, "v1"))
        let store = RegistryStore(driver: driver)
        let deleter = StoreDeleter(store: store, policy: .unrestricted)
        let plan = try deleter.plan([.manifest(repository: "team/app", digest: img.manifest, includeChildren: false)], repositories: try await f.loadAll())
        do {
            _ = try await deleter.execute(plan)
            Issue.record("the failing delete should stop the run")
        } catch {
            guard case .driver(_, let done) = error else { throw error }
            #expect(done.contains("1 of 2"), "\(done)")
        }
        #expect(driver.log.first?.hasPrefix("write drydock/journal/") == true, "\(driver.log)")
        #expect(driver.log.dropFirst().first == "delete \(StoreLayout.revisionLink(repo, img.manifest))")
        let entries = try await Journal(driver: f.driver).entries().entries
        #expect(entries.count == 1)
        #expect(entries.first?.completed == false, "an interrupted delete stays marked incomplete")
        #expect(entries.first?.links.count == 3, "revision link, tag current and tag index")
        // Undo of the incomplete entry puts back what was removed.
        _ = try await JournalUndo(store: f.store(), policy: .unrestricted).undo(nil)
        #expect(f.exists(StoreLayout.revisionLink(repo, img.manifest)))
    }

    @Test func indexAsksAboutItsChildren() async throws {
        let f = StoreFixture()
        let (idx, amd, arm) = f.multiArch("multi")
        f.tag("multi", "arm", arm.manifest)
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let all = try await f.loadAll()
        let ask = try deleter.plan([.manifest(repository: "multi", digest: idx, includeChildren: false)], repositories: all)
        #expect(ask.orphanedChildren == [.init(repository: "multi", digest: amd.manifest)], "the tagged child is not offered")
        #expect(ask.reclaimableBytes == Int64(f.driver.contents(StoreLayout.blobData(idx))!.count), "children are still stored")
        let with = try deleter.plan([.manifest(repository: "multi", digest: idx, includeChildren: true)], repositories: all)
        #expect(with.orphanedChildren.isEmpty)
        #expect(Set(with.removals.map(\.path)) == [
            StoreLayout.revisionLink(f.repo("multi"), idx), StoreLayout.tagDirectory(f.repo("multi"), "latest"),
            StoreLayout.revisionLink(f.repo("multi"), amd.manifest),
        ])
        #expect(with.reclaimableBlobs.contains(amd.layers[1]) && !with.reclaimableBlobs.contains(amd.layers[0]), "base is shared with arm")
        _ = try await deleter.execute(with)
        #expect(f.exists(StoreLayout.revisionLink(f.repo("multi"), arm.manifest)))
    }

    @Test func layerLinkDeleteWarnsWhenStillReferenced() async throws {
        let f = StoreFixture()
        let img = f.image("team/app", tag: "v1", layers: ["a", "b"])
        let (plan, _) = try await f.delete([.layer(repository: "team/app", digest: img.layers[1])])
        #expect(plan.removals.map(\.path) == [StoreLayout.layerLink(f.repo("team/app"), img.layers[1])])
        #expect(plan.warnings.contains { $0.contains("still references") })
        #expect(f.exists(StoreLayout.blobData(img.layers[1])))
        #expect(f.exists(StoreLayout.layerLink(f.repo("team/app"), img.layers[0])))
    }

    @Test(arguments: [false, true])
    func repositoryDeleteKeepsNestedRepositoriesUnlessAsked(_ nested: Bool) async throws {
        let f = StoreFixture()
        let a = f.image("a", tag: "v1", layers: ["a"])
        f.image("a/b", tag: "v1", layers: ["b"])
        f.image("c", tag: "v1", layers: ["c"])
        let (plan, _) = try await f.delete([.repository("a", includeNested: nested)])
        #expect(Set(plan.lostTags.map(\.repository)) == (nested ? ["a", "a/b"] : ["a"]))
        #expect(plan.reclaimableBlobs.contains(a.manifest))
        if nested {
            #expect(try await f.store().repositories().repositories.map(\.name) == ["c"])
            #expect(f.driver.allFiles.keys.allSatisfy { !$0.hasPrefix(f.repo("a")) })
        } else {
            #expect(plan.warnings.contains { $0.contains("nested in a are kept") })
            #expect(try await f.store().repositories().repositories.map(\.name) == ["a/b", "c"])
            #expect(f.exists(StoreLayout.tagCurrentLink(f.repo("a/b"), "v1")))
            await #expect(throws: DeleteError.self) { try await f.delete([.repository("a", includeNested: true)]) }
        }
    }

    @Test func staleUploadsByAge() async throws {
        let f = StoreFixture()
        f.image("team/app", tag: "v1", layers: ["a"])
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let iso = ISO8601DateFormatter()
        f.upload("team/app", id: "old", startedAt: iso.string(from: now.addingTimeInterval(-8 * 86_400)), data: [1])
        f.upload("team/app", id: "new", startedAt: iso.string(from: now.addingTimeInterval(-3600)), data: [2])
        f.upload("team/app", id: "unknown", startedAt: nil, data: [3])
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let plan = try deleter.plan([.staleUploads(olderThanSeconds: GoDuration.seconds("168h")!)], repositories: try await f.loadAll(), now: now)
        #expect(plan.removals.map(\.kind) == [.upload("old")])
        #expect(plan.warnings.contains { $0.contains("without a readable startedat") })
        let result = try await deleter.execute(plan)
        #expect(result.unrestorable.count == 2, "data and startedat cannot be restored")
        let uploads = StoreLayout.uploadsDirectory(f.repo("team/app"))
        #expect(!f.exists(uploads.appending(["old", "data"])))
        #expect(f.exists(uploads.appending(["new", "data"])) && f.exists(uploads.appending(["unknown", "data"])))
    }

    @Test func unknownTargetsAreNotFound() async throws {
        let f = StoreFixture()
        f.image("team/app", tag: "v1", layers: ["a"])
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let all = try await f.loadAll()
        let missing = Digest.sha256(of: Array("nothing".utf8))
        for target: DeleteTarget in [
            .tag(repository: "team/app", tag: "v2"), .tag(repository: "team/app", tag: "../v1"), .tag(repository: "nope", tag: "v1"),
            .manifest(repository: "team/app", digest: missing, includeChildren: false), .layer(repository: "team/app", digest: missing),
            .repository("team", includeNested: true),
        ] {
            #expect(throws: DeleteError.self, "\(target)") { try deleter.plan([target], repositories: all) }
        }
    }

    @Test func journalLinksRoundTripToTheirPaths() {
        let d = Digest.sha256(of: [1])
        let s = Digest.sha256(of: [2])
        let repo = StoreLayout.repository("team/app")
        for path in [
            StoreLayout.layerLink(repo, d), StoreLayout.revisionLink(repo, d), StoreLayout.signatureLink(repo, revision: d, signature: s),
            StoreLayout.tagCurrentLink(repo, "v1"), StoreLayout.tagIndexLink(repo, "v1", d),
        ] {
            let link = JournalLink.classify(path, bytes: Array(d.description.utf8))
            #expect(link?.path == path)
            #expect(link?.repository == "team/app")
        }
        #expect(JournalLink.classify(StoreLayout.uploadDirectory(repo, "u").appending("data"), bytes: []) == nil)
        var hostile = JournalLink(repository: "../etc", kind: .tagCurrent, tag: "v1", bytes: [])
        #expect(hostile.path == nil)
        hostile.repository = "team/app"
        hostile.tag = ".."
        #expect(hostile.path == nil)
    }
}
