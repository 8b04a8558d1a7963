import Foundation

/// The filter as typed after `/`, as k9s reads it: plain text matches rows containing it (case- and
/// diacritic-folded, one byte search per row); text using regular expression syntax is a case-insensitive regular
/// expression; `!` first keeps the rows that do not match. An expression that does not compile yet (`[a-` while
/// typing) is matched as plain text.
struct RowFilter {
    enum Mode: Equatable { case text, regex, invalidRegex }

    let inverted: Bool
    let mode: Mode
    private let needle: [UInt8]
    private let regex: NSRegularExpression?

    /// Characters that make the filter a regular expression.
    static let regexSyntax = Set(".*+?[](){}|^$\\")

    init(_ typed: String) {
        inverted = typed.hasPrefix("!")
        let expression = inverted ? String(typed.dropFirst()) : typed
        needle = Row.folded(expression)
        if expression.contains(where: Self.regexSyntax.contains) {
            regex = try? NSRegularExpression(pattern: expression, options: [.caseInsensitive])
            mode = regex == nil ? .invalidRegex : .regex
        } else {
            regex = nil
            mode = .text
        }
    }

    /// `!` alone filters nothing out (the expression is still being typed).
    var isEmpty: Bool { needle.isEmpty }

    func matches(_ row: Row) -> Bool {
        guard !isEmpty else { return true }
        let hit: Bool
        if let regex {
            let text = row.searchText
            hit = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        } else {
            hit = row.matches(folded: needle)
        }
        return hit != inverted
    }

    /// How the filter line names the filter: `regex`, `not`, `not · regex`; nil for plain text.
    var label: String? {
        var parts: [String] = []
        if inverted && !isEmpty { parts.append("not") }
        switch mode {
        case .text: break
        case .regex: parts.append("regex")
        case .invalidRegex: parts.append("not a valid regex: plain text")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}
