import Foundation

/// What a prune does, before it does it: per repository in scope the tags kept (and the rules that keep them), the
/// tags removed, and with `--untagged` the manifests nothing reaches afterwards. Built by `RetentionPlan.make`, pure.
/// Its `deleteTargets` go through `StoreDeleter` (one plan, one journal entry).
public struct RetentionPlan: Sendable, Equatable, Codable {
    public struct TagDecision: Sendable, Equatable, Codable {
        public var tag: String
        public var digest: Digest
        public var pushed: Date?
        /// Why it stays (kept tags) or goes (signature tags of removed manifests); nil for a removed candidate.
        public var reason: String?
    }

    public struct Repository: Sendable, Equatable, Codable {
        public var name: String
        public var order: TagOrder
        public var keep: [TagDecision] = []
        public var remove: [TagDecision] = []
        /// Signature tags (`sha256-<hex>.sig`...) of manifests this plan removes: they go with them.
        public var removeSignatureTags: [TagDecision] = []
        /// Manifests removed (`--untagged`): nothing reaches them once the tags are gone.
        public var manifests: [Digest] = []
        /// Candidates before the prune (what `--max-delete P%` is a share of).
        public var candidateCount: Int = 0
        /// Tags other than signature tags left once the plan ran.
        public var tagsLeft: Int = 0
    }

    public var repositories: [Repository]
    /// Every tag link read in the repositories in scope, for `--apply` to check nothing moved since.
    public var fingerprints: [TagFingerprint]
    public var untagged: Bool
    public var warnings: [String]

    public var removedTagCount: Int { repositories.reduce(0) { $0 + $1.remove.count } }
    public var candidateCount: Int { repositories.reduce(0) { $0 + $1.candidateCount } }
    public var removedManifestCount: Int { repositories.reduce(0) { $0 + $1.manifests.count } }
    public var isEmpty: Bool { repositories.allSatisfy { $0.remove.isEmpty && $0.manifests.isEmpty } }

    /// Untags first, then manifests with referrers ahead of their subjects; one repository after another, so the
    /// delete planner untags each repository in one pass.
    public var deleteTargets: [DeleteTarget] {
        repositories.flatMap { r -> [DeleteTarget] in
            (r.remove + r.removeSignatureTags).map { .tag(repository: r.name, tag: $0.tag) }
                + r.manifests.map { .manifest(repository: r.name, digest: $0, includeChildren: false) }
        }
    }

    /// Plans a prune of `repositories` (every repository of the store) under `rules` (a repository takes the first
    /// rule set that covers it; repositories no rule set covers are out of scope). `fingerprints` are the tag links
    /// read for the repositories in scope, by repository name.
    public static func make(
        _ repositories: [RepositoryContents], rules: [RetentionRuleSet], fingerprints: [String: [TagFingerprint]],
        untagged: Bool, now: Date
    ) -> RetentionPlan {
        var plan = RetentionPlan(repositories: [], fingerprints: [], untagged: untagged, warnings: [])
        for repo in repositories {
            guard let rules = rules.first(where: { $0.covers(repository: repo.name) }) else { continue }
            let read = fingerprints[repo.name] ?? []
            plan.fingerprints += read
            plan.repositories.append(plan.planRepository(repo, rules, read, now: now))
        }
        return plan
    }

    private mutating func planRepository(_ repo: RepositoryContents, _ rules: RetentionRuleSet, _ read: [TagFingerprint], now: Date) -> Repository {
        let pushed = Dictionary(read.map { ($0.tag, $0.modified.map { Date(timeIntervalSince1970: $0) }) }, uniquingKeysWith: { a, _ in a })
        var out = Repository(name: repo.name, order: rules.order)
        var candidates: [RetentionCandidate] = []
        for tag in repo.tags where rules.isCandidate(tag.name) {
            // A tag whose link cannot be read is left alone: what it points at is unknown.
            guard let digest = tag.current else { continue }
            candidates.append(RetentionCandidate(tag: tag.name, digest: digest, pushed: pushed[tag.name] ?? nil, created: Self.created(digest, in: repo)))
        }
        out.candidateCount = candidates.count
        let (keep, remove) = rules.evaluate(candidates, now: now)
        out.keep = keep.map { TagDecision(tag: $0.0.tag, digest: $0.0.digest, pushed: $0.0.pushed, reason: $0.1) }
        out.remove = remove.map { TagDecision(tag: $0.tag, digest: $0.digest, pushed: $0.pushed, reason: nil) }
        var removedTags = Set(remove.map(\.tag))
        if untagged { planManifests(repo, &out, &removedTags, pushed) }
        out.tagsLeft = repo.tags.filter { !removedTags.contains($0.name) && !SignatureTag.isSignatureTag($0.name) }.count
        return out
    }

    /// The manifests nothing reaches once `removedTags` are gone, and the signature tags of those manifests, which go
    /// with them (and may leave more unreached, hence the loop). Refused for a repository whose reachability is not
    /// fully known: a tag link that cannot be read, a tags folder or tag that could not be listed (a symlink not
    /// followed, permissions, a name that is not UTF-8: the registry may serve tags there), a reached manifest that
    /// cannot be parsed, or a stored manifest blob that cannot be read at all (a symlink, FIFO, I/O error: it may be a
    /// referrer of a kept one) may keep anything. The same problems block `gc` (`Problem.leavesContentUnknown`).
    private mutating func planManifests(_ repo: RepositoryContents, _ out: inout Repository, _ removedTags: inout Set<String>, _ pushed: [String: Date?]) {
        if repo.tags.contains(where: { $0.current == nil && !$0.problems.isEmpty }) {
            warnings.append("\(SafeText.escaping(repo.name)): a tag link cannot be read, so no manifest is removed there (--untagged)")
            return
        }
        if let unknown = (repo.entry.problems + repo.problems + repo.tags.flatMap(\.problems)).first(where: \.leavesContentUnknown) {
            warnings.append("\(SafeText.escaping(repo.name)): not everything in it could be read (\(unknown.message)), so no manifest is removed there (--untagged)")
            return
        }
        if let unreadable = repo.revisions.first(where: \.blob.cannotBeRead) {
            warnings.append("\(SafeText.escaping(repo.name))@\(unreadable.digest.short) cannot be read, so no manifest is removed there (--untagged): it may be a referrer of a kept manifest")
            return
        }
        while true {
            let reach = ManifestReachability(repo, withoutTags: removedTags)
            if let unparsed = repo.revisions.first(where: { reach.isReachable($0.digest) && $0.manifest == nil }) {
                warnings.append("\(SafeText.escaping(repo.name))@\(unparsed.digest.short) is kept but cannot be parsed, so no manifest is removed there (--untagged)")
                out.manifests = []
                out.removeSignatureTags = []
                return
            }
            let unreached = Set(repo.revisions.lazy.map(\.digest).filter { !reach.isReachable($0) })
            let signatures = repo.tags.filter { t in
                !removedTags.contains(t.name) && SignatureTag.subject(of: t.name).map(unreached.contains) == true
            }
            if signatures.isEmpty {
                // Referrers first: deleting a subject ahead of its referrer would warn about a referrer that goes anyway.
                let subjectOf = Dictionary(repo.revisions.map { ($0.digest, $0.manifest?.subject?.digest) }, uniquingKeysWith: { a, _ in a })
                out.manifests = unreached.sorted { a, b in
                    let (ra, rb) = (subjectOf[a] != nil, subjectOf[b] != nil)
                    return ra != rb ? ra : a < b
                }
                return
            }
            for t in signatures {
                removedTags.insert(t.name)
                if let d = t.current {
                    out.removeSignatureTags.append(TagDecision(tag: t.name, digest: d, pushed: pushed[t.name] ?? nil, reason: "signature of a removed manifest"))
                }
            }
        }
    }

    /// The image's `created`: its config's, or for an index the newest of its children's.
    private static func created(_ d: Digest, in repo: RepositoryContents) -> Date? {
        guard let r = repo.revision(d) else { return nil }
        if let own = r.config?.createdDate { return own }
        return r.manifest?.children.compactMap { c in c.digest.flatMap { repo.revision($0)?.config?.createdDate } }.max()
    }
}
