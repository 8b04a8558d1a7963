/// The mark phase: what live manifests reference, under Drydock's rules or registry 2.8.2's (storage-format §7.1).
extension GarbageCollector {
    public struct MarkResult: Sendable, Equatable {
        /// Every blob digest something live references.
        public var marked: Set<Digest>
        /// Untagged manifests to remove (`deleteUntagged` only).
        public var deletions: [DeletePlan.ManifestRef]
        /// Kept manifests whose content cannot be read: what they reference is unknown (the registry aborts on them).
        public var unreadable: [DeletePlan.ManifestRef]
    }

    /// The mark phase over loaded repositories.
    public static func mark(_ repos: [RepositoryContents], deleteUntagged: Bool, rules: Rules = .drydock) -> MarkResult {
        mark(repos.map(RepositoryGCFacts.init), deleteUntagged: deleteUntagged, rules: rules)
    }

    /// The mark phase over the compact facts (what a store-wide run keeps in memory instead of whole repositories).
    public static func mark(_ repos: [RepositoryGCFacts], deleteUntagged: Bool, rules: Rules = .drydock) -> MarkResult {
        let compact = markCompact(repos, deleteUntagged: deleteUntagged, rules: rules)
        return MarkResult(marked: compact.marked.digests, deletions: compact.deletions, unreadable: compact.unreadable)
    }

    /// `MarkResult` with the mark as a `MarkSet`, for the store-wide plan.
    struct CompactMark {
        var marked: MarkSet
        var deletions: [DeletePlan.ManifestRef]
        var unreadable: [DeletePlan.ManifestRef]
        /// Kept manifests that reference a blob by a digest other than SHA-256, with that digest. Registry 2.8.2
        /// stores such a blob once under its SHA-256 digest and links the other name to it
        /// (`_layers/sha512/<hex>/link` holding `sha256:…`, `blobwriter.go` Commit → `linkBlob`); what data the
        /// reference keeps alive is only in that link, which the mark does not follow, so it blocks.
        var aliased: [(manifest: DeletePlan.ManifestRef, reference: Digest)] = []
    }

    /// `expectedCount`: about how many distinct digests the mark will hold (the plan passes the stored blobs' count),
    /// so the set is sized once instead of rehashed as it grows.
    static func markCompact(
        _ repos: [RepositoryGCFacts], deleteUntagged: Bool, rules: Rules = .drydock, expectedCount: Int = 0
    ) -> CompactMark {
        var result = CompactMark(marked: MarkSet(minimumCapacity: expectedCount), deletions: [], unreadable: [])
        for repo in repos {
            let (revisions, keep) = considered(repo, deleteUntagged: deleteUntagged, rules: rules)
            for r in revisions {
                guard keep.contains(r.digest) else {
                    if r.blobPresent {
                        result.deletions.append(.init(repository: repo.name, digest: r.digest))
                    } else if r.blobCannotBeRead && rules == .drydock {
                        // A manifest blob that cannot be read at all (a symlink, FIFO, I/O error) may be a referrer
                        // of a kept manifest: whether it is lies in its content, so it blocks like a kept one.
                        result.unreadable.append(.init(repository: repo.name, digest: r.digest))
                    }
                    continue
                }
                result.marked.insert(r.digest)
                result.marked.formUnion(r.references)
                if rules == .drydock { result.marked.formUnion(r.signatureLinks) }
                if r.unreadable { result.unreadable.append(.init(repository: repo.name, digest: r.digest)) }
                if rules == .drydock, let other = r.references.first(where: { $0.algorithm != .sha256 }) {
                    result.aliased.append((.init(repository: repo.name, digest: r.digest), other))
                }
            }
        }
        return result
    }

    /// What Drydock's rules keep and registry 2.8.2's would not: the manifests 2.8.2 would delete that Drydock keeps,
    /// and the stored blobs (`isStored`) Drydock marks and 2.8.2 does not. Such a blob is referenced (or is the blob,
    /// or a signature link, which 2.8.2 never marks) by a revision Drydock alone keeps, so those few digests are the
    /// candidates, and 2.8.2's mark only strikes candidates out: neither a second store-wide mark set nor a lookup per
    /// stored blob. (2.8.2 keeps a subset of what Drydock keeps: its revisions are a subset of the repository's, and
    /// it keeps only the tagged ones where Drydock keeps what they reach.)
    static func keptOnlyByDrydock(
        _ repos: [RepositoryGCFacts], deleteUntagged: Bool, isStored: (Digest) -> Bool
    ) -> (manifests: [DeletePlan.ManifestRef], blobs: [Digest]) {
        var manifests: [DeletePlan.ManifestRef] = []
        var candidates = Set<Digest>()
        for repo in repos {
            let registry = considered(repo, deleteUntagged: deleteUntagged, rules: .registry282)
            let registryConsiders = Set(registry.revisions.map(\.digest))
            let oursKeep = considered(repo, deleteUntagged: deleteUntagged, rules: .drydock).keep
            for r in repo.revisions where oursKeep.contains(r.digest) {
                for d in r.signatureLinks where isStored(d) { candidates.insert(d) }
                guard !registry.keep.contains(r.digest) else { continue }
                for d in [r.digest] + r.references where isStored(d) { candidates.insert(d) }
                // 2.8.2 deletes what it considered and did not keep (every such revision's blob is present).
                if registryConsiders.contains(r.digest) { manifests.append(.init(repository: repo.name, digest: r.digest)) }
            }
        }
        // 2.8.2's choice is made again per repository rather than held for every one (the plan's peak is now).
        if !candidates.isEmpty {
            for repo in repos {
                let registry = considered(repo, deleteUntagged: deleteUntagged, rules: .registry282)
                for r in registry.revisions where registry.keep.contains(r.digest) {
                    candidates.remove(r.digest)
                    for d in r.references { candidates.remove(d) }
                }
            }
        }
        return (manifests, candidates.sorted())
    }

    /// The revisions of `repo` a mark under `rules` walks, and those it keeps. 2.8.2 walks only its catalog
    /// (repositories with `_layers`) and only `revisions/` links whose blob exists.
    private static func considered(
        _ repo: RepositoryGCFacts, deleteUntagged: Bool, rules: Rules
    ) -> (revisions: [RepositoryGCFacts.Revision], keep: Set<Digest>) {
        let revisions = rules == .drydock ? repo.revisions
            : !repo.hasLayersFolder ? [] : repo.revisions.filter { $0.placement.contains(.revisions) && $0.blobPresent }
        return (revisions, deleteUntagged ? keptRevisions(revisions, rules: rules) : Set(revisions.map(\.digest)))
    }

    /// Tagged revisions and (Drydock) everything they keep alive: index children and OCI referrers, transitively.
    private static func keptRevisions(_ revisions: [RepositoryGCFacts.Revision], rules: Rules) -> Set<Digest> {
        guard rules == .drydock else { return Set(revisions.filter(\.tagged).map(\.digest)) }
        // What the listings call reachable is exactly what is kept: one definition (`ManifestReachability`).
        let reach = ManifestReachability(
            tags: revisions.filter(\.tagged).map { ("", $0.digest) },
            manifests: revisions.map { r in (r.digest, r.children.map { ($0, nil) }, r.subject) })
        return Set(revisions.lazy.map(\.digest).filter(reach.isReachable))
    }
}
