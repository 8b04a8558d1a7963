import Foundation

/// Garbage collection while the registry serves pushes (issue 14; the protocol and the interleavings it covers are
/// in the README, "Online garbage collection").
///
/// 1. Mark at T0 (`GarbageCollector.plan`); candidates are unmarked blobs and (with `deleteUntagged`) unreachable
///    manifests, less what the grace window protects (`OnlineGCPlan.make`).
/// 2. Journal the run before any change.
/// 3. Remove the candidates' `_layers` links (HEAD and cross-repository mount then answer 404, clients upload again)
///    and unlink the untagged manifests as `collect` does.
/// 4. Purge the registry's redis cache for the candidates, in every repository (right after the unlink: until then
///    HEAD answers from the cache).
/// 5. Move candidate data into `drydock/quarantine/<journal-id>/` (a rename; CopyObject + DeleteObject on S3).
/// 6. Settle (longer than a registry request), purge again, re-scan everything, restore whatever is referenced now.
/// 7. Quarantines of earlier runs (and this one's) are re-checked the same way: referenced data goes back, data
///    older than the quarantine period is deleted for good.
public struct OnlineCollector: Sendable {
    public let store: RegistryStore
    public let policy: DeletePolicy
    public let cache: RegistryCacheState
    public let options: OnlineGCOptions
    let now: @Sendable () -> Date
    /// The settle pause; tests replace it to play a registry request that lands inside the window.
    let wait: @Sendable (Duration) async -> Void
    /// Asked before each move into the quarantine and between re-checks: true (the CLI's SIGINT or SIGTERM) stops the
    /// run at the next safe point. Moving stops, the blobs not moved get their links back, the settle and re-scan
    /// still run (they restore what a push needs), and the re-check of quarantines is left to the next run.
    public var stopRequested: @Sendable () -> Bool = { false }

    public init(store: RegistryStore, policy: DeletePolicy, cache: RegistryCacheState, options: OnlineGCOptions) {
        self.init(store: store, policy: policy, cache: cache, options: options, now: { Date() }, wait: { try? await Task.sleep(for: $0) })
    }

    init(
        store: RegistryStore, policy: DeletePolicy, cache: RegistryCacheState, options: OnlineGCOptions,
        now: @escaping @Sendable () -> Date, wait: @escaping @Sendable (Duration) async -> Void
    ) {
        self.store = store
        self.policy = policy
        self.cache = cache
        self.options = options
        self.now = now
        self.wait = wait
    }

    /// The mark at T0 and the candidates. Refused up front when the cache makes an online run unsafe.
    public func plan(onLoaded: (Int, Int) -> Void = { _, _ in }) async throws(DeleteError) -> OnlineGCPlan {
        if let refusal = cache.refusal { throw .refused(refusal) }
        var started = now()
        var facts: [RepositoryGCFacts] = []
        var gc: GCPlan
        var attempt = 1
        while true {
            started = now()
            let listing: Catalog.Listing
            do {
                listing = try await store.repositories()
            } catch {
                throw .driver(DriverError(error), done: "listing repositories; nothing was changed")
            }
            facts = await store.loadAll(listing.repositories, detail: .marking, reduce: RepositoryGCFacts.init, onLoaded: onLoaded)
            gc = try await GarbageCollector(store: store).plan(facts: facts, storeProblems: listing.problems, deleteUntagged: options.deleteUntagged)
            // The registry serving pushes writes a link by truncating the file and then writing it (the filesystem
            // driver's PutContent), so a mark can read an empty link for an instant; the soak met one. Mark again
            // (T0 moves with it) instead of refusing the run; a blocker still there on the third mark is reported.
            if gc.blockers.isEmpty || attempt == 3 { break }
            attempt += 1
            await wait(.seconds(1))
        }
        let driver = store.driver
        return await OnlineGCPlan.make(from: gc, facts: facts, started: started, grace: options.grace) { path in
            guard let info = try? await driver.withRetries({ try await driver.stat(path) }), let modified = info.modified else { return nil }
            return started.timeIntervalSince1970 - modified
        }
    }

    /// Runs the protocol over `plan`, then re-checks every quarantine. Throws before any change when refused.
    /// Earlier runs that stopped part way (their heartbeat gone) are finished first; the store is then marked again,
    /// since the links they had removed are back and `plan` predates that.
    public func run(
        _ plan: OnlineGCPlan, progress: @escaping @Sendable (OnlineGCProgress) -> Void = { _ in }
    ) async throws(DeleteError) -> OnlineGCResult {
        try policy.checkWrite()
        try store.requireVerifiedReads()
        if let refusal = cache.refusal { throw .refused(refusal) }
        guard plan.gc.blockers.isEmpty else { throw .blocked(plan.gc.blockers) }
        func say(_ m: String) { progress(OnlineGCProgress(message: m)) }
        let created = now()
        let id = JournalEntry.makeID(created)
        guard let heartbeat = OnlineRunHeartbeat(journalID: id, driver: store.driver, now: now) else {
            throw .invalidTarget("journal id \(id) names no heartbeat path")
        }
        let beating = try await heartbeat.start()
        var result = OnlineGCResult()
        do {
            try await run(plan, id: id, created: created, into: &result, say: say)
        } catch {
            await heartbeat.stop(beating)
            throw error
        }
        await heartbeat.stop(beating)
        return result
    }

    private func run(
        _ given: OnlineGCPlan, id: String, created: Date, into result: inout OnlineGCResult, say: (String) -> Void
    ) async throws(DeleteError) {
        var plan = given
        let finished = try await finishInterruptedRuns(into: &result, say: say)
        if !finished.isEmpty {
            say("finished \(finished.count) earlier run(s) that stopped part way; marking again (the links they removed from data never moved are back)")
            plan = try await self.plan()
            guard plan.gc.blockers.isEmpty else { throw .blocked(plan.gc.blockers) }
        }
        result.youngBlobs = plan.youngBlobs
        result.youngManifests = plan.youngManifests
        say("marked \(plan.gc.markedCount) blob(s) in use; candidates: \(plan.gc.blobs.count) blob(s), \(plan.gc.manifests.count) untagged manifest(s); within the grace: \(plan.youngBlobs) blob(s), \(plan.youngManifests) manifest(s)")
        var scan: ReferenceScan?
        if !plan.isEmpty {
            scan = try await collect(plan, id: id, created: created, into: &result, say: say)
        }
        if result.interrupted || stopRequested() {
            result.interrupted = true
            say("stopped on request: the quarantines are re-checked by the next run")
            return
        }
        try await recheckQuarantines(scan: scan, finished: Set(finished), into: &result, say: say)
    }

    // MARK: steps 2-6

    private func collect(
        _ plan: OnlineGCPlan, id: String, created: Date, into result: inout OnlineGCResult, say: (String) -> Void
    ) async throws(DeleteError) -> ReferenceScan {
        let driver = store.driver
        var linkPaths: [StoragePath] = []
        for m in plan.gc.manifests {
            for tag in m.tagIndexEntries where StoragePath.isSafeComponent(tag) {
                linkPaths.append(StoreLayout.tagIndexDirectory(m.repositoryPath, tag, m.digest))
            }
            linkPaths.append(StoreLayout.revisionDirectory(m.repositoryPath, m.digest))
            if m.seedEraLink { linkPaths.append(StoreLayout.layerLink(m.repositoryPath, m.digest)) }
        }
        let unlinked = Set(linkPaths)
        let layerPaths = plan.gc.layerLinks.map { StoreLayout.layerLink($0.repositoryPath, $0.digest) }.filter { !unlinked.contains($0) }
        for p in linkPaths + layerPaths where !(p.hasPrefix(StoreLayout.repositories) && p.components.count > 1) {
            throw .invalidTarget("refusing to remove \(p): not inside a repository")
        }

        // 2. The journal first: an interrupted run is undone (or finished by the next run's re-check) from it.
        let captured = try await RemovalCapture.capture(linkPaths + layerPaths, driver: driver)
        var entry = JournalEntry(
            id: id, created: created, operation: .onlineCollection,
            targets: ["online garbage collection (grace \(Int(options.grace))s\(options.deleteUntagged ? ", delete untagged" : ""))"],
            links: captured.links, blobs: [], unrestorable: captured.unrestorable, removed: (linkPaths + layerPaths).map(\.description))
        entry.quarantine = plan.gc.blobs.map { QuarantinedBlob(digest: $0.digest, size: $0.size) }
        let journal = Journal(driver: driver)
        try await journal.write(entry)
        result.journalID = entry.id

        // 3. Unlink: from here HEAD, mount and manifest checks in these repositories answer "unknown".
        say("unlinking \(plan.gc.manifests.count) manifest(s) and \(layerPaths.count) layer link(s)")
        try await RemovalCapture.remove(linkPaths + layerPaths, driver: driver, journalID: entry.id)
        result.manifestsUnlinked = plan.gc.manifests.count
        result.layerLinksRemoved = layerPaths.count

        // 5, brought forward: the registry's cache must forget the candidates at once, or HEAD keeps answering 200
        // from it (and clients keep skipping uploads) until the purge. Right after the unlink, the only way back into
        // the cache is a new link (mount, upload commit), which the re-scan sees.
        let purgeDigests = plan.gc.blobs.map(\.digest) + plan.gc.manifests.map(\.digest)
        result.cacheKeysPurged += try await purgeCache(purgeDigests, repositories: plan.repositories)
        if case .redis = cache { say("purged \(result.cacheKeysPurged) key(s) of the registry's cache") }

        // 4. Quarantine the data.
        say("quarantining \(plan.gc.blobs.count) blob(s)")
        let restorer = QuarantineRestorer(driver: driver)
        var quarantine = entry.quarantine ?? []
        let rate = ProgressRate()
        for i in quarantine.indices {
            if stopRequested() {
                // The rest stay in blobs/ and get their links back: exactly as before the run.
                let left = try await keepInPlace(&quarantine, from: i, entry: entry, note: "not moved: the run was stopped on request; its links are back")
                result.interrupted = true
                say("stopping on request: quarantined \(i) of \(quarantine.count) blob(s); \(left) left in place with their links; settling and re-scanning before exit")
                break
            }
            // One move per blob (a rename on disk, a copy and a delete on S3): a count every thousand, and the last.
            defer { if (i + 1) % 1000 == 0 || i + 1 == quarantine.count { say(rate.text("quarantined", done: i + 1, total: quarantine.count, unit: "blobs")) } }
            guard let d = quarantine[i].parsedDigest, let to = Quarantine.data(entry.id, d) else { continue }
            do {
                try await driver.withRetries { try await driver.move(StoreLayout.blobData(d), to: to) }
                quarantine[i].state = .quarantined
                result.quarantined.append(d)
                result.quarantinedBytes +|= quarantine[i].size ?? 0
            } catch {
                let e = DriverError(error)
                switch e {
                case .notFound:
                    quarantine[i].state = .skipped
                    quarantine[i].note = "gone already"
                case .unsupported(_, let why):
                    // The data stays in blobs/: its links come back, so the blob is exactly as before.
                    quarantine[i].state = .skipped
                    quarantine[i].note = why
                    result.skipped.append("\(d): \(why)")
                    _ = try await restorer.restoreLinks(entry.layerLinks(of: d))
                default:
                    // Those not reached get their links back (best effort; the next run's re-check does it too).
                    _ = try? await keepInPlace(&quarantine, from: i + 1, entry: entry, note: "not moved: the run stopped at a failed move; its links are back")
                    entry.quarantine = quarantine
                    try? await journal.write(entry)
                    throw .driver(e, done: "online collection \(entry.id) stopped while quarantining; `drydock undo \(entry.id)` restores it")
                }
            }
        }
        entry.quarantine = quarantine
        try await journal.write(entry)

        // 6. Settle: a request that passed its checks before step 3 has written its links by now. Purge again (a
        // request in flight may have cached a descriptor), then restore whatever something references.
        say("settling for \(options.settle)")
        await wait(options.settle)
        var latest = try await ReferenceScan.scan(driver, configuration: store.configuration)
        result.cacheKeysPurged += try await purgeCache(purgeDigests, repositories: Array(Set(plan.repositories).union(latest.revisions.keys)).sorted())
        let blobCandidates = Set(result.quarantined)
        let manifestCandidates = Set(plan.gc.manifests.map { OnlineGCPlan.ManifestKey(repository: $0.repository, digest: $0.digest) })
        var restoredBlobs = Set<Digest>()
        var restoredManifests = Set<OnlineGCPlan.ManifestKey>()
        // Each pass restores what the scan shows referenced, with what those need; a second scan confirms nothing new.
        for pass in 1...3 {
            if pass > 1 { latest = try await ReferenceScan.scan(driver, configuration: store.configuration) }
            let everything = !latest.unread.isEmpty
            var blobs = Set(blobCandidates.filter { everything || latest.referenced.contains($0) }).subtracting(restoredBlobs)
            var manifests = Set(manifestCandidates.filter { everything || latest.needs($0) }).subtracting(restoredManifests)
            // A manifest coming back brings what it references (its config, layers and children in this repository)
            // and its referrers (signatures, SBOMs naming it as `subject`), each with what it references in turn.
            var queue = Array(manifests)
            while let key = queue.popLast() {
                // Its own blob too: a manifest named only by a tag's current link is in no revision's references.
                if blobCandidates.contains(key.digest), !restoredBlobs.contains(key.digest) { blobs.insert(key.digest) }
                for ref in plan.manifestReferences[key] ?? [] {
                    if blobCandidates.contains(ref), !restoredBlobs.contains(ref) { blobs.insert(ref) }
                }
                for d in (plan.manifestReferences[key] ?? []) + (plan.referrers[key] ?? []) {
                    let other = OnlineGCPlan.ManifestKey(repository: key.repository, digest: d)
                    if manifestCandidates.contains(other), !restoredManifests.contains(other), manifests.insert(other).inserted {
                        queue.append(other)
                    }
                }
            }
            if blobs.isEmpty && manifests.isEmpty { break }
            say("restoring \(blobs.count) blob(s) and \(manifests.count) manifest(s) referenced since T0")
            for d in blobs.sorted() {
                _ = try await restorer.restoreData(d, journalID: entry.id)
                _ = try await restorer.restoreLinks(entry.layerLinks(of: d))
                if let i = quarantine.firstIndex(where: { $0.digest == d.description }) {
                    quarantine[i].state = .restored
                    quarantine[i].note = everything ? "restored: the re-scan could not read everything" : "referenced again after T0"
                }
            }
            for key in manifests.sorted() {
                _ = try await restorer.restoreLinks(entry.manifestLinks(repository: key.repository, digest: key.digest))
            }
            restoredBlobs.formUnion(blobs)
            restoredManifests.formUnion(manifests)
            entry.quarantine = quarantine
            try await journal.write(entry)
        }
        say("re-scanned: \(restoredBlobs.count) blob(s) and \(restoredManifests.count) manifest(s) referenced since T0, restored")
        result.restoredBlobs = restoredBlobs.sorted()
        result.restoredManifests = restoredManifests.sorted().map { "\($0.repository)@\($0.digest)" }
        store.blobCache.invalidateAll()
        entry.completed = true
        try await journal.write(entry)
        return latest
    }

    /// Records from `start` on that are still pending (their data never moved) become `skipped`, and the `_layers`
    /// links step 3 removed for them are written back. Returns how many.
    private func keepInPlace(_ quarantine: inout [QuarantinedBlob], from start: Int, entry: JournalEntry, note: String) async throws(DeleteError) -> Int {
        let restorer = QuarantineRestorer(driver: store.driver)
        var count = 0
        for i in quarantine.indices where i >= start && quarantine[i].state == .pending {
            guard let d = quarantine[i].parsedDigest else { continue }
            _ = try await restorer.restoreLinks(entry.layerLinks(of: d))
            quarantine[i].state = .skipped
            quarantine[i].note = note
            count += 1
        }
        return count
    }

    private func purgeCache(_ digests: [Digest], repositories: [String]) async throws(DeleteError) -> Int {
        guard case .redis(let purger) = cache, !digests.isEmpty else { return 0 }
        do {
            return try await purger.purge(digests, repositories: repositories)
        } catch {
            // Without the purge the registry may keep vouching for quarantined blobs; the next run's re-check and
            // undo still restore them, so the run stops here and says so.
            throw .journal("purging the registry's redis cache failed: \(SafeText.escaping(String(describing: error))); quarantined data stays restorable with `drydock undo`")
        }
    }

    // MARK: step 7

    /// Every online collection's quarantine: referenced data goes back at once; data older than the quarantine
    /// period and still unreferenced is deleted for good.
    private func recheckQuarantines(
        scan: ReferenceScan?, finished: Set<String>, into result: inout OnlineGCResult, say: (String) -> Void
    ) async throws(DeleteError) {
        let driver = store.driver
        let journal = Journal(driver: driver)
        // Summaries first (one streaming pass each): only complete online collections not undone are loaded whole.
        // An incomplete one is another run at work (or one `finishInterruptedRuns` could not finish): not touched.
        var open: [JournalEntry] = []
        for summary in try await journal.summaries().summaries
        where summary.operation == .onlineCollection && !summary.isUndone && summary.completed {
            let e: JournalEntry
            do {
                e = try await journal.entry(summary.id)
            } catch {
                // A damaged or forged entry is named, not trusted; its quarantine stays as it is.
                result.skipped.append("journal entry \(SafeText.escaping(summary.id)): \(error)")
                continue
            }
            // A run finished just now never had its own settle and re-scan: its unlinked manifests are re-checked
            // here even when none of its data was moved.
            if (e.quarantine ?? []).contains(where: { $0.state == .quarantined })
                || (finished.contains(e.id) && e.links.contains { $0.kind == .revision }) {
                open.append(e)
            }
        }
        guard !open.isEmpty else { return }
        let latest: ReferenceScan
        if let scan { latest = scan } else { latest = try await ReferenceScan.scan(driver, configuration: store.configuration) }
        let everything = !latest.unread.isEmpty
        let restorer = QuarantineRestorer(driver: driver)
        let cutoff = now().addingTimeInterval(-options.quarantinePeriod)
        say("re-checking \(open.count) quarantine(s)")
        // Manifests these entries unlinked that something needs again come back first, each with everything it
        // references (config, layers, children transitively), before any data is kept or purged: the scan saw them
        // unlinked, so `latest.referenced` lacks what they reference, and purging by it alone would delete for good
        // the layers of the very manifest restored in the same pass.
        let (needed, closureUnknown) = try await restoreNeededManifests(open, latest: latest, everything: everything, into: &result)
        if !closureUnknown.isEmpty {
            result.skipped.append("nothing purged this run: what a restored manifest references is unknown (\(closureUnknown.joined(separator: "; ")))")
        }
        for var entry in open {
            if stopRequested() {
                result.interrupted = true
                break
            }
            guard Quarantine.folder(entry.id) != nil else { continue }
            result.quarantinesChecked.append(entry.id)
            var quarantine = entry.quarantine ?? []
            var changed = false
            var purge: [(index: Int, digest: Digest, path: StoragePath)] = []
            for i in quarantine.indices where quarantine[i].state == .quarantined {
                guard let d = quarantine[i].parsedDigest else { continue }
                if everything || needed.contains(d) {
                    _ = try await restorer.restoreData(d, journalID: entry.id)
                    _ = try await restorer.restoreLinks(entry.layerLinks(of: d))
                    quarantine[i].state = .restored
                    quarantine[i].note = "referenced again (re-checked by a later run)"
                    if entry.id != result.journalID { result.restoredFromEarlier.append(d) } else { result.restoredBlobs.append(d) }
                    changed = true
                } else if entry.created <= cutoff, closureUnknown.isEmpty, let path = Quarantine.data(entry.id, d) {
                    purge.append((i, d, path))
                }
            }
            // Deleted for good in batches (one DeleteObjects per thousand on S3); a failed batch still records
            // what went before it stops the run.
            for start in stride(from: 0, to: purge.count, by: 1000) {
                let batch = purge[start..<min(start + 1000, purge.count)]
                let failures = await driver.delete(batch: batch.map { $0.path })
                let failed = Set(failures.map(\.path))
                for (i, d, path) in batch where !failed.contains(path) {
                    quarantine[i].state = .purged
                    entry.blobs.append(d.description)
                    result.deletedForGood.append(d)
                    result.deletedBytes +|= quarantine[i].size ?? 0
                    changed = true
                }
                if let first = failures.first {
                    entry.quarantine = quarantine
                    try await journal.write(entry)
                    throw .driver(first.error, done: "deleting quarantined data of \(entry.id): \(failures.count) of \(batch.count) in a batch failed")
                }
                say("purged \(min(start + 1000, purge.count))/\(purge.count) quarantined blobs of \(entry.id)")
            }
            guard changed else { continue }
            entry.quarantine = quarantine
            if !quarantine.contains(where: { $0.state == .quarantined }), let folder = Quarantine.folder(entry.id) {
                try? await driver.withRetries { try await driver.delete(folder) }
            }
            try await journal.write(entry)
        }
        store.blobCache.invalidateAll()
    }

    /// Finishes every online collection left incomplete whose heartbeat is gone (killed, host lost, a failed move),
    /// before this run marks: the store then looks as if those runs had quarantined what they moved and nothing else.
    /// An entry whose heartbeat is fresh belongs to a run at work and is left to it. Returns the ids finished.
    private func finishInterruptedRuns(into result: inout OnlineGCResult, say: (String) -> Void) async throws(DeleteError) -> [String] {
        let driver = store.driver
        let journal = Journal(driver: driver)
        var finished: [String] = []
        for summary in try await journal.summaries().summaries
        where summary.operation == .onlineCollection && !summary.isUndone && !summary.completed {
            if stopRequested() { break }
            let id = SafeText.escaping(summary.id)
            switch await OnlineRunHeartbeat.liveness(of: summary.id, driver: driver, now: now()) {
            case .alive(let age, let pid):
                let writer = pid.map { "process \($0) on this host, " } ?? ""
                result.skipped.append("journal entry \(id): another online collection is at work on it (\(writer)heartbeat \(Int(age))s ago); left to it")
                continue
            case .exited(let age):
                result.skipped.append(
                    "journal entry \(id): the run that wrote it has exited (heartbeat \(Int(age))s ago); it is finished by the first run "
                        + "once that heartbeat is \(Int(OnlineRunHeartbeat.exitedAfter))s old")
                continue
            case .unknown(let why):
                result.skipped.append("journal entry \(id) is incomplete and its heartbeat cannot be read (\(why)); left as it is")
                continue
            case .gone:
                break
            }
            var e: JournalEntry
            do {
                e = try await journal.entry(summary.id)
            } catch {
                result.skipped.append("journal entry \(id): \(error)")
                continue
            }
            say("finishing online collection \(id), which stopped part way")
            if try await finishInterrupted(&e, into: &result) { finished.append(e.id) }
        }
        return finished
    }

    /// A run that stopped part way (killed, or a move that failed) leaves records `pending` whose data may lie in its
    /// quarantine (moved, not journaled yet) or still in `blobs/` with its `_layers` links removed. Each is settled by
    /// looking: quarantined data is re-checked with the rest (restored when needed, purged when old); data never moved
    /// gets its links back, as if the run had not touched it. The entry is then complete. Its unlinked manifests are
    /// restored by the re-check like any run's. False (entry left as it is, and named) when a location cannot be read.
    private func finishInterrupted(_ entry: inout JournalEntry, into result: inout OnlineGCResult) async throws(DeleteError) -> Bool {
        let driver = store.driver
        let restorer = QuarantineRestorer(driver: driver)
        var quarantine = entry.quarantine ?? []
        func present(_ path: StoragePath) async -> Bool? {
            do {
                return try await driver.withRetries { try await driver.stat(path) }.kind == .file
            } catch {
                return DriverError(error).isNotFound ? false : nil
            }
        }
        for i in quarantine.indices where quarantine[i].state == .pending {
            // A record naming no valid quarantine path (damaged or forged) is left; undo refuses it too.
            guard let d = quarantine[i].parsedDigest, let held = Quarantine.data(entry.id, d) else { continue }
            guard let moved = await present(held), let inPlace = await present(StoreLayout.blobData(d)) else {
                result.skipped.append("journal entry \(entry.id) stopped part way and \(d) cannot be located; left as it is")
                return false
            }
            if moved {
                quarantine[i].state = .quarantined
                quarantine[i].note = "moved by a run that stopped before journaling it"
            } else {
                if inPlace { _ = try await restorer.restoreLinks(entry.layerLinks(of: d)) }
                quarantine[i].state = .skipped
                quarantine[i].note = inPlace ? "not moved: the run stopped part way; its links are back" : "gone already"
            }
        }
        entry.quarantine = quarantine
        entry.completed = true
        try await Journal(driver: driver).write(entry)
        result.finishedInterrupted.append(entry.id)
        // The dead run's heartbeat goes with it (best effort: a later run finds the entry complete either way).
        if let beat = OnlineRunHeartbeat.path(entry.id) { try? await driver.withRetries { try await driver.delete(beat) } }
        return true
    }

    /// Restores the links of every manifest an entry of `open` unlinked that `latest` shows needed again (linked,
    /// tagged or referenced), and of the children those need, transitively. Returns what must stay: `latest.referenced`
    /// plus each restored manifest's closure (its own blob, config, layers, seed-era signatures, children's), read
    /// from `blobs/` or from a quarantine; and the manifests whose content could not be read (nothing may be purged).
    private func restoreNeededManifests(
        _ open: [JournalEntry], latest: ReferenceScan, everything: Bool, into result: inout OnlineGCResult
    ) async throws(DeleteError) -> (needed: Set<Digest>, unknown: [String]) {
        let restorer = QuarantineRestorer(driver: store.driver)
        let entries = open.filter { Quarantine.folder($0.id) != nil }
        var needed = latest.referenced
        var unknown: [String] = []
        var seen = Set<OnlineGCPlan.ManifestKey>()
        var queue: [OnlineGCPlan.ManifestKey] = []
        for entry in entries {
            for link in entry.links where link.kind == .revision {
                guard let d = link.digest.flatMap({ Digest($0) }) else { continue }
                let key = OnlineGCPlan.ManifestKey(repository: link.repository, digest: d)
                if everything || latest.needs(key), seen.insert(key).inserted { queue.append(key) }
            }
        }
        // Referrers (signatures, SBOMs) these entries unlinked, by the manifest they name as `subject`: read only when
        // something is restored, from `blobs/` or a quarantine, since the journal records links, not content.
        var referrers: [OnlineGCPlan.ManifestKey: [OnlineGCPlan.ManifestKey]] = [:]
        if !queue.isEmpty {
            var read = Set<OnlineGCPlan.ManifestKey>()
            for entry in entries {
                for link in entry.links where link.kind == .revision {
                    guard let d = link.digest.flatMap({ Digest($0) }) else { continue }
                    let key = OnlineGCPlan.ManifestKey(repository: link.repository, digest: d)
                    guard read.insert(key).inserted else { continue }
                    switch await readManifest(d, quarantines: entries.map(\.id)) {
                    case .parsed(let m):
                        if let subject = m.subject?.digest {
                            referrers[OnlineGCPlan.ManifestKey(repository: link.repository, digest: subject), default: []].append(key)
                        }
                    case .missing:
                        break
                    case .unknown(let why):
                        // It may be the referrer of a manifest restored now: nothing is purged until it can be read.
                        unknown.append("\(SafeText.escaping(key.repository))@\(key.digest): \(why)")
                    }
                }
            }
        }
        while let key = queue.popLast() {
            for r in referrers[key] ?? [] where seen.insert(r).inserted { queue.append(r) }
            var written = 0
            for entry in entries {
                let links = entry.manifestLinks(repository: key.repository, digest: key.digest)
                guard !links.isEmpty else { continue }
                written += try await restorer.restoreLinks(links)
                needed.formUnion(links.filter { $0.kind == .signature }.compactMap { $0.signature.flatMap { Digest($0) } })
            }
            if written > 0 { result.restoredManifests.append("\(key.repository)@\(key.digest)") }
            needed.insert(key.digest)
            // Read even when linked at the scan: a revision whose blob lay in a quarantine then was marked alone.
            switch await readManifest(key.digest, quarantines: entries.map(\.id)) {
            case .parsed(let m):
                needed.formUnion(m.referenceDigests)
                for child in m.children.compactMap(\.digest) {
                    let c = OnlineGCPlan.ManifestKey(repository: key.repository, digest: child)
                    if seen.insert(c).inserted { queue.append(c) }
                }
            case .missing:
                // Its bytes are nowhere: the registry cannot serve it, and nothing it named can be found from it.
                break
            case .unknown(let why):
                unknown.append("\(SafeText.escaping(key.repository))@\(key.digest): \(why)")
            }
        }
        return (needed, unknown)
    }

    private enum ManifestRead {
        case parsed(Manifest)
        case missing
        case unknown(String)
    }

    /// Manifest `d` read from `blobs/`, else from the first of `quarantines` that holds it.
    private func readManifest(_ d: Digest, quarantines: [String]) async -> ManifestRead {
        let driver = store.driver
        for path in [StoreLayout.blobData(d)] + quarantines.compactMap({ Quarantine.data($0, d) }) {
            do {
                let bytes = try await driver.withRetries { try await driver.read(path, limit: ManifestParser.maxManifestSize) }
                switch ManifestParser.parse(bytes) {
                case .success(let m): return .parsed(m)
                case .failure(let e): return .unknown("\(path) does not parse: \(e)")
                }
            } catch {
                let e = DriverError(error)
                if e.isNotFound { continue }
                return .unknown(SafeText.escaping(String(describing: e)))
            }
        }
        return .missing
    }
}
