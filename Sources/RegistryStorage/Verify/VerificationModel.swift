/// The outcome of one check on one manifest revision.
public enum CheckStatus: String, Sendable, Equatable, Comparable, CaseIterable {
    case pass
    case notApplicable = "n/a"
    case warning
    case fail

    private var rank: Int {
        switch self {
        case .notApplicable: 0
        case .pass: 1
        case .warning: 2
        case .fail: 3
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// A mark that reads without colour.
    public var mark: String {
        switch self {
        case .pass: "✓"
        case .notApplicable: "·"
        case .warning: "!"
        case .fail: "✗"
        }
    }
}

/// The checks the registry applies on push (storage-format §5), run against what is stored, plus browser-only ones.
public enum CheckName: String, Sendable, Equatable, CaseIterable {
    /// sha256 of the stored bytes (schema1: of the payload) equals the revision digest.
    case contentDigest = "content-digest"
    /// The manifest parses and its media type is one the registry serves.
    case format = "format"
    /// schema1: the libtrust JWS signatures.
    case signature = "signature"
    /// schema1: `name` equals the repository (seed rule; 2.8.2 dropped it).
    case repositoryName = "repository-name"
    /// schema1: `history` and `fsLayers` have the same length.
    case historyLength = "history-length"
    /// Every config/layer/blobSum is linked in `_layers` with its data present.
    case referencedBlobs = "referenced-blobs"
    /// Every index/list child is a manifest stored in the repository.
    case children = "children"
    /// Each descriptor's `size` equals the stored data's size.
    case sizes = "sizes"
    /// Re-hashing each referenced blob gives its digest (`--deep`).
    case deepIntegrity = "deep-integrity"
}

public struct CheckResult: Sendable, Equatable {
    public var name: CheckName
    public var status: CheckStatus
    /// What was found, in a sentence; names the failing digests.
    public var detail: String

    public init(_ name: CheckName, _ status: CheckStatus, _ detail: String) {
        self.name = name
        self.status = status
        self.detail = detail
    }
}

public enum SignatureKind: String, Sendable, Equatable {
    case schema1, cosign, notation, referrer
}

public enum SignatureState: String, Sendable, Equatable, Comparable {
    case valid
    case invalid
    /// Stored by a 2.5+ registry, which keeps only the unsigned payload.
    case stripped
    case unsigned
    case signedUnverified = "signed-unverified"

    /// For choosing the strongest finding to sum up a manifest.
    private var rank: Int {
        switch self {
        case .unsigned: 0
        case .stripped: 1
        case .signedUnverified: 2
        case .valid: 3
        case .invalid: 4
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    public var mark: String {
        switch self {
        case .valid: "signed ✓"
        case .invalid: "signature ✗"
        case .stripped: "stripped"
        case .unsigned: "unsigned"
        case .signedUnverified: "signed ?"
        }
    }
}

public struct SignatureStatus: Sendable, Equatable {
    public var kind: SignatureKind
    public var status: SignatureState
    public var keyIDs: [String]
    public var algorithm: String?
    public var detail: String
    /// Where it was found (the cosign tag, the referrer manifest), if not in the manifest itself.
    public var source: String?

    public init(kind: SignatureKind, status: SignatureState, keyIDs: [String] = [], algorithm: String? = nil, detail: String, source: String? = nil) {
        self.kind = kind
        self.status = status
        self.keyIDs = keyIDs
        self.algorithm = algorithm
        self.detail = detail
        self.source = source
    }
}

/// An artifact attached to a manifest: an OCI 1.1 referrer or a cosign companion tag.
public struct Referrer: Sendable, Equatable {
    public enum Via: String, Sendable, Equatable {
        /// A manifest in the repository whose `subject` is this one.
        case subject
        /// Listed in the referrers fallback tag `<alg>-<hex>`.
        case fallbackTag = "fallback-tag"
        /// A cosign `<alg>-<hex>.sig|.att|.sbom` tag.
        case cosignTag = "cosign-tag"
    }

    public var digest: Digest
    public var artifactType: String?
    public var via: Via
    /// The tag it was found through, if any.
    public var tag: String?
}

/// Everything verification found about one manifest revision.
public struct ManifestVerification: Sendable, Equatable {
    public var repository: String
    public var digest: Digest
    public var mediaType: String?
    public var checks: [CheckResult]
    /// The strongest signature finding.
    public var signature: SignatureStatus
    /// Every signature found, each on its own.
    public var signatures: [SignatureStatus]
    /// Attached artifacts (signatures, attestations, SBOMs) found for this manifest.
    public var referrers: [Referrer]

    /// No check failed and no signature is invalid. Warnings and missing signatures do not fail a manifest.
    public var ok: Bool { worst != .fail && signature.status != .invalid }

    public var worst: CheckStatus { checks.map(\.status).max() ?? .notApplicable }

    public func check(_ name: CheckName) -> CheckResult? { checks.first { $0.name == name } }
}

/// A fact about the store as a whole (not one manifest), with its weight.
public struct StoreFinding: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case danglingTag = "dangling-tag"
        case badLink = "bad-link"
        case orphanBlob = "orphan-blob"
        case staleUpload = "stale-upload"
        case unreadable = "unreadable"
        case other = "other"
    }

    public var severity: Problem.Severity
    public var kind: Kind
    public var repository: String?
    public var message: String
    public var path: StoragePath?
    /// Bytes involved (orphan blobs, uploads), when known.
    public var size: Int64?

    public init(_ severity: Problem.Severity, _ kind: Kind, _ message: String, repository: String? = nil, path: StoragePath? = nil, size: Int64? = nil) {
        self.severity = severity
        self.kind = kind
        self.repository = repository
        self.message = message
        self.path = path
        self.size = size
    }
}

extension Sequence<StoreFinding> {
    /// The bytes the findings of `kind` involve (orphan blobs, stale uploads), summed saturating: sparse orphan blobs
    /// can add up past `Int64.max`.
    public func bytes(of kind: StoreFinding.Kind) -> Int64 {
        reduce(Int64(0)) { $1.kind == kind ? $0 +| ($1.size ?? 0) : $0 }
    }
}

public struct VerificationOptions: Sendable, Equatable {
    /// Re-hash every referenced blob.
    public var deep: Bool = false
    /// The seed's "skip layer verification": do not check referenced blobs.
    public var skipLayers: Bool = false
    /// A cosign public key (PEM) to verify simple-signing signatures with.
    public var cosignPublicKeyPEM: String?
    /// Uploads older than this are reported as stale (the registry's default purge age is 168h).
    public var staleUploadAge: Double = 168 * 3600

    public init(deep: Bool = false, skipLayers: Bool = false, cosignPublicKeyPEM: String? = nil) {
        self.deep = deep
        self.skipLayers = skipLayers
        self.cosignPublicKeyPEM = cosignPublicKeyPEM
    }
}

/// Progress of long verification work (deep hashing), for progress bars.
public struct VerificationProgress: Sendable, Equatable {
    public var bytesDone: Int64
    public var bytesTotal: Int64
    public var blobsDone: Int
    public var blobsTotal: Int
}
