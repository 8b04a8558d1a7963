import Foundation

/// A direct store address, `s3://BUCKET/ROOT`: ROOT is the registry's `rootdirectory` (may be empty); a trailing
/// `docker/registry/v2` is accepted and dropped, like the `v2` folder for a filesystem store.
public struct S3StoreURL: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Without leading or trailing slashes.
    public var rootDirectory: String
    public var notes: [String] = []

    public init(bucket: String, rootDirectory: String) {
        self.bucket = bucket
        self.rootDirectory = rootDirectory
    }

    /// The same text as `S3Location.description` (and the driver's `location`).
    public var description: String { rootDirectory.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(rootDirectory)" }

    /// True for text that is meant as an S3 address (`s3://`, any case).
    public static func looksLikeS3(_ text: String) -> Bool { text.lowercased().hasPrefix("s3://") }

    public static func parse(_ text: String) throws(S3AccessError) -> S3StoreURL {
        guard looksLikeS3(text) else { throw .invalidURL(text, reason: "expected s3://BUCKET/ROOTDIRECTORY") }
        let rest = text.dropFirst("s3://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let bucket = String(rest[..<slash])
        guard !bucket.isEmpty else { throw .invalidURL(text, reason: "names no bucket (expected s3://BUCKET/ROOTDIRECTORY)") }
        if let problem = bucketProblem(bucket, strict: true) { throw .invalidURL(text, reason: "the bucket name \"\(bucket)\" \(problem)") }
        var root: String
        switch normalizedRoot(slash == rest.endIndex ? "" : String(rest[rest.index(after: slash)...])) {
        case .success(let r): root = r
        case .failure(let problem): throw .invalidURL(text, reason: problem.reason)
        }
        var url = S3StoreURL(bucket: bucket, rootDirectory: root)
        let v2 = "docker/registry/v2"
        if root == v2 || root.hasSuffix("/" + v2) {
            // The store's v2 prefix itself was named: the root is above it.
            root = String(root.dropLast(v2.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            url.rootDirectory = root
            url.notes.append("\(text) is a store's v2 prefix: reading the store rooted at \(url)")
        }
        return url
    }

    /// The registry's key rule (`s3Path`: leading and trailing slashes of `rootdirectory` do not count), plus what
    /// Drydock refuses: empty, `.` or `..` segments (some HTTP stacks fold them; the keys could not be addressed
    /// reliably) and control characters.
    static func normalizedRoot(_ root: String) -> Result<String, S3ValueProblem> {
        let trimmed = root.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if trimmed.isEmpty { return .success("") }
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .failure(S3ValueProblem("the root directory contains control characters"))
        }
        for segment in trimmed.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return .failure(S3ValueProblem("the root directory \"\(trimmed)\" has an empty segment (//)")) }
            if segment == "." || segment == ".." {
                return .failure(S3ValueProblem("the root directory \"\(trimmed)\" has a \"\(segment)\" segment; name the prefix without it"))
            }
        }
        return .success(trimmed)
    }

    /// Nil when usable. `strict`: the S3 naming rules (3 to 63 lower-case letters, digits, dots and dashes, starting
    /// and ending with a letter or digit, no `..`, not an IP address). Otherwise (a registry configuration, which the
    /// registry does not check): only what would break a request URL.
    static func bucketProblem(_ bucket: String, strict: Bool) -> String? {
        if bucket.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F || "/?#%\\".unicodeScalars.contains($0) }) {
            return "is not a bucket name (spaces, slashes, ?, #, % and non-ASCII characters cannot occur in one)"
        }
        guard strict else { return nil }
        guard bucket.count >= 3 && bucket.count <= 63 else { return "is not a bucket name: it must be 3 to 63 characters long" }
        let allowed = bucket.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }
        guard allowed else { return "is not a bucket name: only lower-case letters, digits, dots and dashes" }
        guard let first = bucket.unicodeScalars.first, let last = bucket.unicodeScalars.last,
              CharacterSet.alphanumerics.contains(first), CharacterSet.alphanumerics.contains(last)
        else { return "is not a bucket name: it must start and end with a letter or digit" }
        if bucket.contains("..") { return "is not a bucket name: two dots in a row" }
        if bucket.range(of: #"^(\d+\.){3}\d+$"#, options: .regularExpression) != nil { return "is not a bucket name: it looks like an IP address" }
        return nil
    }
}
