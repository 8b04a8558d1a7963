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
    public var repositoryPath: StoragePath? {
        let comps = repository.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !comps.isEmpty, StoragePath(validating: comps) != nil, !comps.contains(where: { $0.hasPrefix("_") }) else { return nil }
        return StoreLayout.repository(repository)
    }

    /// Where the link lives, rebuilt from validated parts; nil when any part is invalid (a damaged journal).
    public var path: StoragePath? {
        guard let repo = repositoryPath else { return nil }
        let d = digest.flatMap { Digest($0) }
        switch kind {
        case .layer: return d.map { StoreLayout.layerLink(repo, $0) }
        case .revision: return d.map { StoreLayout.revisionLink(repo, $0) }
        case .signature:
            guard let d, let s = signature.flatMap({ Digest($0) }) else { return nil }
            return StoreLayout.signatureLink(repo, revision: d, signature: s)
        case .tagCurrent:
            guard let tag, StoragePath.isSafeComponent(tag) else { return nil }
            return StoreLayout.tagCurrentLink(repo, tag)
        case .tagIndex:
            guard let tag, StoragePath.isSafeComponent(tag), let d else { return nil }
            return StoreLayout.tagIndexLink(repo, tag, d)
        }
    }

    /// Recognises a link file of a repository from its path; nil for anything else (uploads, stray files).
    /// The result's `path` is checked to rebuild exactly `path`.
    public static func classify(_ path: StoragePath, bytes: [UInt8]) -> JournalLink? {
        let c = path.components
        guard c.count > 2, c[0] == StoreLayout.repositories.components[0],
            let marker = c.indices.dropFirst(2).first(where: { c[$0].hasPrefix("_") })
        else { return nil }
        let repository = c[1..<marker].joined(separator: "/")
        let rest = Array(c[marker...])
        let digest = { (a: String, h: String) in StoreLayout.digest(algorithm: a, hex: h) }
        var link: JournalLink?
        switch rest.count {
        case 4 where rest[0] == "_layers" && rest[3] == "link":
            link = digest(rest[1], rest[2]).map { JournalLink(repository: repository, kind: .layer, digest: $0, bytes: bytes) }
        case 5 where rest[0] == "_manifests" && rest[1] == "revisions" && rest[4] == "link":
            link = digest(rest[2], rest[3]).map { JournalLink(repository: repository, kind: .revision, digest: $0, bytes: bytes) }
        case 8 where rest[0] == "_manifests" && rest[1] == "revisions" && rest[4] == "signatures" && rest[7] == "link":
            if let d = digest(rest[2], rest[3]), let s = digest(rest[5], rest[6]) {
                link = JournalLink(repository: repository, kind: .signature, digest: d, signature: s, bytes: bytes)
            }
        case 5 where rest[0] == "_manifests" && rest[1] == "tags" && rest[3] == "current" && rest[4] == "link":
            link = JournalLink(repository: repository, kind: .tagCurrent, tag: rest[2], bytes: bytes)
        case 7 where rest[0] == "_manifests" && rest[1] == "tags" && rest[3] == "index" && rest[6] == "link":
            link = digest(rest[4], rest[5]).map { JournalLink(repository: repository, kind: .tagIndex, tag: rest[2], digest: $0, bytes: bytes) }
        default:
            break
        }
        guard let link, link.path == path else { return nil }
        return link
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
