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

/// Something a confirm dialog asks before doing. Deletes plug in here.
public enum PendingAction: Equatable, Sendable {
    case delete(DeleteRequest)
}

/// What the user asked to delete.
public enum DeleteRequest: Equatable, Sendable {
    case repository(String)
    case tag(repository: String, tag: String)
    case manifest(repository: String, digest: Digest)

    public var repository: String {
        switch self {
        case .repository(let r), .tag(let r, _), .manifest(let r, _): r
        }
    }

    /// `tag team/app:v1`, escaped.
    public var label: String {
        switch self {
        case .repository(let r): "repository \(SafeText.escaping(r))"
        case .tag(let r, let t): "tag \(SafeText.escaping(r)):\(SafeText.escaping(t))"
        case .manifest(let r, let d): "manifest \(SafeText.escaping(r))@\(d)"
        }
    }
}

/// A modal box. `info` closes on any of Enter, Esc, y, n, q; `confirm` runs its action on `y`, closes on `n`/Esc.
public struct Dialog: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case info
        case confirm(PendingAction)
    }

    public var title: String
    public var lines: [String]
    public var kind: Kind

    public init(title: String, lines: [String], kind: Kind) {
        self.title = title
        self.lines = lines
        self.kind = kind
    }
}

/// What is drawn over the screen and takes the keyboard.
public enum Overlay: Equatable, Sendable {
    /// The key list; the value is its scroll offset.
    case help(scroll: Int)
    case dialog(Dialog)
}
