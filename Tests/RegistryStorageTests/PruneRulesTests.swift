import Foundation
import Testing
@testable import RegistryStorage

/// The pure parts of `drydock prune`: patterns, durations, orders, rule evaluation, caps, fingerprints, the policy file.
@Suite struct PruneRulesTests {
    let now = Date(timeIntervalSince1970: 2_000_000_000)
    let digest = Digest.sha256(of: Array("image".utf8))

    func candidate(_ tag: String, daysAgo: Double?, created: Double? = nil) -> RetentionCandidate {
        RetentionCandidate(
            tag: tag, digest: digest, pushed: daysAgo.map { now.addingTimeInterval(-$0 * 86_400) },
            created: created.map { now.addingTimeInterval(-$0 * 86_400) })
    }

    @Test func globsMatchOneSegmentWithStarAndAnyDepthWithDoubleStar() throws {
        let one = try RepositoryGlob("team/*")
        #expect(one.matches("team/app") && !one.matches("team/a/b") && !one.matches("team") && !one.matches("other/app"))
        let deep = try RepositoryGlob("team/**")
        #expect(deep.matches("team/app") && deep.matches("team/a/b") && !deep.matches("teams/app"))
        let middle = try RepositoryGlob("*/backend/**/api")
        #expect(middle.matches("team/backend/api") && middle.matches("team/backend/x/y/api") && !middle.matches("a/b/backend/api"))
        #expect(try RepositoryGlob("**").matches("a/b/c"))
        #expect(try RepositoryGlob("library/alpine").matches("library/alpine") && !(try RepositoryGlob("library/alpine").matches("library/alpine2")))
        #expect(throws: RetentionRuleError.self) { try RepositoryGlob("team/***") }
        #expect(throws: RetentionRuleError.self) { try RepositoryGlob("") }
    }

    @Test func durationsTakeDaysWeeksAndGoUnits() throws {
        #expect(try RetentionDuration.seconds("90d") == 90 * 86_400)
        #expect(try RetentionDuration.seconds("2w") == 14 * 86_400)
        #expect(try RetentionDuration.seconds("12h") == 12 * 3600)
        #expect(try RetentionDuration.seconds("1d12h") == 36 * 3600)
        for bad in ["", "d", "9x", "-1h", "1.5d", "90 d"] {
            #expect(throws: RetentionRuleError.invalidDuration(bad)) { try RetentionDuration.seconds(bad) }
        }
    }

    @Test func semanticVersionsOrderAsSemverDoes() {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.0.1", "1.10.0", "2.0.0+build.5"]
        let versions = ordered.map { SemanticVersion($0)! }
        for (a, b) in zip(versions, versions.dropFirst()) { #expect(a < b) }
        for notAVersion in ["latest", "1.2", "1.2.3.4", "v1..2", "1.2.x", "1.2.3-"] { #expect(SemanticVersion(notAVersion) == nil) }
    }

    @Test func ordersRankNewestFirstWithPushTimeAsTieBreak() {
        let tags = [
            candidate("v1.2.0", daysAgo: 1, created: 30), candidate("v1.10.0", daysAgo: 5, created: 10),
            candidate("latest", daysAgo: 0, created: 10), candidate("v1.9.9", daysAgo: 3, created: 1),
        ]
        #expect(TagOrder.pushed.newestFirst(tags).map(\.tag) == ["latest", "v1.2.0", "v1.9.9", "v1.10.0"])
        #expect(TagOrder.created.newestFirst(tags).map(\.tag) == ["v1.9.9", "latest", "v1.10.0", "v1.2.0"])
        #expect(TagOrder.semver.newestFirst(tags).map(\.tag) == ["v1.10.0", "v1.9.9", "v1.2.0", "latest"])
    }

    @Test func anyRetainRuleKeepsAndEveryOtherCandidateGoes() throws {
        let rules = try RetentionRuleSet(
            keepLast: 2, keepWithin: ("7d", 7 * 86_400), keepTags: [try TagPattern("^latest$"), try TagPattern(#"^v?[0-9]+\.[0-9]+\.[0-9]+$"#)])
        let (keep, remove) = rules.evaluate(
            [candidate("a", daysAgo: 1), candidate("b", daysAgo: 2), candidate("c", daysAgo: 3), candidate("d", daysAgo: 30),
             candidate("latest", daysAgo: 100), candidate("v1.2.3", daysAgo: 200), candidate("v1.2.3-rc", daysAgo: 200),
             candidate("unknown", daysAgo: nil)],
            now: now)
        let reasons = Dictionary(uniqueKeysWithValues: keep.map { ($0.0.tag, $0.1) })
        #expect(reasons == [
            "a": "keep-last 2 by pushed; keep-within 7d", "b": "keep-last 2 by pushed; keep-within 7d", "c": "keep-within 7d",
            "latest": "keep-tag ^latest$", "v1.2.3": #"keep-tag ^v?[0-9]+\.[0-9]+\.[0-9]+$"#,
            "unknown": "keep-within 7d (push time unknown)",
        ])
        #expect(remove.map(\.tag) == ["d", "v1.2.3-rc"])
        #expect(throws: RetentionRuleError.noRetainRule) { try RetentionRuleSet(tags: [try TagPattern(".")]) }
        #expect(throws: RetentionRuleError.self) { try TagPattern("(") }
    }

    @Test func signatureTagsAreNeverCandidates() throws {
        let hex = String(repeating: "ab", count: 32)
        let rules = try RetentionRuleSet(tags: [try TagPattern("^sha256")], keepLast: 0)
        for tag in ["sha256-\(hex).sig", "sha256-\(hex).att", "sha256-\(hex).sbom", "sha256-\(hex)"] {
            #expect(SignatureTag.subject(of: tag) == Digest("sha256:\(hex)"))
            #expect(!rules.isCandidate(tag))
        }
        for tag in ["sha256-\(hex).txt", "sha256-abc.sig", "sha256-\(hex.uppercased()).sig"] { #expect(SignatureTag.subject(of: tag) == nil) }
        #expect(rules.isCandidate("sha256-nothex"))
    }

    @Test func capsRefuseEmptiedRepositoriesAndTooManyRemovals() throws {
        let d = digest
        func repo(_ name: String, keep: Int, remove: Int) -> RetentionPlan.Repository {
            var r = RetentionPlan.Repository(name: name, order: .pushed)
            r.keep = (0..<keep).map { .init(tag: "k\($0)", digest: d, pushed: nil, reason: "keep-last") }
            r.remove = (0..<remove).map { .init(tag: "r\($0)", digest: d, pushed: nil, reason: nil) }
            r.candidateCount = keep + remove
            r.tagsLeft = keep
            return r
        }
        let plan = RetentionPlan(repositories: [repo("a", keep: 1, remove: 3), repo("b", keep: 0, remove: 2), repo("c", keep: 0, remove: 0)], fingerprints: [], untagged: false, warnings: [])
        #expect(RetentionCaps().refusals(plan).count == 1, "b is emptied; c had nothing to lose")
        #expect(RetentionCaps(allowEmpty: true).refusals(plan).isEmpty)
        #expect(RetentionCaps(maxDelete: .count(5), allowEmpty: true).refusals(plan).isEmpty)
        #expect(RetentionCaps(maxDelete: .count(4), allowEmpty: true).refusals(plan).count == 1)
        #expect(RetentionCaps(maxDelete: .percent(83.4), allowEmpty: true).refusals(plan).isEmpty, "5 of 6 is 83.3%")
        #expect(RetentionCaps(maxDelete: .percent(80), allowEmpty: true).refusals(plan).count == 1)
        #expect(try RetentionCaps.MaxDelete(parsing: "10%") == .percent(10))
        #expect(try RetentionCaps.MaxDelete(parsing: "7") == .count(7))
        for bad in ["-1", "x", "101%", "%"] { #expect(throws: RetentionRuleError.self) { try RetentionCaps.MaxDelete(parsing: bad) } }
    }

    @Test func fingerprintsNoticeRepushRepointAndRemoval() {
        let other = Digest.sha256(of: Array("other".utf8))
        let read = TagFingerprint(repository: "team/app", tag: "v1", digest: digest, modified: 100)
        #expect(read.change(to: read) == nil)
        #expect(read.change(to: .init(repository: "team/app", tag: "v1", digest: digest, modified: 101)) == "team/app:v1 was pushed again")
        #expect(read.change(to: .init(repository: "team/app", tag: "v1", digest: other, modified: 100)) == "team/app:v1 now points at \(other)")
        #expect(read.change(to: nil) == "team/app:v1 was removed")
        #expect(read.change(to: .init(repository: "team/app", tag: "v1", digest: nil, modified: nil)) == "team/app:v1 was removed")
    }

    @Test func policyFileReadsRuleSetsAndNamesTheLineOfAnError() throws {
        let sets = try RetentionPolicyFile.parse("""
            rules:
              - repositories: ["team/**"]
                tags: ["^v"]
                keep-last: 10
                keep-within: 90d
                keep-tags: ['^latest$']
                order: semver
              - keep-last: 3
            """)
        #expect(sets.count == 2)
        #expect(sets[0].repositories.map(\.pattern) == ["team/**"] && sets[0].keepLast == 10 && sets[0].keepWithin?.seconds == 90 * 86_400)
        #expect(sets[0].order == .semver && sets[0].keepTags.map(\.pattern) == ["^latest$"] && sets[0].tags.map(\.pattern) == ["^v"])
        #expect(sets[1].covers(repository: "anything/at/all"))
        func error(_ yaml: String) -> String {
            do {
                _ = try RetentionPolicyFile.parse(yaml)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(error("rules:\n  - keep-last: 3\n    keep-lats: 4\n").contains("line 3: unknown key \"keep-lats\""))
        #expect(error("rule:\n  - keep-last: 3\n").contains("line 1: unknown key"))
        #expect(error("rules:\n  - tags: [\"^v\"]\n").contains("line 2") && error("rules:\n  - tags: [\"^v\"]\n").contains("must say what it keeps"))
        #expect(error("rules:\n  - keep-last: 3\n    keep-within: soon\n").contains("line 3"))
        #expect(error("rules:\n  - keep-last: 3\n    order: newest\n").contains("line 3"))
        #expect(error("rules:\n  - keep-tags: [\"(\"]\n").contains("line 2"))
        #expect(error("rules: [").contains("not valid YAML"))
    }
}
