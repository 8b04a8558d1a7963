import RegistryStorage

/// A line across the top of the screen: the demo notice, an error, a message.
public struct Banner: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case demo, info, warning, error }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}

/// A modal box. `info` closes on any of Enter, Esc, y, n, q; `confirm` runs its action on `y` (or, with
/// `requiredText`, on Enter once that text is typed), closes on `n`/Esc.
public struct Dialog: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case info
        case confirm(PendingAction)
    }

    public var title: String
    public var lines: [String]
    public var kind: Kind
    /// When set, the user must type exactly this (a repository name, a count, `yes`) and press Enter.
    public var requiredText: String?
    /// What has been typed so far.
    public var typed: String = ""
    /// A second answer: `c` runs this instead (delete an index's orphaned children too).
    public var alternative: PendingAction?
    /// Numbered answers: `1` runs the first, `2` the second (the gc screen's modes), with what the buttons call them.
    public var choices: [(name: String, action: PendingAction)] = []

    public init(title: String, lines: [String], kind: Kind, requiredText: String? = nil, alternative: PendingAction? = nil) {
        self.title = title
        self.lines = lines
        self.kind = kind
        self.requiredText = requiredText
        self.alternative = alternative
    }

    public static func == (a: Dialog, b: Dialog) -> Bool {
        a.title == b.title && a.lines == b.lines && a.kind == b.kind && a.requiredText == b.requiredText && a.typed == b.typed
            && a.alternative == b.alternative && a.choices.map(\.name) == b.choices.map(\.name)
            && a.choices.map(\.action) == b.choices.map(\.action)
    }
}

/// What is drawn over the screen and takes the keyboard.
public enum Overlay: Equatable, Sendable {
    /// The key list; the value is its scroll offset.
    case help(scroll: Int)
    case dialog(Dialog)
    /// The prune form (`P`) and its preview.
    case prune(PruneForm)
    /// What `y` can copy from the selected row.
    case copy(CopyMenu)
    /// A line shown whole.
    case text(TextView)
}
