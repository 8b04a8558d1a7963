import Foundation
import Testing
@testable import RegistryStorage

/// A saved prune plan is operator input: read with readable errors, tied to the store it was made for, and capped
/// with counts taken from the store rather than from the file.
@Suite struct PrunePlanFileTests {
    let now = Date(timeIntervalSince1970: 2_000_000_000)

    /// `team/app` with v1..v4 and `team/one` with one tag; a plan keeping v4 and only, saved and read back.
    func saved() async throws -> (PrunePlanFile, [RepositoryContents]) {
        let f = StoreFixture()
        for tag in ["v1", "v2", "v3", "v4"] { f.image("team/app", tag: tag, layers: ["layer-\(tag)"]) }
        f.image("team/one", tag: "only", layers: ["one"])
        let repos = try await f.loadAll()
        let prints = Dictionary(uniqueKeysWithValues: repos.map { r in
            (r.name, r.tags.map { TagFingerprint(repository: r.name, tag: $0.name, digest: $0.current, modified: 1_000) })
        })
        let plan = RetentionPlan.make(repos, rules: [try RetentionRuleSet(keepTags: [try TagPattern("^(v4|only)$")])], fingerprints: prints, untagged: false, now: now)
        let file = PrunePlanFile(store: "/srv/registry", created: now, plan: plan)
        return (try PrunePlanFile.decode(try file.encoded()), repos)
    }

    @Test func capsCountTheSavedPlanAgainstTheStoreNotTheFile() async throws {
        let (file, repos) = try await saved()
        #expect(file.plan.removedTagCount == 3 && file.plan.candidateCount == 5)
        #expect(RetentionCaps(maxDelete: .count(2)).refusals(file.plan.recounted(against: repos)).count == 1)
        #expect(RetentionCaps(maxDelete: .count(3)).refusals(file.plan.recounted(against: repos)).isEmpty)

        // A hand-edited file claims a thousand candidates and tags left everywhere: the recount ignores both.
        var edited = file.plan
        for i in edited.repositories.indices {
            edited.repositories[i].candidateCount = 1000
            edited.repositories[i].tagsLeft = 1000
        }
        #expect(RetentionCaps(maxDelete: .percent(50)).refusals(edited).isEmpty, "the file's own figures would pass")
        let recounted = edited.recounted(against: repos)
        #expect(recounted == file.plan.recounted(against: repos))
        #expect(recounted.candidateCount == 5)
        #expect(RetentionCaps(maxDelete: .percent(50)).refusals(recounted) == [
            "the plan removes 3 of 5 tags in scope, more than --max-delete 50% allows (2)"
        ])
        // Removing every tag of team/app: the file says tags are left, the store says none would be.
        edited.repositories[0].remove += edited.repositories[0].keep
        edited.repositories[0].keep = []
        #expect(RetentionCaps().refusals(edited).isEmpty)
        #expect(RetentionCaps().refusals(edited.recounted(against: repos)).first?.contains("no tag (team/app)") == true)
    }

    @Test func aPlanForAnotherStoreIsRefusedAndTheSameStoreMatchesHoweverItIsNamed() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-plan-\(UUID().uuidString)")
        let root = scratch.appendingPathComponent("store").path
        try FileManager.default.createDirectory(atPath: root + "/docker/registry/v2", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.appendingPathComponent("alias").path, withDestinationPath: root)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let file = PrunePlanFile(store: StoreLocation.normalized(root), created: now, plan: RetentionPlan(repositories: [], fingerprints: [], untagged: false, warnings: []))
        for same in [root, root + "/", root + "/docker/registry/v2", scratch.path + "/alias", scratch.path + "/./store/../store"] {
            #expect(file.mismatch(appliedTo: same) == nil, "\(same)")
        }
        #expect(StoreLocation.normalized("store", relativeTo: scratch.path) == StoreLocation.normalized(root))
        let other = scratch.appendingPathComponent("other").path
        #expect(file.mismatch(appliedTo: other) == "the plan was made for \(StoreLocation.normalized(root)), not \(StoreLocation.normalized(other))")
        #expect(file.mismatch(appliedTo: "s3://bucket/root") != nil)

        var s3 = file
        s3.store = "s3://bucket/root"
        #expect(s3.mismatch(appliedTo: "s3://bucket/root/") == nil)
        #expect(s3.mismatch(appliedTo: "s3://bucket/other") == "the plan was made for s3://bucket/root, not s3://bucket/other")
        s3.store = "s3://bucket/\u{1b}]0;x\u{07}"
        #expect(s3.mismatch(appliedTo: "s3://bucket/root")?.contains("\u{1b}") == false, "the file's text is escaped")
    }

    @Test(arguments: [
        ("", "not a drydock prune plan (not valid JSON at byte 0: "),
        ("[1, 2]", "not a drydock prune plan (at the top level: expected "),
        ("{\"format\": \"something/2\"}", "not a drydock prune plan (format \"something/2\", expected \"drydock-prune-plan/1\")"),
        ("{\"format\": 7}", "not a drydock prune plan (at format: expected a string)"),
        ("{\"format\": \"drydock-prune-plan/1\", \"store\": \"/s\", \"created\": \"2024-05-01T10:00:00Z\"}", "at the top level: the field \"plan\" is missing"),
        ("{\"format\": \"drydock-prune-plan/1\", \"store\": \"/s\", \"created\": \"yesterday\", \"plan\": {}}", "at created: "),
    ])
    func aMalformedFileGivesAShortReadableReason(_ text: String, _ expected: String) {
        #expect {
            _ = try PrunePlanFile.decode(Data(text.utf8))
        } throws: { error in
            let message = (error as? PrunePlanFile.ReadError)?.description ?? ""
            return message.hasPrefix(expected) && !message.contains("DecodingError") && !message.contains("Context(") && message.count < 300
        }
    }

    @Test func aBadEntryIsNamedByItsPathAndItsTextEscaped() async throws {
        let (file, _) = try await saved()
        var json = try #require(try JSONSerialization.jsonObject(with: try file.encoded()) as? [String: Any])
        var plan = try #require(json["plan"] as? [String: Any])
        var repos = try #require(plan["repositories"] as? [[String: Any]])
        var keep = try #require(repos[0]["keep"] as? [[String: Any]])
        keep[0]["digest"] = "sha256:\u{1b}[2Jnope"
        repos[0]["keep"] = keep
        plan["repositories"] = repos
        json["plan"] = plan
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect {
            _ = try PrunePlanFile.decode(data)
        } throws: { error in
            let message = (error as? PrunePlanFile.ReadError)?.description ?? ""
            return message.hasPrefix("at plan.repositories[0].keep[0].digest: sha256:\\x1b[2Jnope") && !message.contains("\u{1b}")
        }

        // Text a hand-edited plan shows (reasons, warnings) comes back escaped.
        keep[0]["digest"] = file.plan.repositories[0].keep[0].digest.description
        keep[0]["reason"] = "kept\u{1b}]0;owned\u{07}"
        repos[0]["keep"] = keep
        plan["repositories"] = repos
        plan["warnings"] = ["\u{9b}31m red"]
        json["plan"] = plan
        let read = try PrunePlanFile.decode(try JSONSerialization.data(withJSONObject: json))
        #expect(read.plan.repositories[0].keep[0].reason == "kept\\x1b]0;owned\\x07")
        #expect(read.plan.warnings == ["\\x9b31m red"])
    }
}
