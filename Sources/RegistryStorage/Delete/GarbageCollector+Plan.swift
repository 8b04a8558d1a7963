/// The plan of a run: mark, sweep candidates, the `_layers` links and tag history entries that go with them, and
/// what blocks a real run.
extension GarbageCollector {
    /// What a run over the whole store would do: the catalog walk, every repository loaded light and reduced to facts
    /// as it arrives (`onLoaded(done, total)`), the mark, then the sweep over `blobs/`. The command line and the
    /// browser both plan through here, so what the walk could not read blocks both.
    public func plan(deleteUntagged: Bool, onLoaded: (Int, Int) -> Void = { _, _ in }) async throws(DeleteError) -> GCPlan {
        // Over S3 one flat listing answers the catalog and every repository's walks (RegistryStore.beginScan).
        await store.beginScan()
        defer { store.endScan() }
        // Blobs listed before marking: on an object store the listing's sizes spare a HEAD per cached manifest, and a
        // blob written after the listing is never swept. The catalog walk marks nothing, so the two listings run side
        // by side (the catalog's was a single-core start); a failed catalog is still the error reported first.
        async let blobsListed = Self.result { () async throws(DeleteError) in try await storedBlobs() }
        let listing: Catalog.Listing
        do {
            listing = try await store.repositories()
        } catch {
            throw .driver(DriverError(error), done: "listing repositories; nothing was changed")
        }
        let stored = try await blobsListed.get()
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
        let stored = if let listed { listed } else { try await storedBlobs() }
        // What registry 2.8.2 would do differently, worked out on the other core while this one marks and filters
        // the blob listing: both only read the facts, and they were the run's single-core tail.
        async let difference = Self.keptOnlyByDrydock(repositories, deleteUntagged: deleteUntagged) { stored[$0] != nil }
        // The mark as 32-byte keys (`MarkSet`).
        let ours = Self.markCompact(repositories, deleteUntagged: deleteUntagged, expectedCount: stored.count)
        var plan = GCPlan(deleteUntagged: deleteUntagged, markedCount: ours.marked.count)
        plan.blobs = await unmarkedBlobs(stored, marked: ours.marked)
        plan.bytes = plan.blobs.reduce(0) { $0 +| ($1.size ?? 0) }
        let kept = await difference
        plan.keptAgainstRegistry = kept.manifests.sorted()
        plan.blobsKeptAgainstRegistry = kept.blobs
        let byName = Dictionary(repositories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        var histories: [String: [Digest: [String]]] = [:]
        for ref in ours.deletions {
            guard let repo = byName[ref.repository], let r = repo.revision(ref.digest) else { continue }
            if histories[repo.name] == nil { histories[repo.name] = try await tagHistory(of: repo) }
            plan.manifests.append(.init(
                repository: ref.repository, repositoryPath: repo.path, digest: ref.digest,
                tagIndexEntries: histories[repo.name]?[ref.digest] ?? [], seedEraLink: r.placement.contains(.layers)))
        }
        let swept = Set(plan.blobs.map(\.digest))
        var unreadLayerLinks: [Problem] = []
        for repo in repositories {
            var links = repo.layerLinks.filter { swept.contains($0) }
            // A marking load left these folders unconfirmed: only now does their link matter.
            for d in repo.unconfirmedLayerLinks where swept.contains(d) {
                switch await LayerLinkLookup(driver: store.driver).look(repo.path, d) {
                case .link: links.append(d)
                case .none: continue
                case .problem(let problem): unreadLayerLinks.append(problem)
                }
            }
            for link in links.sorted() {
                plan.layerLinks.append(.init(repository: repo.name, repositoryPath: repo.path, digest: link))
            }
        }

        plan.blockers = ours.unreadable.map { ref in
            let why = byName[ref.repository]?.revision(ref.digest)?.unreadableBecause.map { " (\($0))" } ?? ""
            return "\(SafeText.escaping(ref.repository))@\(ref.digest) cannot be read\(why), so what it references is unknown (see drydock verify)"
        }
        for (ref, other) in ours.aliased {
            plan.blockers.append(
                "\(SafeText.escaping(ref.repository))@\(ref.digest) references \(other): the registry stores such a blob under "
                    + "the SHA-256 digest its _layers link names, which Drydock does not follow, so the data it needs is unknown")
        }
        var seen = Set<String>()
        for problem in storeProblems.filter(\.leavesContentUnknown) + repositories.flatMap(\.unread) + unreadLayerLinks.filter(\.leavesContentUnknown) {
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

    /// What `body` returns or throws, as a value (for `async let`, whose errors are untyped).
    static func result<T>(_ body: () async throws(DeleteError) -> T) async -> Result<T, DeleteError> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
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
        var history: [Digest: [String]] = [:]
        for tag in repo.tagNames where StoragePath.isSafeComponent(tag) {
            do {
                for d in try await store.tagHistory(repo.path, tag: tag) { history[d, default: []].append(tag) }
            } catch {
                throw .driver(error, done: "listing the history of tag \(SafeText.escaping(tag)); nothing was changed")
            }
        }
        return history
    }
}
