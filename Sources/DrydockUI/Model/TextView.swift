/// A line too long for its column, opened whole (Enter on a line that opens nothing): a verification failure, a
/// label's value, a history command. Scrolls like the help.
public struct TextView: Equatable, Sendable {
    public var title: String
    /// Paragraphs, already escaped; wrapped to the box when drawn.
    public var paragraphs: [String]
    /// What `y` copies: the value itself.
    public var copyText: String
    public var scroll = 0

    public init(title: String, paragraphs: [String], copyText: String) {
        self.title = title
        self.paragraphs = paragraphs
        self.copyText = copyText
    }
}
