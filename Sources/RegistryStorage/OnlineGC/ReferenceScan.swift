/// What the store references now, re-read from scratch (a fresh blob-state cache, every repository listed again):
/// the re-scan after a quarantine, and the re-check before quarantined data is deleted for good.
struct ReferenceScan: Sendable {
    /// Every digest a present revision link references, or that a `_layers` link names (a client that mounted or
    /// re-committed a blob after T0 is about to push a manifest that needs it), plus the revisions themselves and
    /// what tags' `current` links name.
    var referenced: Set<Digest>
    /// Per repository: the manifests linked under `_manifests/revisions`.
    var revisions: [String: Set<Digest>]
    /// Per repository: what its tags' `current` links name, linked or not (a tag PUT that rewrote the revision link
    /// of a candidate before step 3 unlinked it leaves a tag naming a manifest with no revision link).
    var tagged: [String: Set<Digest>] = [:]
    /// Per repository: everything its present revisions reference (config, layers, index children).
    var referencedIn: [String: Set<Digest>]
    /// Catalog or repository parts that could not be read. A scan that did not see everything cannot prove a
    /// candidate unreferenced, so callers keep (restore) rather than delete when this is not empty.
    var unread: [String]

    static func scan(_ driver: any StorageDriver, configuration: RegistryConfiguration?) async throws(DeleteError) -> ReferenceScan {
        // A fresh store: the blob-state cache of an earlier pass would remember blobs as they were then.
        let store = RegistryStore(driver: driver, configuration: configuration)
        let listing: Catalog.Listing
        do {
            listing = try await store.repositories()
        } catch {
            throw .driver(DriverError(error), done: "re-listing repositories")
        }
        let facts = await store.loadAll(listing.repositories, detail: .marking, reduce: RepositoryGCFacts.init)
        var out = ReferenceScan(referenced: [], revisions: [:], referencedIn: [:], unread: [])
        // Every present revision counts, tagged or not: whether it is garbage is the next run's question.
        out.referenced = GarbageCollector.mark(facts, deleteUntagged: false).marked
        for repo in facts {
            out.referenced.formUnion(repo.layerLinks)
            out.revisions[repo.name] = Set(repo.revisions.map(\.digest))
            out.tagged[repo.name] = Set(repo.tagTargets)
            out.referenced.formUnion(repo.tagTargets)
            var inRepo = Set<Digest>()
            for r in repo.revisions { inRepo.formUnion(r.references + r.signatureLinks) }
            out.referencedIn[repo.name] = inRepo
            out.unread += repo.unread.map { GarbageCollector.describe($0) }
            out.unread += repo.revisions.compactMap { r in r.unreadableBecause.map { "\(SafeText.escaping(repo.name))@\(r.digest): \($0)" } }
        }
        out.unread += listing.problems.filter(\.leavesContentUnknown).map(GarbageCollector.describe)
        return out
    }

    /// Whether the manifest `key` must come back: linked again (re-pushed), named by a tag's `current` link (tagged
    /// again: the tag PUT rewrote the revision link before the unlink removed it), or referenced in its repository
    /// (an index or referrer pushed after T0 whose check passed before the link went).
    func needs(_ key: OnlineGCPlan.ManifestKey) -> Bool {
        revisions[key.repository]?.contains(key.digest) == true || tagged[key.repository]?.contains(key.digest) == true
            || referencedIn[key.repository]?.contains(key.digest) == true
    }
}
