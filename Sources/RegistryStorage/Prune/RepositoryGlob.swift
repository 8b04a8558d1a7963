import Foundation

/// A repository name pattern: `*` matches within one path segment, `**` across segments (`team/**` matches
/// `team/app` and `team/a/b`; `**` alone matches every repository). `**/` also matches no segment at all, so
/// `team/**/api` matches `team/api`. Every other character matches itself.
public struct RepositoryGlob: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    private let parts: [Part]

    private enum Part: Equatable {
        case literal(Character)
        case segmentWildcard
        case anyWildcard
        /// `**/`: nothing, or anything ending in `/`.
        case anySegments
    }

    public init(_ pattern: String) throws(RetentionRuleError) {
        guard !pattern.isEmpty else { throw .invalidGlob(pattern, "it is empty") }
        var parts: [Part] = []
        var chars = pattern[...]
        while let c = chars.popFirst() {
            if c == "*" {
                if chars.first == "*" {
                    chars = chars.dropFirst()
                    if chars.first == "*" { throw .invalidGlob(pattern, "*** is not a pattern: use * (one segment) or ** (any depth)") }
                    if chars.first == "/" {
                        chars = chars.dropFirst()
                        parts.append(.anySegments)
                    } else {
                        parts.append(.anyWildcard)
                    }
                } else {
                    parts.append(.segmentWildcard)
                }
            } else {
                parts.append(.literal(c))
            }
        }
        self.pattern = pattern
        self.parts = parts
    }

    public var description: String { pattern }

    public func matches(_ name: String) -> Bool {
        let text = Array(name)
        // memo[i][j]: parts[i...] matches text[j...]; patterns are short, names too, so a table is cheap and linear in
        // their product whatever the wildcards.
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: text.count + 1), count: parts.count + 1)
        func match(_ i: Int, _ j: Int) -> Bool {
            if let known = memo[i][j] { return known }
            let result: Bool
            if i == parts.count {
                result = j == text.count
            } else {
                switch parts[i] {
                case .literal(let c): result = j < text.count && text[j] == c && match(i + 1, j + 1)
                case .segmentWildcard: result = match(i + 1, j) || (j < text.count && text[j] != "/" && match(i, j + 1))
                case .anyWildcard: result = match(i + 1, j) || (j < text.count && match(i, j + 1))
                case .anySegments: result = match(i + 1, j) || (j..<text.count).contains { k in text[k] == "/" && match(i + 1, k + 1) }
                }
            }
            memo[i][j] = result
            return result
        }
        return match(0, 0)
    }
}
