import Foundation

import Yams

/// The Yams bridge: YAML text to a bounded `YAMLNode` tree.
enum YAMLText {
    /// Largest configuration document (file or environment value) that is parsed at all.
    static let maxBytes = 1 << 20
    /// Nodes after alias expansion; a real configuration has a few hundred.
    static let maxNodes = 100_000
    /// Nesting of the reduced tree (libyaml itself stops at 1000).
    static let maxDepth = 64
    /// Yams composes recursively (about 2–10 KiB of stack per nesting level, up to libyaml's 1000 levels),
    /// so parsing runs on a thread of its own with a known, generous stack.
    static let parserStackSize = 64 << 20
    static let parserTimeoutSeconds = 60

    private static let implicitTagMarker = "tag:drydock.invalid,2024:implicit"
    /// A resolver that tags every untagged scalar with a marker, so explicit tags can be told apart.
    private static let markingResolver: Resolver = {
        if let marked = try? Resolver.basic.appending(Yams.Tag.Name(rawValue: implicitTagMarker), "^") { return marked }
        return Resolver.basic
    }()

    /// Parses the first YAML document of `text` (later documents are ignored, as yaml.v2 does).
    /// Returns nil for an empty document.
    static func parseFirstDocument(_ text: String) throws(ConfigurationError) -> YAMLNode? {
        // yaml.v2 takes a leading byte order mark for the encoding's signature and drops it. Yams, which names the
        // encoding, leaves it to libyaml's scanner, which skips it but counts it as a column: the first key then sits
        // one column deeper than the next ones, and the mapping is misread (a file's `storage` went missing).
        let text = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        guard text.utf8.count <= maxBytes else {
            throw .invalidYAML(reason: "the document is larger than \(maxBytes) bytes")
        }
        if aliasKeyRisk(text) {
            throw .invalidYAML(reason: "aliases (*name) combined with complex mapping keys (`? `, `[...]:`, `*alias:`) are not supported")
        }
        let outcome = ParseOutcome()
        let thread = Thread {
            outcome.result = Result { () throws(ConfigurationError) -> YAMLNode? in try parseOnThisThread(text) }
            outcome.done.signal()
        }
        thread.stackSize = parserStackSize
        thread.start()
        // Parsing is linear in the (bounded) input; the timeout only guards against a thread that never ran.
        guard outcome.done.wait(timeout: .now() + .seconds(parserTimeoutSeconds)) == .success else {
            throw .invalidYAML(reason: "the YAML parser did not finish within \(parserTimeoutSeconds) seconds")
        }
        return try outcome.result.get()
    }

    private final class ParseOutcome: @unchecked Sendable {
        // Written by the parser thread before `done.signal()`, read after `done.wait()`.
        var result: Result<YAMLNode?, ConfigurationError> = .success(nil)
        let done = DispatchSemaphore(value: 0)
    }

    private static func parseOnThisThread(_ text: String) throws(ConfigurationError) -> YAMLNode? {
        // Every Yams node is created and released on this thread (its deinit recurses too).
        do {
            let parser = try Yams.Parser(yaml: text, resolver: markingResolver, constructor: .default, encoding: .utf8)
            guard let root = try parser.nextRoot() else { return nil }
            var budget = maxNodes
            return try reduce(root, depth: 0, budget: &budget)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw .invalidYAML(reason: describe(error))
        } catch {
            throw .invalidYAML(reason: String(describing: error))
        }
    }

    private static func reduce(_ node: Node, depth: Int, budget: inout Int) throws(ConfigurationError) -> YAMLNode {
        budget -= 1
        if budget < 0 {
            throw .invalidYAML(reason: "the document has more than \(maxNodes) nodes once aliases are expanded")
        }
        if depth > maxDepth {
            throw .invalidYAML(reason: "the document is nested more than \(maxDepth) levels deep")
        }
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            let tag = scalar.tag.description
            let explicit: String? = (tag.isEmpty || tag == implicitTagMarker) ? nil : tag
            return .scalar(YAMLScalar(text: scalar.string, plain: scalar.style == .plain || scalar.style == .any,
                                      explicitTag: explicit, line: line))
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                items.append(try reduce(item, depth: depth + 1, budget: &budget))
            }
            return .sequence(items, line: line)
        case .mapping(let mapping):
            var pairs: [YAMLPair] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                let k = try reduce(key, depth: depth + 1, budget: &budget)
                let v = try reduce(value, depth: depth + 1, budget: &budget)
                pairs.append(YAMLPair(key: k, value: v))
            }
            return .mapping(pairs, line: line)
        case .alias:
            throw .invalidYAML(reason: "unresolved alias at line \(line)")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        func located(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> String {
            var text = "line \(mark.line), column \(mark.column): \(problem)"
            if let context, !context.text.isEmpty {
                text += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return text
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return located(problem, context, mark)
        case let .reader(problem, offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        case let .duplicatedKeysInMapping(duplicates, context):
            return "duplicate mapping key(s) \(duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", "))"
                + " at line \(context.mark.line)"
        default:
            return error.description
        }
    }

    /// Yams hashes every mapping key while composing, and hashing an alias-expanded key costs its expanded
    /// size, so a few dozen aliases used as (or inside) mapping keys can stall the parser for hours.
    /// Registry configurations never need either, so documents that have both are refused up front.
    /// The scan over-approximates (it may also fire on quoted text) and never under-approximates.
    static func aliasKeyRisk(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func isFlowIndicator(_ c: UInt8) -> Bool {
            c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
                || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
        }
        func isAnchorChar(_ c: UInt8) -> Bool { !isBlank(c) && !isFlowIndicator(c) }
        func colonFollows(_ start: Int) -> Bool {
            var j = start
            while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
            return j < b.count && b[j] == UInt8(ascii: ":")
        }
        var hasAlias = false
        var hasComplexKey = false
        for i in b.indices {
            let c = b[i]
            let atTokenStart = i == 0 || isBlank(b[i - 1]) || b[i - 1] == UInt8(ascii: "[")
                || b[i - 1] == UInt8(ascii: "{") || b[i - 1] == UInt8(ascii: ",")
            switch c {
            case UInt8(ascii: "*") where atTokenStart && i + 1 < b.count && isAnchorChar(b[i + 1]):
                hasAlias = true
                var j = i + 1
                while j < b.count, isAnchorChar(b[j]), b[j] != UInt8(ascii: ":") { j += 1 }
                if colonFollows(j) { hasComplexKey = true }
            case UInt8(ascii: "?") where atTokenStart && (i + 1 == b.count || isBlank(b[i + 1])):
                hasComplexKey = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if colonFollows(i + 1) { hasComplexKey = true }
            default:
                break
            }
            if hasAlias && hasComplexKey { return true }
        }
        return false
    }
}
