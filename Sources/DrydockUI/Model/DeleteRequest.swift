import RegistryStorage

/// A failure message from background work, already fit to show.
public struct UIError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Something a confirm dialog asks before doing.
public enum PendingAction: Equatable, Sendable {
    /// Run a previewed delete; `label` names it in messages. `force`: the user typed the repository name to break
    /// the pulls the plan lists (`DeletePlan.brokenPulls`).
    case delete(DeletePlan, label: String, force: Bool)
    /// Plan again with the index's unreferenced children included (the `c` answer).
    case replanWithChildren([DeleteRequest])
    /// Restore a journal entry.
    case undo(journalID: String)
    /// Run a previewed garbage collection (the user typed that the registry is stopped).
    case collectGarbage(GCPlan)
    /// Show one mode's plan of the gc screen, to confirm (`1` or `2` there).
    case reviewGC(GCPlan)
}

/// The gc screen's two plans (`X`): what a plain collection frees, and what one with `--delete-untagged` frees.
public struct GCModes: Equatable, Sendable {
    public var orphanBlobs: GCPlan
    public var withUntagged: GCPlan

    public init(orphanBlobs: GCPlan, withUntagged: GCPlan) {
        self.orphanBlobs = orphanBlobs
        self.withUntagged = withUntagged
    }
}

/// What the user asked to delete.
public enum DeleteRequest: Equatable, Hashable, Sendable {
    case repository(String)
    case tag(repository: String, tag: String)
    case manifest(repository: String, digest: Digest)
    /// A repository's `_layers` link.
    case layer(repository: String, digest: Digest)

    public var repository: String {
        switch self {
        case .repository(let r), .tag(let r, _), .manifest(let r, _), .layer(let r, _): r
        }
    }

    /// `tag team/app:v1`, escaped.
    public var label: String {
        switch self {
        case .repository(let r): "repository \(SafeText.escaping(r))"
        case .tag(let r, let t): "tag \(SafeText.escaping(r)):\(SafeText.escaping(t))"
        case .manifest(let r, let d): "manifest \(SafeText.escaping(r))@\(d)"
        case .layer(let r, let d): "layer link \(SafeText.escaping(r)) \(d)"
        }
    }

    /// The core's target for this request.
    public func target(includeChildren: Bool) -> DeleteTarget {
        switch self {
        case .repository(let r): .repository(r, includeNested: false)
        case .tag(let r, let t): .tag(repository: r, tag: t)
        case .manifest(let r, let d): .manifest(repository: r, digest: d, includeChildren: includeChildren)
        case .layer(let r, let d): .layer(repository: r, digest: d)
        }
    }

    /// One label for several requests: the item itself, or `3 items`.
    public static func label(_ requests: [DeleteRequest]) -> String {
        requests.count == 1 ? requests[0].label : "\(requests.count) items"
    }
}
