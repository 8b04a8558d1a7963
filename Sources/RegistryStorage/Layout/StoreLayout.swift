/// Path templates of registry 2.8.2 (`registry/storage/paths.go`), relative to `docker/registry/v2`. The paths read
/// per file (links, blob data) are built in one `appending` each: a chain allocated an array per step.
/// Every path is built from a validated `Digest` or from name components checked by the caller, never from raw text.
/// `StoreEntry` reads paths back; the two are kept inverse by `StoreEntryTests`.
public enum StoreLayout {
    public static let repositories = StoragePath(trusted: ["repositories"])
    public static let blobs = StoragePath(trusted: ["blobs"])
    /// Drydock's own folder; the registry ignores anything outside `blobs/` and `repositories/`.
    public static let drydock = StoragePath(trusted: ["drydock"])

    public static func repository(_ name: String) -> StoragePath {
        repositories.appending(name.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    public static func blobDirectory(_ d: Digest) -> StoragePath {
        let hex = d.hex
        return StoragePath(trusted: ["blobs", d.algorithm.name, String(hex.prefix(2)), hex])
    }

    /// Built in one array (not `blobDirectory` + `data`): a path per manifest read.
    public static func blobData(_ d: Digest) -> StoragePath {
        let hex = d.hex
        return StoragePath(trusted: ["blobs", d.algorithm.name, String(hex.prefix(2)), hex, "data"])
    }

    /// `blobs/<algorithm>`, where batches of blob reads are opened from (`blobDataInAlgorithmDirectory`).
    public static func blobAlgorithmDirectory(_ algorithm: DigestAlgorithm) -> StoragePath {
        StoragePath(trusted: ["blobs", algorithm.name])
    }

    /// `blobData(d)` relative to `blobAlgorithmDirectory(d.algorithm)`.
    public static func blobDataInAlgorithmDirectory(_ d: Digest) -> [String] {
        let hex = d.hex
        return [String(hex.prefix(2)), hex, "data"]
    }

    /// Folder names inside a repository, for the builders below.
    private static let layers = "_layers", manifests = "_manifests", tags = "tags", revisions = "revisions"

    public static func layersDirectory(_ repo: StoragePath) -> StoragePath { repo.appending(layers) }
    public static func manifestsDirectory(_ repo: StoragePath) -> StoragePath { repo.appending(manifests) }
    public static func uploadsDirectory(_ repo: StoragePath) -> StoragePath { repo.appending("_uploads") }
    public static func tagsDirectory(_ repo: StoragePath) -> StoragePath { repo.appending([manifests, tags]) }

    public static func layerLinkDirectory(_ repo: StoragePath, _ d: Digest) -> StoragePath {
        repo.appending([layers, d.algorithm.name, d.hex])
    }

    public static func layerLink(_ repo: StoragePath, _ d: Digest) -> StoragePath {
        repo.appending([layers, d.algorithm.name, d.hex, "link"])
    }

    public static func revisionsDirectory(_ repo: StoragePath) -> StoragePath { repo.appending([manifests, revisions]) }

    public static func revisionDirectory(_ repo: StoragePath, _ d: Digest) -> StoragePath {
        repo.appending([manifests, revisions, d.algorithm.name, d.hex])
    }

    public static func revisionLink(_ repo: StoragePath, _ d: Digest) -> StoragePath {
        repo.appending([manifests, revisions, d.algorithm.name, d.hex, "link"])
    }

    /// `revisionLink(repo, d)` relative to `revisionsDirectory(repo)`.
    public static func revisionLinkInRevisions(_ d: Digest) -> [String] { [d.algorithm.name, d.hex, "link"] }

    /// Seed era (registry 2.0 to 2.4): the folder of a revision's stored schema1 signature links.
    public static func signaturesDirectory(_ repo: StoragePath, revision: Digest) -> StoragePath {
        revisionDirectory(repo, revision).appending("signatures")
    }

    /// Seed era (registry 2.0 to 2.4): one link per stored schema1 signature blob.
    public static func signatureLink(_ repo: StoragePath, revision: Digest, signature: Digest) -> StoragePath {
        signaturesDirectory(repo, revision: revision).appending([signature.algorithm.name, signature.hex, "link"])
    }

    /// `tag` must satisfy `NameGrammar.isValidTag` or at least `StoragePath.isSafeComponent`.
    public static func tagDirectory(_ repo: StoragePath, _ tag: String) -> StoragePath {
        repo.appending([manifests, tags, tag])
    }

    public static func tagCurrentLink(_ repo: StoragePath, _ tag: String) -> StoragePath {
        repo.appending([manifests, tags, tag, "current", "link"])
    }

    /// A tag's history: one folder per digest it ever pointed at.
    public static func tagHistoryDirectory(_ repo: StoragePath, _ tag: String) -> StoragePath {
        repo.appending([manifests, tags] + tagHistoryInTags(tag))
    }

    /// `tagHistoryDirectory` relative to `tagsDirectory`, for listings opened from the tags folder.
    public static func tagHistoryInTags(_ tag: String) -> [String] { [tag, "index"] }

    public static func tagIndexDirectory(_ repo: StoragePath, _ tag: String, _ d: Digest) -> StoragePath {
        repo.appending([manifests, tags] + tagHistoryInTags(tag) + [d.algorithm.name, d.hex])
    }

    public static func tagIndexLink(_ repo: StoragePath, _ tag: String, _ d: Digest) -> StoragePath {
        repo.appending([manifests, tags] + tagHistoryInTags(tag) + [d.algorithm.name, d.hex, "link"])
    }

    public static func uploadDirectory(_ repo: StoragePath, _ id: String) -> StoragePath {
        uploadsDirectory(repo).appending(id)
    }

    public static func uploadData(_ repo: StoragePath, _ id: String) -> StoragePath {
        uploadDirectory(repo, id).appending("data")
    }

    public static func uploadStartedAt(_ repo: StoragePath, _ id: String) -> StoragePath {
        uploadDirectory(repo, id).appending("startedat")
    }

    public static let journalDirectory = drydock.appending("journal")

    /// `id` must satisfy `StoreEntry.isJournalID`.
    public static func journalEntry(_ id: String) -> StoragePath { journalDirectory.appending(id + ".json") }

    /// Reads `<alg>/<hex>` path components back into a digest (the registry's `digestFromPath` without fan-out).
    public static func digest(algorithm: String, hex: String) -> Digest? {
        // Folder names are parsed by the hundred thousand: the common case without building `alg:hex` first.
        if algorithm == "sha256" {
            var hex = hex
            if let d = hex.withUTF8({ Digest.sha256(hex: $0) }) { return d }
        }
        return Digest("\(algorithm):\(hex)")
    }
}

/// The content of a `link` file: exactly a digest string, no trailing newline (storage-format §1.3).
public struct LinkContent: Sendable, Equatable {
    public var target: Digest
    /// False when the file held extra whitespace around the digest: the registry (go-digest 1.0) rejects it.
    public var isCanonical: Bool

    public static let maxSize = 1024

    public static func parse(_ bytes: [UInt8]) -> Result<LinkContent, LinkError> {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return .failure(.empty) }
        let trimmed = bytes[first...last]
        switch Digest.parse(utf8: trimmed) {
        case .success(let d):
            return .success(LinkContent(target: d, isCanonical: trimmed.count == bytes.count))
        case .failure(let e):
            return .failure(.invalidDigest(e, preview: SafeText.escaping(String(decoding: trimmed.prefix(80), as: UTF8.self))))
        }
    }
}

public enum LinkError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case invalidDigest(DigestError, preview: String)

    public var description: String {
        switch self {
        case .empty: "link file is empty"
        case .invalidDigest(let e, let preview): "link file does not hold a digest (\(e)): \"\(preview)\""
        }
    }
}
