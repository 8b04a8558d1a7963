/// One link file a delete removed, as the journal keeps it: which link it was (structured, so undo rebuilds its path
/// with `StoreLayout` from validated parts, never from stored path text) and its exact bytes.
public struct JournalLink: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable {
        /// `_layers/<alg>/<hex>/link`
        case layer
        /// `_manifests/revisions/<alg>/<hex>/link`
        case revision
        /// `_manifests/revisions/<alg>/<hex>/signatures/<alg>/<hex>/link` (seed era)
        case signature
        /// `_manifests/tags/<tag>/current/link`
        case tagCurrent = "tag-current"
        /// `_manifests/tags/<tag>/index/<alg>/<hex>/link`
        case tagIndex = "tag-index"
    }

    public var repository: String
    public var kind: Kind
    public var tag: String?
    /// The digest the path names (revision, layer, tag index entry; for a signature, its revision).
    public var digest: String?
    /// A signature link's own digest.
    public var signature: String?
    /// The link file's exact content, base64.
    public var content: String

    public init(repository: String, kind: Kind, tag: String? = nil, digest: Digest? = nil, signature: Digest? = nil, bytes: [UInt8]) {
        self.repository = repository
        self.kind = kind
        self.tag = tag
        self.digest = digest?.description
        self.signature = signature?.description
        self.content = Base64URL.encodeStandard(bytes)
    }

    public var bytes: [UInt8]? { Base64URL.decodeStandard(content) }

    /// The digest the link's content names, when it parses.
    public var target: Digest? {
        guard let b = bytes, case .success(let c) = LinkContent.parse(b) else { return nil }
        return c.target
    }

    /// The repository folder, or nil when the stored name could not be a repository folder.
    public var repositoryPath: StoragePath? { StoreEntry.repositoryPath(repository) }

    /// The link as a store entry, from the journal's fields; nil when a digest does not parse.
    var entry: StoreEntry? {
        let d = digest.flatMap { Digest($0) }
        let file: StoreEntry.RepositoryFile?
        switch kind {
        case .layer: file = d.map { .layerLink($0) }
        case .revision: file = d.map { .revisionLink($0) }
        case .signature: file = d.flatMap { d in signature.flatMap { Digest($0) }.map { .signatureLink(revision: d, signature: $0) } }
        case .tagCurrent: file = tag.map { .tagCurrentLink(tag: $0) }
        case .tagIndex: file = tag.flatMap { t in d.map { .tagIndexLink(tag: t, $0) } }
        }
        return file.map { .repository(name: repository, $0) }
    }

    /// Where the link lives, rebuilt from validated parts (`StoreEntry.path`); nil when any part is invalid (a
    /// damaged journal).
    public var path: StoragePath? { entry?.path }

    /// Recognises a link file of a repository from its path (`StoreEntry`); nil for anything else (uploads, stray
    /// files).
    public static func classify(_ path: StoragePath, bytes: [UInt8]) -> JournalLink? {
        guard case .repository(let repository, let file)? = StoreEntry(path) else { return nil }
        switch file {
        case .layerLink(let d): return JournalLink(repository: repository, kind: .layer, digest: d, bytes: bytes)
        case .revisionLink(let d): return JournalLink(repository: repository, kind: .revision, digest: d, bytes: bytes)
        case .signatureLink(let d, let s): return JournalLink(repository: repository, kind: .signature, digest: d, signature: s, bytes: bytes)
        case .tagCurrentLink(let tag): return JournalLink(repository: repository, kind: .tagCurrent, tag: tag, bytes: bytes)
        case .tagIndexLink(let tag, let d): return JournalLink(repository: repository, kind: .tagIndex, tag: tag, digest: d, bytes: bytes)
        case .uploadData, .uploadStartedAt: return nil
        }
    }

    /// For messages: `team/app: tag v1 (current)`.
    public var summary: String {
        // Every field comes from a journal file, which anyone with write access to the store can edit.
        let repo = SafeText.escaping(repository)
        let digest = SafeText.escaping(self.digest ?? "?")
        switch kind {
        case .layer: return "\(repo): layer link \(digest)"
        case .revision: return "\(repo): manifest link \(digest)"
        case .signature: return "\(repo): signature link \(SafeText.escaping(signature ?? "?")) of \(digest)"
        case .tagCurrent: return "\(repo): tag \(SafeText.escaping(tag ?? "?")) -> \(target?.description ?? "?")"
        case .tagIndex: return "\(repo): tag \(SafeText.escaping(tag ?? "?")) history entry \(digest)"
        }
    }
}
