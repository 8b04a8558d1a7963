import Foundation

/// How `--keep-last` ranks a repository's candidate tags, newest first.
public enum TagOrder: String, Sendable, Equatable, CaseIterable, Codable {
    /// When the tag's `current/link` was last written: the registry accepted the push or retag.
    case pushed
    /// The image config's `created` (an index: its newest child's).
    case created
    /// Semantic version (`v1.2.3`, `1.2.3-rc.1`); tags that are not versions rank below every version.
    case semver

    /// The candidates newest first; ties (and tags without the order's key) fall back to push time, then name.
    public func newestFirst(_ tags: [RetentionCandidate]) -> [RetentionCandidate] {
        tags.sorted { a, b in
            switch self {
            case .pushed: break
            case .created:
                if a.created != b.created { return (a.created ?? .distantPast) > (b.created ?? .distantPast) }
            case .semver:
                let va = SemanticVersion(a.tag), vb = SemanticVersion(b.tag)
                if va != vb {
                    guard let va else { return false }
                    guard let vb else { return true }
                    return vb < va
                }
            }
            if a.pushed != b.pushed { return (a.pushed ?? .distantPast) > (b.pushed ?? .distantPast) }
            return a.tag < b.tag
        }
    }
}

/// A semantic version read from a tag: `[v]MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, ordered as semver 2.0 orders
/// them (a pre-release ranks below its release; build metadata is ignored).
public struct SemanticVersion: Sendable, Comparable {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: [String]

    public init?(_ tag: String) {
        var text = Substring(tag)
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        if let plus = text.firstIndex(of: "+") { text = text[..<plus] }
        var pre: [String] = []
        if let dash = text.firstIndex(of: "-") {
            pre = text[text.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !pre.contains(where: \.isEmpty) else { return nil }
            text = text[..<dash]
        }
        let numbers = text.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3 else { return nil }
        var values: [UInt64] = []
        for n in numbers {
            guard !n.isEmpty, n.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt64(n) else { return nil }
            values.append(v)
        }
        (major, minor, patch, prerelease) = (values[0], values[1], values[2], pre)
    }

    public static func < (a: Self, b: Self) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
        if a.prerelease.isEmpty || b.prerelease.isEmpty { return !a.prerelease.isEmpty && b.prerelease.isEmpty }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (UInt64(x), UInt64(y)) {
            case let (nx?, ny?): return nx < ny
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return x < y
            }
        }
        return a.prerelease.count < b.prerelease.count
    }
}
