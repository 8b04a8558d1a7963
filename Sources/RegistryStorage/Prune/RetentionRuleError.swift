/// A retention rule that cannot be used: a usage error, named with the offending text (escaped).
public enum RetentionRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidGlob(String, String)
    case invalidRegex(String, String)
    case invalidDuration(String)
    case invalidCount(String)
    case noRetainRule
    case policy(String)

    public var description: String {
        switch self {
        case .invalidGlob(let p, let why): "repository pattern \"\(SafeText.escaping(p))\": \(why)"
        case .invalidRegex(let p, let why): "regular expression \"\(SafeText.escaping(p))\": \(why)"
        case .invalidDuration(let d):
            "\"\(SafeText.escaping(d))\" is not a duration such as 90d, 2w, 12h or 1h30m"
        case .invalidCount(let c): "\"\(SafeText.escaping(c))\" is not a count (N) or a percentage (P%)"
        case .noRetainRule:
            "a prune must say what it keeps: give --keep-last, --keep-within or --keep-tag (or keep rules in --policy)"
        case .policy(let message): message
        }
    }
}
