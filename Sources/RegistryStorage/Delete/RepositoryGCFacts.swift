/// What the collector needs of one repository: digests and flags, not manifests (a few hundred bytes per revision).
public struct RepositoryGCFacts: Sendable, Equatable {
    public struct Revision: Sendable, Equatable {
        public var digest: Digest
        public var placement: LinkPlacement
        public var blobPresent: Bool
        /// Present but not parsable, or not readable (a symlink not followed, a FIFO, a folder): what it references
        /// is unknown.
        public var unreadable: Bool { unreadableBecause != nil }
        /// Its blob is stored but cannot be read at all (`BlobState.cannotBeRead`), as opposed to present and
        /// unparsable: unreadable, and not present.
        public var blobCannotBeRead: Bool { unreadable && !blobPresent }
        /// Why it cannot be read (escaped), when it cannot.
        public var unreadableBecause: String?
        public var tagged: Bool
        /// Blobs and manifests it references (config, layers; an index's children).
        public var references: [Digest]
        public var children: [Digest]
        public var subject: Digest?
        public var signatureLinks: [Digest]
    }

    public var name: String
    public var path: StoragePath
    public var hasLayersFolder: Bool
    /// Sorted by digest.
    public var revisions: [Revision]
    public var layerLinks: [Digest]
    /// `_layers` folders whose link the load did not look for (`RepositoryContents.unconfirmedLayerLinks`): the plan
    /// looks for those of the blobs it sweeps.
    public var unconfirmedLayerLinks: [Digest]
    /// Tags whose history (`index/`) lists each digest; nil when the load did not read tag histories (the plan then
    /// lists the histories of the repositories it deletes manifests from).
    public var tagHistory: [Digest: [String]]?
    public var tagNames: [String]
    /// What the tags' `current` links name, sorted and distinct (a target need not be a stored revision: a tag PUT
    /// racing an unlink can leave one naming a manifest whose revision link went).
    public var tagTargets: [Digest]
    /// What the load skipped or could not read (symlinks, unreadable or non-regular links and folders): the
    /// repository's own problems of that kind, not its manifests' (`Revision.unreadable`).
    public var unread: [Problem]

    public init(_ repo: RepositoryContents) {
        name = repo.name
        path = repo.entry.path
        hasLayersFolder = repo.entry.hasLayersFolder
        revisions = repo.revisions.map { r in
            // A missing blob is no manifest to the registry either; anything else that did not parse is unknown.
            let unreadable = r.blob.cannotBeRead || (r.blob.isPresent && r.manifest == nil)
            let because = !unreadable ? nil : r.problems.first { $0.severity == .error }.map(GarbageCollector.describe) ?? "unparsable"
            return Revision(
                digest: r.digest, placement: r.placement, blobPresent: r.blob.isPresent, unreadableBecause: because, tagged: r.isTagged,
                references: r.manifest?.referenceDigests ?? [], children: r.manifest?.children.compactMap(\.digest) ?? [],
                subject: r.manifest?.subject?.digest, signatureLinks: r.signatureLinks)
        }
        layerLinks = repo.layerLinks.map(\.digest)
        // Every rule marks what a tagged manifest references, so only the folders of blobs that untagged manifests
        // alone reference can be swept (most repositories: none), and only those are kept for the plan to look at.
        var taggedReferences = Set<Digest>()
        for r in revisions where r.tagged { taggedReferences.formUnion(r.references) }
        unconfirmedLayerLinks = repo.unconfirmedLayerLinks.filter { !taggedReferences.contains($0) }
        tagNames = repo.tags.map(\.name)
        tagTargets = Set(repo.tags.compactMap(\.current)).sorted()
        unread = (repo.entry.problems + repo.problems + repo.tags.flatMap(\.problems) + repo.layerLinks.flatMap(\.problems))
            .filter(\.leavesContentUnknown)
        if repo.tagHistoryKnown {
            var history: [Digest: [String]] = [:]
            for tag in repo.tags { for d in tag.history { history[d, default: []].append(tag.name) } }
            tagHistory = history
        } else {
            tagHistory = nil
        }
    }

    func revision(_ d: Digest) -> Revision? {
        var lo = 0, hi = revisions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if revisions[mid].digest < d { lo = mid + 1 } else { hi = mid }
        }
        return lo < revisions.count && revisions[lo].digest == d ? revisions[lo] : nil
    }
}
