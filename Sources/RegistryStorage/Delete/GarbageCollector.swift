/// Mark and sweep as registry 2.8.2's `garbage-collect` does (spec §7), corrected where the registry is wrong:
/// with `deleteUntagged`, children of a tagged index and OCI referrers of kept manifests are kept (as 3.0 keeps them);
/// manifests linked only under `_layers` (seed era) are marked with their layers, and the seed-era signature blobs of
/// live revisions are marked too (2.8.2 would sweep them all, §7.4); `_layers` links of swept blobs are removed (as
/// 3.0 does). Marking is a set operation over loaded repositories, never a re-walk per tag.
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
        var keep = Set(revisions.filter(\.tagged).map(\.digest))
        guard rules == .drydock else { return keep }
        var byDigest: [Digest: RepositoryGCFacts.Revision] = [:]
        var referrers: [Digest: [Digest]] = [:]
        for r in revisions {
            byDigest[r.digest] = r
            if let s = r.subject { referrers[s, default: []].append(r.digest) }
        }
        var queue = Array(keep)
        while let d = queue.popLast() {
            for next in (byDigest[d]?.children ?? []) + (referrers[d] ?? []) where byDigest[next] != nil && keep.insert(next).inserted {
                queue.append(next)
            }
        }
        return keep
    }

    /// What a run would do: the mark over `repositories` (every repository of the store), then the sweep over the
    /// store's `blobs/`.
    public func plan(repositories: [RepositoryContents], deleteUntagged: Bool) async throws(DeleteError) -> GCPlan {
        try await plan(facts: repositories.map(RepositoryGCFacts.init), deleteUntagged: deleteUntagged)
    }

    /// What the collector needs of every repository: a light load, reduced to facts as each repository arrives.
    public func facts(
        _ entries: [RepositoryEntry], onLoaded: (Int, Int) -> Void = { _, _ in }
    ) async -> [RepositoryGCFacts] {
        await store.loadAll(entries, detail: .marking, reduce: RepositoryGCFacts.init, onLoaded: onLoaded)
    }

    /// The same from compact facts, so a store-wide run need not hold every manifest.
    public func plan(facts repositories: [RepositoryGCFacts], deleteUntagged: Bool) async throws(DeleteError) -> GCPlan {
        let ours = Self.mark(repositories, deleteUntagged: deleteUntagged)
        let registry = Self.mark(repositories, deleteUntagged: deleteUntagged, rules: .registry282)
        let stored = try await storedBlobs()
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
        plan.blockers = ours.unreadable.map {
            "\(SafeText.escaping($0.repository))@\($0.digest) cannot be read, so what it references is unknown (see drydock verify)"
        }
        if !plan.keptAgainstRegistry.isEmpty || !plan.blobsKeptAgainstRegistry.isEmpty {
            plan.notes.append(
                "registry 2.8.2's garbage-collect would also delete \(plan.keptAgainstRegistry.count) manifest(s) and "
                    + "\(plan.blobsKeptAgainstRegistry.count) blob(s) that are still in use (index children, referrers, "
                    + "seed-era manifests and signatures); Drydock keeps them")
        }
        return plan
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

    /// Stored blobs: digest and size (-1 when not known yet; the plan stats only the blobs it sweeps).
    /// On a filesystem the three folder levels `blobs/<alg>/<hh>/` are listed and the blob folders themselves are not
    /// opened (a 180k-blob store is 257 listings, not 180k); a blob folder without `data` is dropped when stat'ed,
    /// as the registry's own walk never sees it. Object stores list the prefix flat, sizes included.
    func storedBlobs() async throws(DeleteError) -> [Digest: Int64] {
        let driver = store.driver
        do {
            if driver.listsRecursivelyCheaply {
                let files = try await driver.withRetries { try await driver.walkFiles(StoreLayout.blobs) }
                var out: [Digest: Int64] = [:]
                for f in files where f.kind == .file {
                    let c = f.path.components
                    guard c.count == 5, c[4] == "data", let d = StoreLayout.digest(algorithm: c[1], hex: c[3]),
                        c[2] == String(d.hex.prefix(2))
                    else { continue }
                    out[d] = f.size
                }
                return out
            }
            var out: [Digest: Int64] = [:]
            for algorithm in try await driver.withRetries({ try await driver.list(StoreLayout.blobs) }) where algorithm.kind == .directory {
                guard StoragePath.isSafeComponent(algorithm.name) else { continue }
                let algDir = StoreLayout.blobs.appending(algorithm.name)
                let prefixes = try await driver.withRetries({ try await driver.list(algDir) })
                    .filter { $0.kind == .directory && StoragePath.isSafeComponent($0.name) }.map(\.name)
                // The 256 prefix folders are independent: list them on every core.
                try await withThrowingTaskGroup(of: [Digest].self) { group in
                    var next = 0
                    func addNext() {
                        guard next < prefixes.count else { return }
                        let prefix = prefixes[next]
                        next += 1
                        group.addTask {
                            let entries: [DirectoryEntry]
                            do {
                                entries = try await driver.withRetries { try await driver.list(algDir.appending(prefix)) }
                            } catch {
                                if DriverError(error).isNotFound { return [] }  // removed while we listed
                                throw error
                            }
                            return entries.compactMap { e in
                                guard e.kind == .directory, let d = StoreLayout.digest(algorithm: algorithm.name, hex: e.name),
                                    prefix == String(d.hex.prefix(2))
                                else { return nil }
                                return d
                            }
                        }
                    }
                    for _ in 0..<store.loadConcurrency { addNext() }
                    while let found = try await group.next() {
                        for d in found { out[d] = -1 }
                        addNext()
                    }
                }
            }
            return out
        } catch {
            let e = DriverError(error)
            if e.isNotFound { return [:] }
            throw .driver(e, done: "listing blobs; nothing was changed")
        }
    }
}

/// What the collector needs of one repository: digests and flags, not manifests (a few hundred bytes per revision).
public struct RepositoryGCFacts: Sendable, Equatable {
    public struct Revision: Sendable, Equatable {
        public var digest: Digest
        public var placement: LinkPlacement
        public var blobPresent: Bool
        /// Present but not parsable, or not readable: what it references is unknown.
        public var unreadable: Bool
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

    public init(_ repo: RepositoryContents) {
        name = repo.name
        path = repo.entry.path
        hasLayersFolder = repo.entry.hasLayersFolder
        revisions = repo.revisions.map { r in
            let unreadable: Bool = switch r.blob {
            case .present: r.manifest == nil
            case .unreadable: true
            case .missing, .notRegular: false
            }
            return Revision(
                digest: r.digest, placement: r.placement, blobPresent: r.blob.isPresent, unreadable: unreadable, tagged: r.isTagged,
                references: r.manifest?.references.compactMap(\.digest) ?? [], children: r.manifest?.children.compactMap(\.digest) ?? [],
                subject: r.manifest?.subject?.digest, signatureLinks: r.signatureLinks)
        }
        layerLinks = repo.layerLinks.map(\.digest)
        tagNames = repo.tags.map(\.name)
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
