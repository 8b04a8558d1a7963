public struct UndoResult: Sendable, Equatable {
    public var journalID: String
    public var restored: [JournalLink]
    public var notRestorable: [String]
    public var affectedRepositories: [String]
}
