/// Why a driver left an object key alone: it could not be a store path, or naming it in a request could reach
/// another object.
public enum UnsafeKeyReason: Sendable, Equatable, CustomStringConvertible {
    /// Not below the store's key prefix (or not below the folder being deleted).
    case outsideStore
    /// An empty, `.` or `..` segment: an HTTP layer may collapse it and address another key.
    case pathSegment
    /// A C0, DEL or C1 control character: never written by a registry, and unsafe to print or to name in a request.
    case controlCharacter
    /// The listing's URL-encoded key did not decode to UTF-8.
    case undecodable
    /// Anything else a store path cannot hold.
    case notAStorePath

    public var description: String {
        switch self {
        case .outsideStore: "outside the store's key prefix"
        case .pathSegment: "has an empty, . or .. segment"
        case .controlCharacter: "has a control character"
        case .undecodable: "could not be decoded"
        case .notAStorePath: "cannot be a store path"
        }
    }
}

/// The distinct object keys a driver skipped, each with its reason; the first `sampleLimit` are kept for the user.
public struct SkippedKeys: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        /// The key as listed (raw: escape it before printing).
        public var key: String
        public var reason: UnsafeKeyReason
    }

    public static let sampleLimit = 20

    public private(set) var samples: [Sample] = []
    private var seen: Set<String> = []

    public init() {}

    /// Distinct keys skipped: a key met by a walk and again by a delete counts once.
    public var count: Int { seen.count }
    public var isEmpty: Bool { seen.isEmpty }

    mutating func record(_ key: String, _ reason: UnsafeKeyReason) {
        guard seen.insert(key).inserted else { return }
        if samples.count < Self.sampleLimit { samples.append(Sample(key: key, reason: reason)) }
    }

    /// One line per sample, keys escaped, and a last line for any beyond the samples.
    public var lines: [String] {
        var out = samples.map { "\(SafeText.escaping($0.key)) (\($0.reason))" }
        if count > samples.count { out.append("... and \(count - samples.count) more") }
        return out
    }
}
