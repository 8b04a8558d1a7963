import Foundation
import RegistryStorage

/// Everything that can change the state: input, and results coming back from background work.
/// Results carry the scan generation they belong to; stale ones are dropped.
public enum Action: Sendable {
    /// Sent once by the run loop before the first frame.
    case start
    case key(Key)
    case mouse(MouseEvent)
    case resize(GridSize)

    case catalogEntry(RepositoryEntry, generation: Int)
    case catalogLoaded(Catalog.Listing, generation: Int)
    case catalogFailed(String, generation: Int)
    case repositoryLoaded(RepositoryContents, generation: Int)
    case indexBuilt(StoreIndex, generation: Int)
    /// Scan `generation` read everything (the catalog and every repository) at `at`.
    case scanFinished(generation: Int, at: Date)
    /// The store changed since scan `generation` (or, on S3, the refresh interval passed).
    case storeChanged(generation: Int)
    case verificationLoaded(repository: String, [ManifestVerification], generation: Int)
    case deepVerifyProgress(task: Int, VerificationProgress)
    case deepVerifyFinished(task: Int, [ManifestVerification])
    /// A delete preview came back (or could not be built).
    case deletePlanned([DeleteRequest], includeChildren: Bool, Result<DeletePlan, UIError>)
    case undoPreviewed(Result<UndoPlan, UIError>)
    /// A prune preview came back for `request`.
    case prunePlanned(PruneRequest, Result<PrunePreview, UIError>)
    case gcPlanned(Result<GCModes, UIError>)
    /// The space view's garbage collection figures for scan `generation`.
    case spacePlanned(Result<GCModes, UIError>, generation: Int)
    /// A delete, undo or garbage collection ended: the success message, or why it failed. `label` names it.
    case writeFinished(label: String, Result<String, UIError>)
    /// How far a running write is (a garbage collection sweeping thousands of blobs).
    case writeProgress(String)

    public init(_ event: TerminalEvent) {
        switch event {
        case .key(let k): self = .key(k)
        case .mouse(let m): self = .mouse(m)
        case .resize(let s): self = .resize(s)
        case .signal: self = .key(.ctrl("c"))
        }
    }
}

/// Work the reducer asks for. The run loop executes effects against the store through an `EffectHandler` and
/// feeds the results back as actions.
public enum Effect: Sendable {
    case loadCatalog(generation: Int)
    /// Forget cached blob sizes, then read the catalog again.
    case rescan(generation: Int)
    case loadRepository(RepositoryEntry, generation: Int)
    /// Read every repository (in the background), then build the index.
    case loadAll([RepositoryEntry], generation: Int)
    case verify(RepositoryContents, StoreIndex?, generation: Int)
    case deepVerify(task: Int, RepositoryContents, [Digest])
    /// Build a delete preview off the UI thread (`StoreDeleter.plan` over freshly read repositories).
    case planDelete([DeleteRequest], includeChildren: Bool)
    case executeDelete(DeletePlan, label: String, force: Bool)
    /// Build a prune preview off the UI thread (the core's `RetentionPlan` over freshly read repositories).
    case planPrune(PruneRequest)
    /// Preview undoing the most recent journal entry.
    case previewUndo
    case undo(journalID: String)
    case planGarbageCollection
    /// Plan both gc modes for the space view (nothing is deleted), for scan `generation`.
    case planSpace(generation: Int)
    case collectGarbage(GCPlan)
    /// Put this text on the terminal's clipboard (OSC 52). The run loop hands it to the terminal, on its own thread.
    case copyToClipboard(String)
    /// Watch these folders for changes since scan `generation` (`StoreWatch`); one watch at a time.
    case watchStore([StoragePath], generation: Int)
    case quit

    /// A short description, for tests and logs: `loadRepository(team/app)`.
    public var summary: String {
        switch self {
        case .loadCatalog(let g): "loadCatalog(\(g))"
        case .rescan(let g): "rescan(\(g))"
        case .loadRepository(let e, _): "loadRepository(\(e.name))"
        case .loadAll(let es, _): "loadAll(\(es.count))"
        case .verify(let r, _, _): "verify(\(r.name))"
        case .deepVerify(_, let r, let ds): "deepVerify(\(r.name), \(ds.count))"
        case .planDelete(let ds, let children): "planDelete(\(ds.map(\.label).joined(separator: ", "))\(children ? ", children" : ""))"
        case .executeDelete(_, let label, let force): "executeDelete(\(label)\(force ? ", forced" : ""))"
        case .planPrune(let r): "planPrune(\(r.repository.map(SafeText.escaping) ?? "every repository"))"
        case .previewUndo: "previewUndo"
        case .undo(let id): "undo(\(id))"
        case .planGarbageCollection: "planGarbageCollection"
        case .planSpace(let g): "planSpace(\(g))"
        case .collectGarbage(let plan): "collectGarbage(\(plan.blobs.count) blobs)"
        case .copyToClipboard(let text): "copyToClipboard(\(text))"
        case .watchStore(let paths, let g): "watchStore(\(paths.count) paths, \(g))"
        case .quit: "quit"
        }
    }
}
