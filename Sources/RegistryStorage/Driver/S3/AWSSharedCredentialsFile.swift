import Foundation

/// The INI dialect of `~/.aws/credentials`: `[profile]` headers, `key = value` lines, whole-line comments starting
/// with `#` or `;` (and trailing ones after whitespace), surrounding whitespace ignored, key names case-insensitive.
/// A later value for the same key wins; lines outside any section are ignored.
public enum AWSSharedCredentialsFile {
    public static func parse(_ text: String) -> [String: [String: String]] {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                current = name
                if profiles[name] == nil { profiles[name] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = String(line[line.index(after: equals)...])
            if let comment = value.range(of: #"\s[#;]"#, options: .regularExpression) {
                value = String(value[..<comment.lowerBound])
            }
            profiles[current]?[key] = value.trimmingCharacters(in: .whitespaces)
        }
        return profiles
    }
}
