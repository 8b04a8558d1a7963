/// Something wrong or noteworthy found while reading the store. Reading never stops at one: each problem is
/// attached to the entry it concerns, so the rest of the store stays browsable.
public struct Problem: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case info, warning, error

        private var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    }

    /// Stable identifiers, for scripts reading `--json` and for tests.
    public enum Code: String, Sendable, CaseIterable {
        case invalidLink = "link.invalid"
        case nonCanonicalLink = "link.non-canonical"
        case linkTargetMismatch = "link.target-mismatch"
        case unreadable = "file.unreadable"
        case notARegularFile = "file.not-regular"
        case symlinkLeavesRoot = "file.symlink-outside-root"
        case vanished = "file.vanished"
        case invalidPathComponent = "path.invalid-component"
        case invalidRepositoryName = "repository.invalid-name"
        case manifestsWithoutLayers = "repository.no-layers-folder"
        case invalidTagName = "tag.invalid-name"
        case tagWithoutCurrent = "tag.no-current-link"
        case danglingTag = "tag.dangling"
        case blobMissing = "blob.missing"
        case blobNotRegular = "blob.not-regular"
        case manifestTooLarge = "manifest.too-large"
        case fileTooLarge = "file.too-large"
        case manifestUnparsable = "manifest.unparsable"
        case manifestUnknownType = "manifest.unknown-type"
        /// A descriptor declares a negative `size` (`ManifestParser.negativeSizes`).
        case manifestInvalidSize = "manifest.invalid-size"
        case configUnparsable = "config.unparsable"
        case uploadUnreadable = "upload.unreadable"
        case seedEraPlacement = "manifest.seed-era-placement"
        case unexpectedEntry = "path.unexpected"
    }

    public var severity: Severity
    public var code: Code
    /// Where it was found, relative to `docker/registry/v2`.
    public var path: StoragePath?
    /// Human text; anything from the store in it is already escaped for terminals.
    public var message: String

    public init(_ severity: Severity, _ code: Code, _ message: String, at path: StoragePath? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(severity.rawValue): \(message) [\(SafeText.escaping(path.description))]" }
        return "\(severity.rawValue): \(message)"
    }

    /// True when the problem means something was skipped or not read: a symlink not followed, a file that is not
    /// regular or cannot be read, a link whose content is no digest, an entry whose name cannot be opened. What lies
    /// there is unknown, so neither can be what it keeps alive (a garbage collection refuses to run).
    public var leavesContentUnknown: Bool {
        switch code {
        case .symlinkLeavesRoot, .unreadable, .notARegularFile, .invalidLink, .vanished, .fileTooLarge: true
        // Warnings of this code are stray names the registry ignores too; errors are entries that were skipped.
        case .invalidPathComponent: severity == .error
        default: false
        }
    }

    /// Maps a driver failure on `path` to a problem.
    public static func from(_ error: DriverError, severity: Severity = .error, context: String) -> Problem {
        let code: Code
        switch error {
        case .notFound: code = .vanished
        case .notARegularFile: code = .notARegularFile
        case .symlink: code = .symlinkLeavesRoot
        case .tooLarge: code = .fileTooLarge
        default: code = .unreadable
        }
        return Problem(severity, code, "\(context): \(SafeText.escaping(error.description))", at: error.path)
    }

    /// A walked entry that should be a regular file but is not (symlink, FIFO, device, unreadable name).
    public static func notAFile(_ kind: EntryKind, at path: StoragePath, expected: String) -> Problem {
        switch kind {
        case .symlink(let p): Problem(.error, .symlinkLeavesRoot, "\(expected) is a symlink that \(p); not followed", at: path)
        case .special("unreadable name"): Problem(.error, .invalidPathComponent, "an entry whose name is not valid UTF-8 cannot be read", at: path.parent)
        default: Problem(.error, .notARegularFile, "\(expected) is a \(kind), not a regular file", at: path)
        }
    }
}
