import Foundation

/// A first argument that is neither a subcommand nor a store, but close to a subcommand: `drydock verfy STORE` or
/// `drydock lss` should say "unknown command", as crane and regctl do, instead of a usage error about an unexpected
/// argument or "cannot open store: lss".
struct CommandSuggestion: Equatable {
    var word: String
    var suggestion: String

    /// The subcommands a typo is matched against (the browse default is never typed as a word).
    static let commands = ["ls", "verify", "rm", "prune", "undo", "gc", "demo", "browse", "completion", "help"]

    /// Words people bring from other tools, mapped to ours.
    static let synonyms: [String: String] = [
        "list": "ls", "tags": "ls", "show": "ls", "inspect": "ls",
        "check": "verify", "fsck": "verify", "validate": "verify",
        "remove": "rm", "delete": "rm", "del": "rm", "untag": "rm",
        "restore": "undo", "revert": "undo",
        "collect": "gc", "garbage-collect": "gc", "cleanup": "gc", "clean": "gc",
        "retention": "prune",
    ]

    /// The suggestion for `arguments` (without the program name), or nil when the first argument is a subcommand, a
    /// flag, a store that exists (`exists`), an `s3://` address, or not close to any subcommand.
    static func check(_ arguments: [String], exists: (String) -> Bool) -> CommandSuggestion? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first) else { return nil }
        guard !first.hasPrefix("s3://"), !first.contains("/"), !exists(first) else { return nil }
        let word = first.lowercased()
        if let mapped = synonyms[word] { return CommandSuggestion(word: first, suggestion: mapped) }
        let ranked = commands.map { ($0, editDistance(word, $0)) }
            .filter { $0.1 <= (min(word.count, $0.0.count) <= 3 ? 1 : 2) }
            .min { $0.1 < $1.1 }
        return ranked.map { CommandSuggestion(word: first, suggestion: $0.0) }
    }

    var message: String {
        "drydock: unknown command '\(word)'. Did you mean 'drydock \(suggestion)'?\n"
            + "(No store named '\(word)' exists either; see 'drydock --help'.)"
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions
    /// (`prnue` is one step from `prune`).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
