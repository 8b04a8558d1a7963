import RegistryStorage

extension Reducer {
    /// Results of background work. Each carries the scan generation it belongs to; older ones are dropped.
    static func handleResult(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .catalogEntry(let entry, let g):
            guard g == s.generation, s.catalogPhase == .loading, s.catalogStreaming else { return [] }
            s.catalog.append(entry)
            return []

        case .catalogLoaded(let listing, let g):
            guard g == s.generation else { return [] }
            return catalogLoaded(&s, listing)

        case .catalogFailed(let why, let g):
            guard g == s.generation else { return [] }
            s.catalogPhase = .failed(why)
            s.catalogStreaming = false
            s.indexing = nil
            s.banners.removeAll { $0.kind == .error }
            s.banners.append(Banner(.error, "✗ Cannot read the repository list: \(why) (r retries)"))
            return []

        case .repositoryLoaded(let repo, let g):
            guard g == s.generation else { return [] }
            // An opened repository was read in full; the index's lighter copy arriving later must not replace it.
            if let known = s.repositories[repo.name], s.loadedGenerations[repo.name] == g, known.detail == .full,
                repo.detail != .full
            {
                s.summaries[repo.name] = RepositorySummary(known)
            } else {
                s.repositories[repo.name] = repo
                s.summaries[repo.name] = RepositorySummary(repo)
                s.loadedGenerations[repo.name] = g
            }
            s.indexing?.loaded.insert(repo.name)
            if s.verification.scheduled.insert(repo.name).inserted {
                if s.stack.contains(where: { $0.id.repository == repo.name }) {
                    s.verification.pending.insert(repo.name, at: 0)
                } else {
                    s.verification.pending.append(repo.name)
                }
            }
            return pumpVerification(&s)

        case .indexBuilt(let index, let g):
            guard g == s.generation else { return [] }
            s.index = index
            s.indexing = nil
            if s.stack.contains(where: { $0.id == .space }) { buildSpaceReport(&s) }
            return []

        case .verificationLoaded(let repo, let results, let g):
            guard g == s.generation else { return [] }
            s.verification.inFlight.remove(repo)
            s.verification.done.insert(repo)
            for r in results {
                let key = VerificationKey(r.repository, r.digest)
                // A deep result knows more than a quick one: keep it.
                if s.verifications[key]?.check(.deepIntegrity) != nil && r.check(.deepIntegrity) == nil { continue }
                s.verifications[key] = r
            }
            return pumpVerification(&s)

        case .deepVerifyProgress(let id, let progress):
            if let i = s.deepTasks.firstIndex(where: { $0.id == id }) { s.deepTasks[i].progress = progress }
            return []

        case .deepVerifyFinished(let id, let results):
            guard let i = s.deepTasks.firstIndex(where: { $0.id == id }) else { return [] }
            let task = s.deepTasks.remove(at: i)
            for r in results { s.verifications[VerificationKey(r.repository, r.digest)] = r }
            let failed = results.filter { Marks.status($0) == .fail }.count
            if results.isEmpty {
                s.message = Banner(.warning, "! Deep verify of \(task.label) gave no results (verification is not available in this build).")
            } else if failed > 0 {
                s.message = Banner(.error, "✗ Deep verify of \(task.label): \(failed) of \(Format.plural(results.count, "manifest")) failed.")
            } else {
                s.message = Banner(.info, "✓ Deep verify of \(task.label): \(Format.plural(results.count, "manifest")) passed.")
            }
            return []

        case .scanFinished(let g, let at):
            guard g == s.generation else { return [] }
            s.lastRead = at
            if s.message == rescanningMessage { s.message = nil }
            // An open space view gets this scan's gc figures.
            let space = s.stack.contains { $0.id == .space } ? planSpace(&s) : []
            return [.watchStore(StoreWatch.paths(s.catalog, s.repositories), generation: g)] + space

        case .storeChanged(let g):
            guard g == s.generation else { return [] }
            guard canRefresh(s) else {
                s.refreshPending = true
                return []
            }
            return refresh(&s)

        case .start, .key, .mouse, .resize, .deletePlanned, .undoPreviewed, .prunePlanned, .gcPlanned, .spacePlanned, .writeFinished,
            .writeProgress:
            return []
        }
    }

    private static func catalogLoaded(_ s: inout AppState, _ listing: Catalog.Listing) -> [Effect] {
        s.catalogPhase = .loaded
        s.catalogStreaming = false
        s.catalog = listing.repositories
        s.storeProblems = listing.problems
        s.banners.removeAll { $0.kind == .error || $0.kind == .warning }
        if let first = listing.problems.first {
            let more = listing.problems.count > 1 ? " (and \(listing.problems.count - 1) more)" : ""
            s.banners.append(Banner(.warning, "! \(first.message)\(more)"))
        }
        let names = Set(listing.repositories.map(\.name))
        s.repositories = s.repositories.filter { names.contains($0.key) }
        s.summaries = s.summaries.filter { names.contains($0.key) }
        guard !listing.repositories.isEmpty else {
            s.index = StoreIndex([])
            s.indexing = nil
            return []
        }
        s.indexing = IndexingProgress(total: listing.repositories.count)
        // A repository opened before the catalog finished gets read first.
        var effects: [Effect] = []
        for screen in s.stack { if let repo = screen.id.repository { effects += requestLoad(&s, repo) } }
        return effects + [.loadAll(listing.repositories, generation: s.generation)]
    }

    /// Starts quick verifications up to the concurrency limit.
    static func pumpVerification(_ s: inout AppState) -> [Effect] {
        var effects: [Effect] = []
        while s.verification.inFlight.count < VerificationQueue.maxInFlight, !s.verification.pending.isEmpty {
            let name = s.verification.pending.removeFirst()
            guard let repo = s.repositories[name] else { continue }
            s.verification.inFlight.insert(name)
            effects.append(.verify(repo, s.index, generation: s.generation))
        }
        return effects
    }
}
