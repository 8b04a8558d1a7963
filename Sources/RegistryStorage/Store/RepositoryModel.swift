import Foundation

/// A repository folder found by the catalog walk.
public struct RepositoryEntry: Sendable, Equatable, Hashable {
    /// `team/app`; components as on disk (escape before printing).
    public var name: String
    public var path: StoragePath
    /// The registry 2.8.2 marker: only folders with `_layers` are in its catalog.
    public var hasLayersFolder: Bool
    public var hasManifestsFolder: Bool
    public var problems: [Problem]
    /// What the repository's folder held besides its own `_` folders when it was listed: nested repositories,
    /// namespace folders, a nested repository's first push (only `_uploads`), stray files. Nil when not listed: the
    /// folder may then hold anything, so a repository delete removes only its own folders (`DeletePlanner`).
    public var childNames: [String]? = nil

    /// Listed by registry 2.8.2's `/v2/_catalog` (it requires `_layers`).
    public var isListedByRegistry: Bool { hasLayersFolder }
    public var nameIsValid: Bool { NameGrammar.isValidRepositoryName(name) }
}

/// Where a manifest revision's link was found (storage-format §1.6).
public struct LinkPlacement: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `_manifests/revisions/<alg>/<hex>/link` (2.0, 2.1.1 and later).
    public static let revisions = LinkPlacement(rawValue: 1)
    /// `_layers/<alg>/<hex>/link` (May 2015 to v2.1.0, the seed's era).
    public static let layers = LinkPlacement(rawValue: 2)
}

public struct Tag: Sendable, Equatable {
    public var name: String
    /// The `current/link` target; nil when missing or unreadable (see problems).
    public var current: Digest?
    /// Every digest ever tagged with this name (`index/`), sorted.
    public var history: [Digest]
    public var problems: [Problem]
}

public struct LayerLink: Sendable, Equatable {
    /// The digest named by the path.
    public var digest: Digest
    /// The link's content; differs from `digest` only in a damaged or aliased store.
    public var target: Digest?
    public var problems: [Problem]
}

public struct Upload: Sendable, Equatable {
    public var id: String
    public var path: StoragePath
    /// From `startedat`; nil when missing or unreadable (the registry then never purges it).
    public var startedAt: Date?
    public var size: Int64?
    public var problems: [Problem]

    public func age(now: Date = Date()) -> TimeInterval? { startedAt.map { now.timeIntervalSince($0) } }
}

/// What is known about a blob in `blobs/`.
public enum BlobState: Sendable, Equatable {
    case present(size: Int64)
    case missing
    /// A directory, FIFO, device or symlink where `data` should be a regular file.
    case notRegular(EntryKind)
    case unreadable(String)

    public var size: Int64? {
        if case .present(let s) = self { return s }
        return nil
    }

    public var isPresent: Bool { size != nil }

    /// Something is stored but cannot be read at all (not a regular file, an I/O error): unlike a missing blob, it
    /// may be a manifest, say a referrer of a kept one, so whatever depends on its content counts it as unknown.
    /// The one definition `gc`'s mark and `prune --untagged` both block on.
    public var cannotBeRead: Bool {
        switch self {
        case .unreadable, .notRegular: true
        case .present, .missing: false
        }
    }
}

/// How much of a repository a load reads. The folder walk dominates the cost on a large store, so lighter loads take
/// digests from folder names instead of opening every link, and sizes from descriptors instead of stat'ing every blob.
public struct LoadDetail: Sendable, Hashable {
    /// Open every link file (`_layers`, tag history) and check its content against its path.
    public var readsEveryLink: Bool
    /// Stat every referenced blob (presence and stored size).
    public var statsEveryBlob: Bool
    /// Read image configs (created time, platform).
    public var readsConfigs: Bool
    /// List each tag's history (`index/`): two folder listings per tag on a filesystem.
    public var readsTagHistory: Bool
    /// Look for the `link` in every `_layers/<alg>/<hex>/` folder. Without it, a folder scan leaves the folders of
    /// blobs the repository's own manifests reference unconfirmed (`RepositoryContents.unconfirmedLayerLinks`): such a
    /// blob is marked unless a manifest referencing it is deleted, and the collector looks for the links of the blobs
    /// it sweeps then. A stat per layer saved: about 150 000 on a 2 000-repository store.
    public var checksReferencedLayerLinks: Bool

    /// List a tag's history in one walk where the filesystem's link count says `index/` holds no folder but `sha256/`
    /// (`DigestFolderListing.listEach(trustingLinkCounts:)`): a stray file, FIFO or symlinked algorithm folder beside
    /// it then goes unreported. For `ls` alone: a load that plans deletes must see such a symlink, which stops a
    /// collection.
    public var listsTagHistoryByLinkCount: Bool

    public init(
        readsEveryLink: Bool, statsEveryBlob: Bool, readsConfigs: Bool, readsTagHistory: Bool = true, checksReferencedLayerLinks: Bool = true,
        listsTagHistoryByLinkCount: Bool = false
    ) {
        self.readsEveryLink = readsEveryLink
        self.statsEveryBlob = statsEveryBlob
        self.readsConfigs = readsConfigs
        self.readsTagHistory = readsTagHistory
        self.checksReferencedLayerLinks = checksReferencedLayerLinks
        self.listsTagHistoryByLinkCount = listsTagHistoryByLinkCount
    }

    /// Everything, for verification and the browser's detail screens.
    public static let full = LoadDetail(readsEveryLink: true, statsEveryBlob: true, readsConfigs: true)
    /// Tags, revisions, references, layer links, sizes from descriptors, configs: `ls` and the browser's lists.
    public static let listing = LoadDetail(readsEveryLink: false, statsEveryBlob: false, readsConfigs: true)
    /// `listing` for `drydock ls`, which deletes nothing: tag histories listed by link count where that is one walk
    /// instead of two (`listsTagHistoryByLinkCount`).
    public static let display = LoadDetail(readsEveryLink: false, statsEveryBlob: false, readsConfigs: true, listsTagHistoryByLinkCount: true)
    /// What the garbage collector's mark needs: no configs, no tag history (the collector looks up the history of
    /// the few manifests it deletes, not of every tag).
    public static let marking = LoadDetail(
        readsEveryLink: false, statsEveryBlob: false, readsConfigs: false, readsTagHistory: false, checksReferencedLayerLinks: false)
}

/// One manifest stored in a repository, tagged or not.
public struct ManifestRevision: Sendable, Equatable {
    public var digest: Digest
    public var placement: LinkPlacement
    public var blob: BlobState
    /// nil when the blob is missing or could not be parsed (see problems).
    public var manifest: Manifest?
    /// The digest of the stored bytes (schema1: of the signed payload), computed when read; nil if unreadable.
    public var contentDigest: Digest?
    /// The image config (schema2/OCI config blob, or schema1 v1Compatibility).
    public var config: ImageConfig?
    /// Seed-era schema1 signature blobs linked under `revisions/<d>/signatures/`.
    public var signatureLinks: [Digest]
    /// Tags whose `current` link points here.
    public var tags: [String]
    public var problems: [Problem]

    public var format: ManifestFormat? { manifest?.format }
    public var isTagged: Bool { !tags.isEmpty }
}

/// Everything stored for one repository, read in one pass.
public struct RepositoryContents: Sendable, Equatable {
    public var entry: RepositoryEntry
    public var tags: [Tag]
    /// Sorted by digest; includes untagged revisions and seed-era `_layers` placements.
    public var revisions: [ManifestRevision] {
        get { storedRevisions }
        set {
            storedRevisions = newValue
            revisionIndex = Self.index(newValue)
        }
    }
    public var layerLinks: [LayerLink]
    /// `_layers/<alg>/<hex>/` folders whose `link` the load did not look for (`LoadDetail.checksReferencedLayerLinks`),
    /// sorted: blobs this repository's manifests reference. Empty after loads that look.
    public var unconfirmedLayerLinks: [Digest] = []
    public var uploads: [Upload]
    /// What was found in `blobs/` for the blobs this repository references, by digest: every one after a `.full` load,
    /// only manifest blobs (and blobs no descriptor gives a size for) after a lighter one.
    public var blobStates: [Digest: BlobState]
    /// Sizes the manifests' descriptors declare, by digest (the registry checked them on push).
    public var declaredSizes: [Digest: Int64]
    /// How much was read (and therefore what `blobStates` can tell).
    public var detail: LoadDetail
    /// Whether tags' `history` is known: read by the load, or seen in a walk of the prefix (object stores).
    public var tagHistoryKnown: Bool = true
    public var problems: [Problem]

    public var name: String { entry.name }

    public func revision(_ d: Digest) -> ManifestRevision? {
        guard let i = revisionIndex[d] else { return nil }
        return revisions[i]
    }

    public func tag(_ name: String) -> Tag? { tags.first { $0.name == name } }

    /// Every problem found in the repository, wherever it is attached.
    public var allProblems: [Problem] {
        problems + tags.flatMap(\.problems) + revisions.flatMap(\.problems) + layerLinks.flatMap(\.problems)
            + uploads.flatMap(\.problems)
    }

    /// Every blob digest this repository keeps alive through its revisions: manifest blobs and their references.
    public var referencedBlobs: Set<Digest> {
        var out = Set<Digest>()
        for r in revisions {
            out.insert(r.digest)
            for ref in r.manifest?.blobReferences ?? [] { if let d = ref.digest { out.insert(d) } }
        }
        return out
    }

    /// Bytes of the blobs referenced by revision `d` (its own blob, config and layers; for an index, its children's too).
    public func size(of d: Digest) -> Int64 {
        guard let m = revision(d)?.manifest, m.children.isEmpty else { return closureSize(of: d) }
        // An image: its own blob and its references, each once. `ls` asks this of every manifest; repeats are told
        // apart in a buffer on the stack, where a set per manifest was a hash table each.
        var count = 1
        m.forEachBlobReference { _ in count += 1 }
        guard count <= 64 else { return closureSize(of: d) }
        return withUnsafeTemporaryAllocation(of: Digest.self, capacity: count) { seen in
            seen.initializeElement(at: 0, to: d)
            var found = 1
            var total = blobSize(d) ?? 0
            m.forEachBlobReference { ref in
                guard let r = ref.digest, !seen[..<found].contains(r) else { return }
                seen.initializeElement(at: found, to: r)
                found += 1
                total +|= blobSize(r) ?? 0
            }
            _ = seen[..<found].deinitialize()
            return total
        }
    }

    /// `size(of:)` of any revision: `blobClosure`'s blobs summed as they are found.
    private func closureSize(of d: Digest) -> Int64 {
        // The set is sized for an image's own references up front: growing it from empty cost several tables.
        var seen = Set<Digest>(minimumCapacity: (revision(d)?.manifest.map { $0.layers.count + $0.children.count } ?? 0) + 2)
        var total: Int64 = 0
        func add(_ d: Digest) {
            guard seen.insert(d).inserted else { return }
            total +|= blobSize(d) ?? 0
            guard let m = revision(d)?.manifest else { return }
            m.forEachBlobReference { ref in
                if let r = ref.digest, seen.insert(r).inserted { total +|= blobSize(r) ?? 0 }
            }
            for child in m.children { if let c = child.digest { add(c) } }
        }
        add(d)
        return total
    }

    /// The stored size when the blob was looked at, else the size its descriptors declare.
    public func blobSize(_ d: Digest) -> Int64? {
        blobStates[d]?.size ?? declaredSizes[d]
    }

    /// The blobs a revision needs: itself, its references and, for an index, its children's, each once.
    public func blobClosure(of d: Digest, into seen: inout Set<Digest>) -> [Digest] {
        guard seen.insert(d).inserted else { return [] }
        var out = [d]
        guard let m = revision(d)?.manifest else { return out }
        for ref in m.blobReferences { if let r = ref.digest, seen.insert(r).inserted { out.append(r) } }
        for child in m.children { if let c = child.digest { out += blobClosure(of: c, into: &seen) } }
        return out
    }

    /// Changes revision `d` in place, without re-indexing (the body must not change its digest). False when `d` is
    /// not stored. Planning a delete of a manifest with 20 000 tags calls this once, not once per tag.
    @discardableResult
    mutating func updateRevision(_ d: Digest, _ body: (inout ManifestRevision) -> Void) -> Bool {
        guard let i = revisionIndex[d] else { return false }
        body(&storedRevisions[i])
        precondition(storedRevisions[i].digest == d, "updateRevision must not change the digest")
        return true
    }

    private var storedRevisions: [ManifestRevision]
    private var revisionIndex: [Digest: Int]

    public init(
        entry: RepositoryEntry, tags: [Tag], revisions: [ManifestRevision], layerLinks: [LayerLink], uploads: [Upload],
        blobStates: [Digest: BlobState], declaredSizes: [Digest: Int64] = [:], detail: LoadDetail = .full, problems: [Problem]
    ) {
        self.entry = entry
        self.tags = tags
        self.storedRevisions = revisions
        self.layerLinks = layerLinks
        self.uploads = uploads
        self.blobStates = blobStates
        self.declaredSizes = declaredSizes
        self.detail = detail
        self.problems = problems
        self.revisionIndex = Self.index(revisions)
    }

    private static func index(_ revisions: [ManifestRevision]) -> [Digest: Int] {
        Dictionary(revisions.enumerated().map { ($0.element.digest, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }
}
