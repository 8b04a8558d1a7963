/// `drydock prune --policy FILE`: the retention rules of a whole registry as YAML.
///
/// ```yaml
/// rules:                      # a repository takes the first rule set whose repositories match it
///   - repositories: ["team/**"]
///     tags: ["^v"]            # candidates (default: every tag)
///     keep-last: 10
///     keep-within: 90d
///     keep-tags: ['^latest$']
///     order: semver           # pushed (default), created, semver
/// ```
///
/// Unknown keys, and a rule set that keeps nothing, are errors naming the line.
public enum RetentionPolicyFile {
    static let ruleKeys = ["repositories", "tags", "keep-last", "keep-within", "keep-tags", "order"]

    public static func parse(_ text: String) throws(RetentionRuleError) -> [RetentionRuleSet] {
        do {
            guard case .mapping(let top, let topLine)? = try YAMLText.parseFirstDocument(text) else {
                throw RetentionRuleError.policy("policy: expected a mapping with `rules:` (a list of rule sets)")
            }
            var rules: [RetentionRuleSet]?
            try YAMLV2.forEachPair(top, path: "") { (key: YAMLNode, value: YAMLNode) throws(ConfigurationError) in
                let name = try YAMLV2.decodeString(key, path: "")
                guard name == "rules" else { throw .invalidValue(key: name, reason: "line \(key.line): unknown key (expected rules)") }
                guard case .sequence(let items, _) = value else {
                    throw .invalidValue(key: "rules", reason: "line \(value.line): expected a list of rule sets")
                }
                var sets: [RetentionRuleSet] = []
                for (i, item) in items.enumerated() { sets.append(try ruleSet(item, path: "rules[\(i)]")) }
                rules = sets
            }
            guard let rules, !rules.isEmpty else { throw RetentionRuleError.policy("policy line \(topLine): no rule sets under `rules:`") }
            return rules
        } catch let error as RetentionRuleError {
            throw error
        } catch let error as ConfigurationError {
            switch error {
            case .invalidYAML(let reason): throw .policy("policy is not valid YAML: \(SafeText.escaping(reason))")
            case .invalidValue(let key, let reason): throw .policy("policy \(SafeText.escaping(key)): \(reason)")
            default: throw .policy("policy: \(error)")
            }
        } catch {
            throw .policy("policy: \(error)")
        }
    }

    /// One rule set; a bad pattern or duration is reported with its line.
    private static func ruleSet(_ node: YAMLNode, path: String) throws(ConfigurationError) -> RetentionRuleSet {
        guard case .mapping = node else { throw .invalidValue(key: path, reason: "line \(node.line): expected a mapping (a rule set)") }
        var repositories: [RepositoryGlob] = []
        var tags: [TagPattern] = []
        var keepLast: Int?
        var keepWithin: (text: String, seconds: Double)?
        var keepTags: [TagPattern] = []
        var order = TagOrder.pushed
        func located<T>(_ line: Int, _ key: String, _ make: () throws(RetentionRuleError) -> T) throws(ConfigurationError) -> T {
            do {
                return try make()
            } catch {
                throw .invalidValue(key: key, reason: "line \(line): \(error)")
            }
        }
        try YAMLV2.decodeStruct(node, path: path) { (name: String, value: YAMLNode, key: String) throws(ConfigurationError) in
            switch name {
            case "repositories":
                repositories = try YAMLV2.decodeStringList(value, path: key).map { p throws(ConfigurationError) in
                    try located(value.line, key) { () throws(RetentionRuleError) in try RepositoryGlob(p) }
                }
            case "tags", "keep-tags":
                let patterns = try YAMLV2.decodeStringList(value, path: key).map { p throws(ConfigurationError) in
                    try located(value.line, key) { () throws(RetentionRuleError) in try TagPattern(p) }
                }
                if name == "tags" { tags = patterns } else { keepTags = patterns }
            case "keep-last":
                let n = try YAMLV2.decodeInt(value, path: key)
                guard n >= 0 else { throw .invalidValue(key: key, reason: "line \(value.line): must not be negative") }
                keepLast = n
            case "keep-within":
                let text = try YAMLV2.decodeString(value, path: key)
                keepWithin = (text, try located(value.line, key) { () throws(RetentionRuleError) in try RetentionDuration.seconds(text) })
            case "order":
                let text = try YAMLV2.decodeString(value, path: key)
                guard let o = TagOrder(rawValue: text) else {
                    throw .invalidValue(key: key, reason: "line \(value.line): \"\(SafeText.escaping(text))\" is not one of pushed, created, semver")
                }
                order = o
            default:
                throw .invalidValue(
                    key: key, reason: "line \(value.line): unknown key \"\(SafeText.escaping(name))\" (known: \(ruleKeys.joined(separator: ", ")))")
            }
        }
        return try located(node.line, path) { () throws(RetentionRuleError) in
            try RetentionRuleSet(repositories: repositories, tags: tags, keepLast: keepLast, keepWithin: keepWithin, keepTags: keepTags, order: order)
        }
    }
}
