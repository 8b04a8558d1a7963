/// Why a delete, an undo or a garbage collection did not run (or stopped). Every case is a message the UI can show.
public enum DeleteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The gate said no (`DeletePolicy.refusal` / `writeRefusal`). Nothing on disk changed.
    case refused(String)
    /// The target is not stored (the registry's MANIFEST_UNKNOWN, BLOB_UNKNOWN, NAME_UNKNOWN).
    case notFound(String)
    /// The target cannot be deleted as asked.
    case invalidTarget(String)
    /// The caller did not confirm what the operation requires (gc: registry stopped or read-only).
    case notConfirmed(String)
    /// Undo would need blobs that are gone (a garbage collection ran since).
    case blobsGone([Digest], String)
    /// Undo would overwrite something written since the delete.
    case conflict(String)
    /// A garbage collection cannot decide safely: manifests it cannot read, parts of the store the walk did not enter.
    case blocked([String])
    /// Reading or writing the journal failed.
    case journal(String)
    /// A storage call failed; `done` says how far the operation got (journal id, paths removed).
    case driver(DriverError, done: String)
    /// A garbage collection stopped on request (SIGINT, SIGTERM) between two batches; its checkpoint is written.
    case interrupted(String)

    public var description: String {
        switch self {
        case .refused(let m): "refused: \(m)"
        case .notFound(let m): m
        case .invalidTarget(let m): m
        case .notConfirmed(let m): m
        case .blobsGone(let digests, let m):
            "\(m): \(digests.count) blob(s) are gone (garbage-collected since?): "
                + digests.prefix(5).map(\.description).joined(separator: ", ") + (digests.count > 5 ? ", ..." : "")
        case .conflict(let m): m
        case .blocked(let reasons):
            "cannot collect garbage safely: " + reasons.joined(separator: "; ")
        case .journal(let m): "journal: \(m)"
        case .driver(let e, let done): done.isEmpty ? "\(e)" : "\(e) (\(done))"
        case .interrupted(let m): "interrupted: \(m)"
        }
    }
}
