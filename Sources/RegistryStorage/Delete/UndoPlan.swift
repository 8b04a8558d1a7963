/// What undoing one journal entry would do.
public struct UndoPlan: Sendable, Equatable {
    public var entry: JournalEntry
    /// Links to write back.
    public var restore: [JournalLink]
    /// Links already back in place with the same content.
    public var alreadyPresent: [JournalLink]
    /// Blobs the links need that are gone: undo is refused.
    public var missingBlobs: [Digest]
    /// Links written since the delete with other content (a re-pushed tag): undo is refused.
    public var conflicts: [String]
    /// Journal records that cannot be turned back into a store path (a damaged journal): undo is refused.
    public var invalid: [String]
    /// Removed files undo cannot bring back (upload data, swept blobs): reported, not refused.
    public var notRestorable: [String]
    /// Online collections: blob data to move back from the quarantine before the links are written.
    public var quarantined: [Digest] = []

    public var refusal: String? {
        if entry.isUndone { return "journal entry \(entry.id) was already undone" }
        if !invalid.isEmpty { return "journal entry \(entry.id) holds records that name no valid store path: \(invalid.prefix(3).joined(separator: "; "))" }
        if !missingBlobs.isEmpty { return DeleteError.blobsGone(missingBlobs, "cannot undo \(entry.id)").description }
        if !conflicts.isEmpty { return "cannot undo \(entry.id): the store changed since: " + conflicts.prefix(5).joined(separator: "; ") }
        return nil
    }
}
