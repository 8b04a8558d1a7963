/// Mark and sweep as registry 2.8.2's `garbage-collect` does (storage-format §7), corrected where it is wrong:
/// with `deleteUntagged`, children of a tagged index and OCI referrers of kept manifests are kept (as 3.0 keeps them);
/// manifests linked only under `_layers` (seed era) are marked with their layers, and the seed-era signature blobs of
/// live revisions are marked too (2.8.2 would sweep them all, storage-format §7.4); `_layers` links of swept blobs
/// are removed (as 3.0 does). Marking is a set operation over loaded repositories, never a re-walk per tag.
///
/// Like the registry's collector, it does not consult `storage.delete.enabled`; a real run needs only
/// `DeletePolicy.allowsWrite` and the caller's word that the registry is stopped or read-only.
public struct GarbageCollector: Sendable {
    public enum Rules: Sendable {
        /// Drydock's collector (the corrections above).
        case drydock
        /// What registry 2.8.2 itself marks, to show where it would differ.
        case registry282
    }

    public struct MarkResult: Sendable, Equatable {
        /// Every blob digest something live references.
        public var marked: Set<Digest>
        /// Untagged manifests to remove (`deleteUntagged` only).
        public var deletions: [DeletePlan.ManifestRef]
        /// Kept manifests whose content cannot be read: what they reference is unknown (the registry aborts on them).
        public var unreadable: [DeletePlan.ManifestRef]
    }

    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// The mark phase over loaded repositories.
    public static func mark(_ repos: [RepositoryContents], deleteUntagged: Bool, rules: Rules = .drydock) -> MarkResult {
        mark(repos.map(RepositoryGCFacts.init), deleteUntagged: deleteUntagged, rules: rules)
    }

    /// The mark phase over the compact facts (what a store-wide run keeps in memory instead of whole repositories).
    public static func mark(_ repos: [RepositoryGCFacts], deleteUntagged: Bool, rules: Rules = .drydock) -> MarkResult {
        var result = MarkResult(marked: [], deletions: [], unreadable: [])
        for repo in repos {
            // 2.8.2 walks only its catalog (repositories with `_layers`) and only `revisions/` links whose blob exists.
            if rules == .registry282 && !repo.hasLayersFolder { continue }
            let revisions = rules == .registry282
                ? repo.revisions.filter { $0.placement.contains(.revisions) && $0.blobPresent }
                : repo.revisions
            let keep = deleteUntagged ? keptRevisions(revisions, rules: rules) : Set(revisions.map(\.digest))
            for r in revisions {
                guard keep.contains(r.digest) else {
                    if r.blobPresent { result.deletions.append(.init(repository: repo.name, digest: r.digest)) }
                    continue
                }
                result.marked.insert(r.digest)
                result.marked.formUnion(r.references)
                if rules == .drydock { result.marked.formUnion(r.signatureLinks) }
                if r.unreadable { result.unreadable.append(.init(repository: repo.name, digest: r.digest)) }
            }
        }
        return result
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

    /// What a run over the whole store would do: the catalog walk, every repository loaded light and reduced to facts
    /// as it arrives (`onLoaded(done, total)`), the mark, then the sweep over `blobs/`. The command line and the
    /// browser both plan through here, so what the walk could not read blocks both.
    public func plan(deleteUntagged: Bool, onLoaded: (Int, Int) -> Void = { _, _ in }) async throws(DeleteError) -> GCPlan {
        await store.beginScan()
        defer { store.endScan() }
        let listing: Catalog.Listing
        do {
            listing = try await store.repositories()
        } catch {
            throw .driver(DriverError(error), done: "listing repositories; nothing was changed")
        }
        // Blobs listed before marking: on an object store the listing's sizes spare a HEAD per cached manifest, and a
        // blob written after the listing is never swept.
        let stored = try await storedBlobs()
        let facts = await store.loadAll(listing.repositories, detail: .marking, reduce: RepositoryGCFacts.init, onLoaded: onLoaded)
        return try await plan(facts: facts, storeProblems: listing.problems, deleteUntagged: deleteUntagged, stored: stored)
    }

    /// The same over repositories the caller loaded; `storeProblems` are the catalog walk's.
    public func plan(
        repositories: [RepositoryContents], storeProblems: [Problem] = [], deleteUntagged: Bool
    ) async throws(DeleteError) -> GCPlan {
        try await plan(facts: repositories.map(RepositoryGCFacts.init), storeProblems: storeProblems, deleteUntagged: deleteUntagged)
    }

    /// The same from compact facts, so a store-wide run need not hold every manifest. `storeProblems` (the catalog
    /// walk's) and each repository's `unread` block a run when they say something was not read: the sweep would
    /// delete every blob only that part references.
    public func plan(
        facts repositories: [RepositoryGCFacts], storeProblems: [Problem], deleteUntagged: Bool, stored listed: [Digest: Int64]? = nil
    ) async throws(DeleteError) -> GCPlan {
        let ours = Self.mark(repositories, deleteUntagged: deleteUntagged)
        let registry = Self.mark(repositories, deleteUntagged: deleteUntagged, rules: .registry282)
        let stored = if let listed { listed } else { try await storedBlobs() }
        var plan = GCPlan(deleteUntagged: deleteUntagged, markedCount: ours.marked.count)
        let byName = Dictionary(repositories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        var histories: [String: [Digest: [String]]] = [:]
        for ref in ours.deletions {
            guard let repo = byName[ref.repository], let r = repo.revision(ref.digest) else { continue }
            if histories[repo.name] == nil { histories[repo.name] = try await tagHistory(of: repo) }
            plan.manifests.append(.init(
                repository: ref.repository, repositoryPath: repo.path, digest: ref.digest,
                tagIndexEntries: histories[repo.name]?[ref.digest] ?? [], seedEraLink: r.placement.contains(.layers)))
        }
        for (d, size) in stored.sorted(by: { $0.key < $1.key }) where !ours.marked.contains(d) {
            if size >= 0 {
                plan.blobs.append(.init(digest: d, size: size))
                continue
            }
            switch await store.blobCache.state(of: d) {
            case .present(let bytes): plan.blobs.append(.init(digest: d, size: bytes))
            case .missing: continue  // a blob folder without data: not a blob to the registry either
            case .notRegular, .unreadable: plan.blobs.append(.init(digest: d, size: nil))
            }
        }
        plan.bytes = plan.blobs.reduce(0) { $0 + ($1.size ?? 0) }
        let swept = Set(plan.blobs.map(\.digest))
        for repo in repositories {
            for link in repo.layerLinks where swept.contains(link) {
                plan.layerLinks.append(.init(repository: repo.name, repositoryPath: repo.path, digest: link))
            }
        }

        let oursDeleted = Set(ours.deletions)
        plan.keptAgainstRegistry = registry.deletions.filter { !oursDeleted.contains($0) }.sorted()
        plan.blobsKeptAgainstRegistry = stored.keys.filter { ours.marked.contains($0) && !registry.marked.contains($0) }.sorted()
        plan.blockers = ours.unreadable.map { ref in
            let why = byName[ref.repository]?.revision(ref.digest)?.unreadableBecause.map { " (\($0))" } ?? ""
            return "\(SafeText.escaping(ref.repository))@\(ref.digest) cannot be read\(why), so what it references is unknown (see drydock verify)"
        }
        var seen = Set<String>()
        for problem in storeProblems.filter(\.leavesContentUnknown) + repositories.flatMap(\.unread) {
            let text = "not read: \(Self.describe(problem)); the blobs only it references would be swept"
            if seen.insert(text).inserted { plan.blockers.append(text) }
        }
        if !plan.keptAgainstRegistry.isEmpty || !plan.blobsKeptAgainstRegistry.isEmpty {
            plan.notes.append(
                "registry 2.8.2's garbage-collect would also delete \(plan.keptAgainstRegistry.count) manifest(s) and "
                    + "\(plan.blobsKeptAgainstRegistry.count) blob(s) that are still in use (index children, referrers, "
                    + "seed-era manifests and signatures); Drydock keeps them")
        }
        return plan
    }

    private func storedBlobs() async throws(DeleteError) -> [Digest: Int64] {
        do {
            return try await store.storedBlobs()
        } catch {
            throw .driver(error, done: "listing blobs; nothing was changed")
        }
    }

    /// `path: message` (both escaped), for a blocker line; driver failures name their path already.
    static func describe(_ problem: Problem) -> String {
        guard let path = problem.path.map({ SafeText.escaping($0.description) }), !problem.message.contains(path) else {
            return problem.message
        }
        return "\(path): \(problem.message)"
    }

    /// Which tags' histories list each digest: from the load when it read them, else listed now (`tags/<t>/index/`).
    func tagHistory(of repo: RepositoryGCFacts) async throws(DeleteError) -> [Digest: [String]] {
        if let known = repo.tagHistory { return known }
        let driver = store.driver
        var history: [Digest: [String]] = [:]
        for tag in repo.tagNames where StoragePath.isSafeComponent(tag) {
            let indexDir = StoreLayout.tagsDirectory(repo.path).appending([tag, "index"])
            do {
                let algorithms = try await driver.withRetries { try await driver.list(indexDir) }
                for alg in algorithms where alg.kind == .directory && StoragePath.isSafeComponent(alg.name) {
                    for e in try await driver.withRetries({ try await driver.list(indexDir.appending(alg.name)) }) {
                        if let d = StoreLayout.digest(algorithm: alg.name, hex: e.name) { history[d, default: []].append(tag) }
                    }
                }
            } catch {
                let e = DriverError(error)
                if e.isNotFound { continue }
                throw .driver(e, done: "listing the history of tag \(SafeText.escaping(tag)); nothing was changed")
            }
        }
        return history
    }
}

/// What the collector needs of one repository: digests and flags, not manifests (a few hundred bytes per revision).
public struct RepositoryGCFacts: Sendable, Equatable {
    public struct Revision: Sendable, Equatable {
        public var digest: Digest
        public var placement: LinkPlacement
        public var blobPresent: Bool
        /// Present but not parsable, or not readable (a symlink not followed, a FIFO, a folder): what it references
        /// is unknown.
        public var unreadable: Bool { unreadableBecause != nil }
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
    /// Tags whose history (`index/`) lists each digest; nil when the load did not read tag histories (the plan then
    /// lists the histories of the repositories it deletes manifests from).
    public var tagHistory: [Digest: [String]]?
    public var tagNames: [String]
    /// What the load skipped or could not read (symlinks, unreadable or non-regular links and folders): the
    /// repository's own problems of that kind, not its manifests' (`Revision.unreadable`).
    public var unread: [Problem]

    public init(_ repo: RepositoryContents) {
        name = repo.name
        path = repo.entry.path
        hasLayersFolder = repo.entry.hasLayersFolder
        revisions = repo.revisions.map { r in
            // A missing blob is no manifest to the registry either; anything else that did not parse is unknown.
            let unreadable: Bool = switch r.blob {
            case .present: r.manifest == nil
            case .unreadable, .notRegular: true
            case .missing: false
            }
            let because = !unreadable ? nil : r.problems.first { $0.severity == .error }.map(GarbageCollector.describe) ?? "unparsable"
            return Revision(
                digest: r.digest, placement: r.placement, blobPresent: r.blob.isPresent, unreadableBecause: because, tagged: r.isTagged,
                references: r.manifest?.references.compactMap(\.digest) ?? [], children: r.manifest?.children.compactMap(\.digest) ?? [],
                subject: r.manifest?.subject?.digest, signatureLinks: r.signatureLinks)
        }
        layerLinks = repo.layerLinks.map(\.digest)
        tagNames = repo.tags.map(\.name)
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

/// What a garbage collection would remove (`GarbageCollector.plan`), for `--dry-run`, `--json` and the UI.
public struct GCPlan: Sendable, Equatable {
    public struct ManifestDeletion: Sendable, Equatable {
        public internal(set) var repository: String
        public internal(set) var repositoryPath: StoragePath
        public internal(set) var digest: Digest
        /// Tags whose history (`index/`) lists the manifest: those entries go too.
        public internal(set) var tagIndexEntries: [String]
        /// Also linked under `_layers` (seed era): that link goes too.
        public internal(set) var seedEraLink: Bool
    }

    public struct Blob: Sendable, Equatable {
        public internal(set) var digest: Digest
        public internal(set) var size: Int64?
    }

    public struct LayerLinkDeletion: Sendable, Equatable {
        public internal(set) var repository: String
        public internal(set) var repositoryPath: StoragePath
        public internal(set) var digest: Digest
    }

    public internal(set) var deleteUntagged: Bool
    public internal(set) var markedCount: Int
    public internal(set) var manifests: [ManifestDeletion] = []
    public internal(set) var blobs: [Blob] = []
    /// `_layers` links of swept blobs (registry 3.0 removes them too).
    public internal(set) var layerLinks: [LayerLinkDeletion] = []
    public internal(set) var bytes: Int64 = 0
    /// Manifests registry 2.8.2's own collector would delete that Drydock keeps.
    public internal(set) var keptAgainstRegistry: [DeletePlan.ManifestRef] = []
    /// Blobs registry 2.8.2's own collector would sweep that Drydock keeps.
    public internal(set) var blobsKeptAgainstRegistry: [Digest] = []
    /// Reasons a real run is refused.
    public internal(set) var blockers: [String] = []
    public internal(set) var notes: [String] = []

    init(deleteUntagged: Bool, markedCount: Int) {
        self.deleteUntagged = deleteUntagged
        self.markedCount = markedCount
    }

    public var isEmpty: Bool { manifests.isEmpty && blobs.isEmpty && layerLinks.isEmpty }
}
