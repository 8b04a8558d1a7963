// Reading registry configuration YAML the way docker/distribution 2.8.2 does (gopkg.in/yaml.v2, YAML 1.1
// scalars): the parsed document, reduced to what yaml.v2's decoder looks at.

/// A YAML node reduced to what yaml.v2's decoder looks at. Aliases are already expanded (Yams does that
/// while composing); the conversion from Yams' tree is bounded in size and depth.
indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], line: Int)
    case mapping([YAMLPair], line: Int)

    var line: Int {
        switch self {
        case .scalar(let s): s.line
        case .sequence(_, let line), .mapping(_, let line): line
        }
    }

    /// yaml.v2's short name for the node's kind, used in messages (`!!str`, `!!bool`, `!!map`, ...).
    var kindName: String {
        switch self {
        case .scalar(let s): (try? YAMLV2.resolve(s))?.kindName ?? "!!str"
        case .sequence: "!!seq"
        case .mapping: "!!map"
        }
    }
}

struct YAMLPair: Sendable {
    var key: YAMLNode
    var value: YAMLNode
}

struct YAMLScalar: Sendable {
    var text: String
    /// Plain style: not quoted, not a literal (`|`) or folded (`>`) block. Only plain scalars are resolved
    /// to booleans, numbers and null; every other style is a string.
    var plain: Bool
    /// The tag written in the document (`tag:yaml.org,2002:bool` for `!!bool`, `!foo`), or nil.
    var explicitTag: String?
    var line: Int
}
