import Foundation
import Testing
@testable import RegistryStorage

/// What reaches a manifest (issue: a child of a tagged index was called untagged and deleting it "harmless").
@Suite struct ManifestReachabilityTests {
    /// `team/frontend:stable` is an index over amd64 and s390x; an older image is truly untagged; a notation-style
    /// referrer signs the index; a nested index (`bundle`) lists the stable index under a platform of its own.
    static func frontend() -> (StoreFixture, index: Digest, amd: StoreFixture.Image, s390x: StoreFixture.Image, old: StoreFixture.Image, sig: StoreFixture.Image) {
        let f = StoreFixture()
        let amd = f.image("team/frontend", tag: nil, oci: true, layers: ["base", "amd"])
        let s390x = f.image("team/frontend", tag: nil, oci: true, layers: ["base", "s390x"], architecture: "s390x")
        let index = f.index("team/frontend", tag: "stable", children: [(amd.manifest, amd.bytes.count, "amd64"), (s390x.manifest, s390x.bytes.count, "s390x")])
        f.tag("team/frontend", "latest", index)
        let old = f.image("team/frontend", tag: nil, oci: true, layers: ["base", "old"])
        let sig = f.image("team/frontend", tag: nil, oci: true, layers: ["signature"], subject: index, artifactType: MediaType.notarySignature)
        return (f, index, amd, s390x, old, sig)
    }

    @Test func indexChildrenAndReferrersAreReachedUntaggedOnesAreNot() async throws {
        let (f, index, amd, s390x, old, sig) = Self.frontend()
        let repo = try #require(try await f.loadAll().first { $0.name == "team/frontend" })
        let reach = ManifestReachability(repo)
        #expect(reach.isReachable(index) && reach.isReachable(amd.manifest) && reach.isReachable(s390x.manifest))
        #expect(reach.isReachable(sig.manifest), "a referrer of a tagged manifest is kept, as the collector keeps it")
        #expect(!reach.isReachable(old.manifest))
        #expect(reach.summary(of: s390x.manifest) == "in latest,stable (linux/s390x)")
        #expect(reach.summary(of: sig.manifest) == "referrer of latest,stable")
        #expect(reach.summary(of: old.manifest) == nil)
        #expect(reach.summary(of: index) == "latest,stable")
        #expect(reach.pulls(needing: s390x.manifest) == [.init(tag: "latest", platform: "linux/s390x"), .init(tag: "stable", platform: "linux/s390x")])
        #expect(reach.pulls(needing: sig.manifest).isEmpty, "no pull needs a referrer")
        // The same set the collector keeps with --delete-untagged: reachability and marking agree.
        let mark = GarbageCollector.mark([repo], deleteUntagged: true)
        #expect(mark.deletions.map(\.digest) == [old.manifest])
    }

    @Test func nestedIndexesNameTheRootTagAndTheInnermostPlatform() {
        let leaf = Digest.sha256(of: Array("leaf".utf8))
        let inner = Digest.sha256(of: Array("inner".utf8))
        let outer = Digest.sha256(of: Array("outer".utf8))
        let orphan = Digest.sha256(of: Array("orphan".utf8))
        let reach = ManifestReachability(
            tags: [("v2", outer), ("gone", Digest.sha256(of: Array("not stored".utf8)))],
            manifests: [
                (outer, [(inner, "linux/amd64")], nil),
                (inner, [(leaf, "linux/arm64/v8"), (leaf, "linux/arm64")], nil),
                (leaf, [], nil),
                (orphan, [(leaf, "linux/ppc64le")], nil),
            ])
        #expect(reach.pulls(needing: leaf) == [.init(tag: "v2", platform: "linux/arm64"), .init(tag: "v2", platform: "linux/arm64/v8")])
        #expect(reach.pulls(needing: inner) == [.init(tag: "v2", platform: "linux/amd64")])
        #expect(!reach.isReachable(orphan), "an untagged index reaches nothing, and nothing reaches it")
        #expect(reach.edges[leaf]?.count == 2, "only reachable parents count: the orphan index is not one")
    }

    @Test func listingAChildOfATaggedIndexIsNotUntagged() async throws {
        let (f, _, _, _, _, _) = Self.frontend()
        let repo = try #require(try await f.store().loadEverything(detail: .listing).1.first)
        let reach = ManifestReachability(repo)
        #expect(repo.revisions.filter { !reach.isReachable($0.digest) }.count == 1, "light loads see the same children")
    }

    @Test func deletingAChildOfATaggedIndexNamesTheBrokenPullsAndIsRefusedUnlessForced() async throws {
        let (f, index, _, s390x, _, _) = Self.frontend()
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let target = DeleteTarget.manifest(repository: "team/frontend", digest: s390x.manifest, includeChildren: false)
        let plan = try deleter.plan([target], repositories: try await f.loadAll())
        #expect(plan.breaksPulls)
        #expect(plan.brokenPulls == [.init(repository: "team/frontend", manifest: s390x.manifest, index: index, platform: "linux/s390x", tags: ["latest", "stable"])])
        #expect(plan.brokenPulls.first?.description == "team/frontend:latest, team/frontend:stable (linux/s390x)")
        #expect(plan.lostTags.isEmpty && plan.untaggedManifests.isEmpty)
        let before = f.registryFiles
        await #expect(throws: DeleteError.self) { try await deleter.execute(plan) }
        #expect(f.registryFiles == before, "a refused delete changes nothing")
        _ = try await deleter.execute(plan, force: true)
        #expect(!f.exists(StoreLayout.revisionLink(f.repo("team/frontend"), s390x.manifest)))
    }

    @Test func deletingTheIndexWithItsChildrenOrAnUntaggedImageBreaksNothing() async throws {
        let (f, index, amd, s390x, old, _) = Self.frontend()
        let deleter = StoreDeleter(store: f.store(), policy: .unrestricted)
        let all = try await f.loadAll()
        let whole = try deleter.plan([.manifest(repository: "team/frontend", digest: index, includeChildren: true)], repositories: all)
        #expect(!whole.breaksPulls)
        #expect(Set(whole.removals.compactMap { if case .revisionLink(let d) = $0.kind { d } else { nil } }) == [index, amd.manifest, s390x.manifest])
        let untagged = try deleter.plan([.manifest(repository: "team/frontend", digest: old.manifest, includeChildren: false)], repositories: all)
        #expect(!untagged.breaksPulls && untagged.warnings.isEmpty)
        // Untagging both tags leaves the index (and so its children) reachable by nothing: all become untagged.
        let untag = try deleter.plan([.tag(repository: "team/frontend", tag: "stable"), .tag(repository: "team/frontend", tag: "latest")], repositories: all)
        #expect(Set(untag.untaggedManifests.map(\.digest)).isSuperset(of: [index, amd.manifest, s390x.manifest]))
    }

    @Test func aChildOfAnUntaggedIndexIsAWarningNotARefusal() async throws {
        let f = StoreFixture()
        let amd = f.image("app", tag: nil, oci: true, layers: ["amd"])
        let index = f.index("app", tag: nil, children: [(amd.manifest, amd.bytes.count, "amd64")])
        let plan = try StoreDeleter(store: f.store(), policy: .unrestricted)
            .plan([.manifest(repository: "app", digest: amd.manifest, includeChildren: false)], repositories: try await f.loadAll())
        #expect(!plan.breaksPulls)
        #expect(plan.warnings.contains { $0.contains(index.short) && $0.contains("no tag reaches it") })
    }

    /// Planning is linear in the tag count (it was quadratic: 50 000 tags took five minutes; 5 000 keep this test quick). Checked by result here;
    /// the cost is measured in `drydock-bench plan`.
    @Test func aManifestWithFiveThousandTagsPlansEveryUntag() async throws {
        let f = StoreFixture()
        let img = f.image("many", tag: nil, layers: ["only"])
        let repo = f.repo("many")
        for i in 0..<5_000 {
            f.driver.put(StoreLayout.tagCurrentLink(repo, "t\(i)"), img.manifest.description)
        }
        // On disk: the in-memory driver lists by scanning every file, which 5 000 tag folders make quadratic.
        let root = try f.writeToDisk()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try RegistryStore.open(root: root)
        let all = try await store.loadEverything(detail: .listing).1
        let deleter = StoreDeleter(store: store, policy: .unrestricted)
        let plan = try deleter.plan([.manifest(repository: "many", digest: img.manifest, includeChildren: false)], repositories: all)
        #expect(plan.lostTags.count == 5_000)
        #expect(plan.removals.count == 5_001)
        let byTags = try deleter.plan((0..<5_000).map { .tag(repository: "many", tag: "t\($0)") }, repositories: all)
        #expect(byTags.lostTags.count == 5_000 && byTags.untaggedManifests.map(\.digest) == [img.manifest])
        #expect(throws: DeleteError.self) {
            try deleter.plan([.tag(repository: "many", tag: "t1"), .tag(repository: "many", tag: "t1")], repositories: all)
        }
    }
}
