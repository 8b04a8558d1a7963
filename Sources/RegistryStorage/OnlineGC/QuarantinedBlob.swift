/// One blob an online collection moved (or meant to move) into the quarantine, as the journal keeps it.
public struct QuarantinedBlob: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Journaled, not moved yet (a run that stopped here left the data where it was, or moved it: undo looks).
        case pending
        /// The data lies in the quarantine.
        case quarantined
        /// Left in place: gone already, or the backend cannot move it (`note` says why).
        case skipped
        /// Moved back (something referenced it again, or undo).
        case restored
        /// Deleted for good once older than the quarantine period.
        case purged
    }

    public var digest: String
    public var size: Int64?
    public var state: State
    /// Why it was skipped or restored.
    public var note: String?

    public init(digest: Digest, size: Int64?, state: State = .pending, note: String? = nil) {
        self.digest = digest.description
        self.size = size
        self.state = state
        self.note = note
    }

    /// The digest, when the journal's text parses as one (a damaged or forged journal may hold anything).
    public var parsedDigest: Digest? { Digest(digest) }
}

/// Where an online collection keeps blob data aside: `drydock/quarantine/<journal-id>/<alg>/<hex>/data`, inside the
/// store (so a rename stays on one filesystem and in one bucket) and outside `blobs/` and `repositories/`, which are
/// all the registry ever reads (storage-format §1). Paths are rebuilt from the journal id (checked by the journal's
/// own id rules) and a parsed digest, never taken from stored text.
public enum Quarantine {
    public static let directory = StoreLayout.drydock.appending("quarantine")

    /// nil when `journalID` is not a valid journal id (a forged entry).
    public static func folder(_ journalID: String) -> StoragePath? {
        guard Journal.path(journalID) != nil else { return nil }
        return directory.appending(journalID)
    }

    public static func data(_ journalID: String, _ d: Digest) -> StoragePath? {
        folder(journalID)?.appending([d.algorithm.name, d.hex, "data"])
    }
}
