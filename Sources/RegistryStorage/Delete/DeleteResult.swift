public struct DeleteResult: Sendable, Equatable {
    /// The journal entry `drydock undo ID` restores.
    public var journalID: String
    public var removed: [StoragePath]
    public var restorableLinks: Int
    /// Removed files undo cannot bring back (upload data, stray files).
    public var unrestorable: [String]
    public var affectedRepositories: [String]
}
