import Foundation
import Testing
@testable import RegistryStorage

/// `RetentionPlan.make` over a loaded store: which tags and manifests a prune removes, and what a saved plan checks.
@Suite struct PrunePlanTests {
    let now = Date(timeIntervalSince1970: 2_000_000_000)

    /// `team/app`: v1..v4 plain images pushed 40, 30, 20, 10 days ago; `multi` an index over amd64 and s390x pushed
    /// 50 days ago; v1 signed by cosign (`sha256-<v1>.sig`) and by a notation-style referrer.
    struct Store {
        var fixture = StoreFixture()
        var images: [String: StoreFixture.Image] = [:]
        var index: Digest
        var amd: StoreFixture.Image
        var s390x: StoreFixture.Image
        var cosign: StoreFixture.Image
        var referrer: StoreFixture.Image
        var ages: [String: Double] = [:]

        init() {
            let f = fixture
            for (i, tag) in ["v1", "v2", "v3", "v4"].enumerated() {
                images[tag] = f.image("team/app", tag: tag, oci: true, layers: ["base", "layer-\(tag)"])
                ages[tag] = Double(40 - 10 * i)
            }
            amd = f.image("team/app", tag: nil, oci: true, layers: ["base", "amd"])
            s390x = f.image("team/app", tag: nil, oci: true, layers: ["base", "s390x"], architecture: "s390x")
            index = f.index("team/app", tag: "multi", children: [(amd.manifest, amd.bytes.count, "amd64"), (s390x.manifest, s390x.bytes.count, "s390x")])
            ages["multi"] = 50
            let v1 = images["v1"]!.manifest
            cosign = f.image("team/app", tag: "sha256-\(v1.hex).sig", oci: true, layers: ["cosign-signature"])
            ages["sha256-\(v1.hex).sig"] = 1
            referrer = f.image("team/app", tag: nil, oci: true, layers: ["notation"], subject: v1, artifactType: MediaType.notarySignature)
            _ = f.image("other/app", tag: "only", oci: true, layers: ["other"])
            ages["only"] = 100
        }

        func fingerprints(_ repos: [RepositoryContents], now: Date) -> [String: [TagFingerprint]] {
            Dictionary(uniqueKeysWithValues: repos.map { r in
                (r.name, r.tags.map { TagFingerprint(repository: r.name, tag: $0.name, digest: $0.current, modified: now.timeIntervalSince1970 - ages[$0.name]! * 86_400) })
            })
        }
    }

    func plan(_ s: Store, _ rules: [RetentionRuleSet], untagged: Bool) async throws -> (RetentionPlan, [RepositoryContents]) {
        let repos = try await s.fixture.loadAll()
        return (RetentionPlan.make(repos, rules: rules, fingerprints: s.fingerprints(repos, now: now), untagged: untagged, now: now), repos)
    }

    @Test func keepLastKeepsTheNewestAndSignatureTagsStayWhileTheirManifestIsStored() async throws {
        let s = Store()
        let (plan, _) = try await plan(s, [try RetentionRuleSet(repositories: [try RepositoryGlob("team/*")], keepLast: 2)], untagged: false)
        let app = try #require(plan.repositories.first)
        #expect(plan.repositories.map(\.name) == ["team/app"], "other/app is out of scope")
        #expect(app.keep.map(\.tag) == ["v4", "v3"] && app.remove.map(\.tag) == ["v2", "v1", "multi"])
        #expect(app.remove.first?.pushed == now.addingTimeInterval(-30 * 86_400))
        #expect(app.candidateCount == 5 && app.manifests.isEmpty && app.removeSignatureTags.isEmpty)
        #expect(app.tagsLeft == 2)
        #expect(plan.deleteTargets == ["v2", "v1", "multi"].map { .tag(repository: "team/app", tag: $0) })
        #expect(plan.fingerprints.count == 6, "every tag of the repository in scope, signature tags too")
    }

    @Test func untaggedRemovesWhatNothingReachesAndTheSignaturesGoWithTheirImage() async throws {
        let s = Store()
        let (plan, repos) = try await plan(s, [try RetentionRuleSet(keepLast: 1, keepTags: [try TagPattern("^multi$"), try TagPattern("^only$")])], untagged: true)
        let app = try #require(plan.repositories.first { $0.name == "team/app" })
        #expect(app.keep.map(\.tag).sorted() == ["multi", "v4"])
        let v1 = s.images["v1"]!.manifest
        #expect(Set(app.manifests) == Set([v1, s.images["v2"]!.manifest, s.images["v3"]!.manifest, s.cosign.manifest, s.referrer.manifest]))
        #expect(!app.manifests.contains(s.amd.manifest) && !app.manifests.contains(s.s390x.manifest), "children of a kept index stay")
        #expect(app.removeSignatureTags.map(\.tag) == ["sha256-\(v1.hex).sig"])
        #expect(app.manifests.firstIndex(of: s.referrer.manifest)! < app.manifests.firstIndex(of: v1)!, "a referrer goes before its subject")
        // The delete planner agrees: nothing it removes breaks a kept pull, and every removed manifest was planned.
        let deletePlan = try StoreDeleter(store: s.fixture.store(), policy: DeletePolicy(allowsDelete: true, allowsWrite: true, refusal: nil, writeRefusal: nil)).plan(plan.deleteTargets, repositories: repos, now: now)
        #expect(!deletePlan.breaksPulls && deletePlan.untaggedManifests.isEmpty && deletePlan.warnings.isEmpty)
        #expect(deletePlan.reclaimableBytes > 0)
    }

    @Test func aSavedPlanIsStaleOnceATagMovesOrAManifestIsReachedAgain() async throws {
        let s = Store()
        let (plan, repos) = try await plan(s, [try RetentionRuleSet(repositories: [try RepositoryGlob("team/app")], keepLast: 3)], untagged: true)
        let read = s.fingerprints(repos, now: now)
        #expect(plan.changes(current: read, repositories: repos).isEmpty)
        var repushed = read
        repushed["team/app"] = read["team/app"]!.map { f in f.tag == "v2" ? TagFingerprint(repository: f.repository, tag: f.tag, digest: f.digest, modified: f.modified! + 1) : f }
        #expect(plan.changes(current: repushed, repositories: repos) == ["team/app:v2 was pushed again"])
        // A tag pushed since onto a manifest the plan removes: that manifest is reached again.
        let doomed = try #require(plan.repositories.first?.manifests.first)
        s.fixture.tag("team/app", "new", doomed)
        let reloaded = try await s.fixture.loadAll()
        #expect(plan.changes(current: read, repositories: reloaded).contains { $0.contains("is reached again") })
    }
}
