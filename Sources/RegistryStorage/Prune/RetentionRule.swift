import Foundation

/// A tag pattern (`--tag`, `--keep-tag`): an ICU regular expression that matches anywhere in the tag unless anchored.
public struct TagPattern: @unchecked Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    // NSRegularExpression is immutable and documented thread-safe, hence the unchecked Sendable.
    private let regex: NSRegularExpression

    public init(_ pattern: String) throws(RetentionRuleError) {
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw .invalidRegex(pattern, "not a valid regular expression")
        }
        self.pattern = pattern
    }

    public func matches(_ tag: String) -> Bool {
        regex.firstMatch(in: tag, range: NSRange(tag.startIndex..., in: tag)) != nil
    }

    public var description: String { pattern }

    public static func == (a: Self, b: Self) -> Bool { a.pattern == b.pattern }
}

/// A tag a retention rule set decides on: a candidate of its repository.
public struct RetentionCandidate: Sendable, Equatable {
    public var tag: String
    public var digest: Digest
    /// When the tag's `current/link` was last written; nil when the store could not say.
    public var pushed: Date?
    /// The image config's `created` (only read for `--order created`).
    public var created: Date?

    public init(tag: String, digest: Digest, pushed: Date?, created: Date? = nil) {
        self.tag = tag
        self.digest = digest
        self.pushed = pushed
        self.created = created
    }
}

/// One set of retention rules: which repositories and tags it covers, and what it keeps. Any retain rule keeps a
/// candidate; every candidate no rule keeps is removed.
public struct RetentionRuleSet: Sendable, Equatable {
    /// Empty: every repository.
    public var repositories: [RepositoryGlob]
    /// Empty: every tag is a candidate.
    public var tags: [TagPattern]
    public var keepLast: Int?
    /// The duration as written (shown in reasons) and in seconds.
    public var keepWithin: (text: String, seconds: Double)?
    public var keepTags: [TagPattern]
    public var order: TagOrder

    public init(
        repositories: [RepositoryGlob] = [], tags: [TagPattern] = [], keepLast: Int? = nil,
        keepWithin: (text: String, seconds: Double)? = nil, keepTags: [TagPattern] = [], order: TagOrder = .pushed
    ) throws(RetentionRuleError) {
        guard keepLast != nil || keepWithin != nil || !keepTags.isEmpty else { throw .noRetainRule }
        if let n = keepLast, n < 0 { throw .invalidCount(String(n)) }
        self.repositories = repositories
        self.tags = tags
        self.keepLast = keepLast
        self.keepWithin = keepWithin
        self.keepTags = keepTags
        self.order = order
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.repositories == b.repositories && a.tags == b.tags && a.keepLast == b.keepLast
            && a.keepWithin?.text == b.keepWithin?.text && a.keepTags == b.keepTags && a.order == b.order
    }

    public func covers(repository name: String) -> Bool {
        repositories.isEmpty || repositories.contains { $0.matches(name) }
    }

    /// A candidate: matches `tags` and is not a signature tag (those follow the manifest they belong to).
    public func isCandidate(_ tag: String) -> Bool {
        !SignatureTag.isSignatureTag(tag) && (tags.isEmpty || tags.contains { $0.matches(tag) })
    }

    /// The candidates kept, each with the rules that keep it, and those removed, both newest first in `order`.
    public func evaluate(_ candidates: [RetentionCandidate], now: Date) -> (keep: [(RetentionCandidate, String)], remove: [RetentionCandidate]) {
        let ranked = order.newestFirst(candidates)
        var keep: [(RetentionCandidate, String)] = []
        var remove: [RetentionCandidate] = []
        for (rank, c) in ranked.enumerated() {
            var reasons: [String] = []
            for p in keepTags where p.matches(c.tag) { reasons.append("keep-tag \(p.pattern)") }
            if let n = keepLast, rank < n { reasons.append("keep-last \(n) by \(order.rawValue)") }
            if let within = keepWithin {
                // A tag whose push time is unknown is kept: nothing says it is old.
                if let pushed = c.pushed {
                    if now.timeIntervalSince(pushed) <= within.seconds { reasons.append("keep-within \(within.text)") }
                } else {
                    reasons.append("keep-within \(within.text) (push time unknown)")
                }
            }
            if reasons.isEmpty { remove.append(c) } else { keep.append((c, reasons.joined(separator: "; "))) }
        }
        return (keep, remove)
    }
}

/// Tags that belong to another manifest: cosign's signature, attestation and SBOM tags (`sha256-<hex>.sig`, `.att`,
/// `.sbom`) and the OCI 1.1 referrers fallback tag (`sha256-<hex>`, an index of the manifest's referrers).
public enum SignatureTag {
    public static func isSignatureTag(_ tag: String) -> Bool { subject(of: tag) != nil }

    /// The manifest a signature tag belongs to.
    public static func subject(of tag: String) -> Digest? {
        guard tag.hasPrefix("sha256-") else { return nil }
        let parts = tag.dropFirst("sha256-".count).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 1 || ["sig", "att", "sbom"].contains(String(parts[1])) else { return nil }
        return try? Digest.parse("sha256:" + parts[0]).get()
    }
}
