import Foundation
import RegistryStorage

/// Deletes, undo and garbage collection for the browser, as closures (a real store, or a test double). Every one
/// goes through the core (`StoreDeleter`, `JournalUndo`, `GarbageCollector`) with the same `DeletePolicy` the
/// browser's delete gate came from, so the library stays the authority.
public struct DeleteOperations: Sendable {
    /// Previews the requests (`includeChildren`: an index's unreferenced children too).
    public var plan: @Sendable ([DeleteRequest], _ includeChildren: Bool) async -> Result<DeletePlan, UIError>
    /// Runs a preview (`force`: break the pulls it lists, after the user typed the repository name); the success
    /// text says what went and how to undo it.
    public var execute: @Sendable (DeletePlan, _ force: Bool) async -> Result<String, UIError>
    /// Previews a prune: the retention plan, and the delete plan it becomes (run through `execute`, one journal entry).
    public var planPrune: @Sendable (PruneRequest) async -> Result<PrunePreview, UIError>
    /// Previews undoing the most recent journal entry.
    public var previewUndo: @Sendable () async -> Result<UndoPlan, UIError>
    public var undo: @Sendable (_ journalID: String) async -> Result<String, UIError>
    /// Plans a garbage collection: orphan blobs only, or (`deleteUntagged`) untagged manifests too.
    public var planGC: @Sendable (_ deleteUntagged: Bool) async -> Result<GCPlan, UIError>
    /// Runs a garbage collection, reporting progress lines; the caller has confirmed the registry is stopped.
    public var collect: @Sendable (GCPlan, _ progress: @escaping @Sendable (String) -> Void) async -> Result<String, UIError>

    public init(
        plan: @escaping @Sendable ([DeleteRequest], Bool) async -> Result<DeletePlan, UIError>,
        execute: @escaping @Sendable (DeletePlan, Bool) async -> Result<String, UIError>,
        planPrune: @escaping @Sendable (PruneRequest) async -> Result<PrunePreview, UIError>,
        previewUndo: @escaping @Sendable () async -> Result<UndoPlan, UIError>,
        undo: @escaping @Sendable (String) async -> Result<String, UIError>,
        planGC: @escaping @Sendable (Bool) async -> Result<GCPlan, UIError>,
        collect: @escaping @Sendable (GCPlan, @escaping @Sendable (String) -> Void) async -> Result<String, UIError>
    ) {
        self.plan = plan
        self.execute = execute
        self.planPrune = planPrune
        self.previewUndo = previewUndo
        self.undo = undo
        self.planGC = planGC
        self.collect = collect
    }

    /// The gc screen's two plans, one after the other (each marks every manifest afresh).
    public func planBothGCModes() async -> Result<GCModes, UIError> {
        switch await planGC(false) {
        case .failure(let e): return .failure(e)
        case .success(let plain):
            return await planGC(true).map { GCModes(orphanBlobs: plain, withUntagged: $0) }
        }
    }

    /// The real thing on `store`, gated by `policy`. Previews read every repository afresh (what a garbage
    /// collection frees depends on all of them, and the screen may be older than the disk).
    public static func store(_ store: RegistryStore, policy: DeletePolicy) -> DeleteOperations {
        let deleter = StoreDeleter(store: store, policy: policy)
        let undoer = JournalUndo(store: store, policy: policy)
        let collector = GarbageCollector(store: store)
        @Sendable func everything() async throws -> [RepositoryContents] {
            store.blobCache.invalidateAll()
            let listing = try await store.repositories(onRepository: { _ in })
            return await store.loadAll(listing.repositories, onLoaded: { _ in })
        }
        @Sendable func fail(_ error: any Error) -> UIError { UIError(SafeText.escaping(String(describing: error))) }
        /// Object keys the driver left untouched during this write (unsafe to name in a request; see `SkippedKeys`),
        /// said after the result as `drydock rm` and `gc` say it on standard error.
        @Sendable func skippedNote(since before: Int) -> String {
            let skipped = store.driver.skippedKeys
            guard skipped.count > before, let first = skipped.lines.first else { return "" }
            return " ! \(Format.plural(skipped.count - before, "object key")) left untouched as unsafe (e.g. \(first))."
        }
        return DeleteOperations(
            plan: { requests, children in
                do {
                    let repos = try await everything()
                    return .success(try deleter.plan(requests.map { $0.target(includeChildren: children) }, repositories: repos))
                } catch { return .failure(fail(error)) }
            },
            execute: { plan, force in
                do {
                    let skippedBefore = store.driver.skippedKeys.count
                    let result = try await deleter.execute(plan, force: force)
                    var text = "Deleted \(Format.plural(result.removed.count, "path")) (journal \(result.journalID); u undoes it)."
                    if !result.unrestorable.isEmpty { text += " Not restorable: \(result.unrestorable.count)." }
                    return .success(text + skippedNote(since: skippedBefore))
                } catch { return .failure(fail(error)) }
            },
            planPrune: { request in
                do {
                    // As `drydock prune` plans: every repository read (what a GC frees depends on all of them), the
                    // tag links of those in scope stat-ed for their push times.
                    let repos = try await everything()
                    let scoped = request.repository.map { name in repos.filter { $0.name == name } } ?? repos
                    var read: [String: [TagFingerprint]] = [:]
                    for repo in scoped { read[repo.name] = await TagLinkReader.fingerprints(repo, driver: store.driver) }
                    let plan = RetentionPlan.make(scoped, rules: [request.rules], fingerprints: read, untagged: request.untagged, now: Date())
                    let delete = plan.isEmpty ? nil : try deleter.plan(plan.deleteTargets, repositories: repos)
                    return .success(PrunePreview(plan: plan, delete: delete))
                } catch { return .failure(fail(error)) }
            },
            previewUndo: {
                do { return .success(try await undoer.preview(nil)) } catch { return .failure(fail(error)) }
            },
            undo: { id in
                do {
                    let result = try await undoer.undo(id)
                    return .success("Restored \(Format.plural(result.restored.count, "link")) from journal \(SafeText.escaping(result.journalID)).")
                } catch { return .failure(fail(error)) }
            },
            planGC: { deleteUntagged in
                do {
                    store.blobCache.invalidateAll()
                    return .success(try await collector.plan(deleteUntagged: deleteUntagged))
                } catch { return .failure(fail(error)) }
            },
            collect: { plan, progress in
                do {
                    let skippedBefore = store.driver.skippedKeys.count
                    let r = try await collector.collect(plan, policy: policy, registryStopped: true) { progress($0.description) }
                    return .success(
                        "Garbage collection removed \(Format.plural(r.blobsRemoved, "blob")) (\(Format.size(r.bytes))), "
                            + "\(Format.plural(r.manifestsRemoved, "manifest")), \(Format.plural(r.layerLinksRemoved, "layer link")) (journal \(r.journalID))."
                            + skippedNote(since: skippedBefore))
                } catch { return .failure(fail(error)) }
            })
    }
}
