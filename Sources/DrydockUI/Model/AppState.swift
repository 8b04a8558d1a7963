import Foundation
import RegistryStorage

/// Which store is open, for the status line.
public struct StoreDescription: Equatable, Sendable {
    /// The path (or config file) as the user named it; escaped when drawn.
    public var location: String
    /// A temporary copy of the bundled demo registry.
    public var isDemo: Bool

    public init(location: String, isDemo: Bool = false) {
        self.location = location
        self.isDemo = isDemo
    }
}

public enum CatalogPhase: Equatable, Sendable {
    case loading
    case loaded
    case failed(String)
}

/// Per-repository figures known as soon as the repository is read (the unique size needs the whole index).
public struct RepositorySummary: Equatable, Sendable {
    public var tagCount: Int
    public var manifestCount: Int
    public var untaggedCount: Int
    /// Bytes of every blob the repository references.
    public var totalSize: Int64
    public var newestCreated: Date?
    public var worstProblem: Problem.Severity?

    public init(_ repo: RepositoryContents) {
        tagCount = repo.tags.count
        manifestCount = repo.revisions.count
        // Untagged means nothing reaches it (`ManifestReachability`): index children of a tagged index are not.
        let reach = ManifestReachability(repo)
        untaggedCount = repo.revisions.filter { !reach.isReachable($0.digest) }.count
        let blobs = repo.referencedBlobs.union(repo.revisions.flatMap(\.signatureLinks))
        totalSize = blobs.reduce(0) { $0 +| (repo.blobSize($1) ?? 0) }
        newestCreated = repo.revisions.compactMap { $0.config?.createdDate }.max()
        worstProblem = repo.allProblems.map(\.severity).max()
    }
}

public struct VerificationKey: Hashable, Sendable {
    public var repository: String
    public var digest: Digest

    public init(_ repository: String, _ digest: Digest) {
        self.repository = repository
        self.digest = digest
    }
}

/// Background reading of every repository (the index needs them all).
public struct IndexingProgress: Equatable, Sendable {
    public var loaded: Set<String> = []
    public var total: Int
}

/// Quick verification runs repository by repository, at most `maxInFlight` at once, as repositories load.
public struct VerificationQueue: Equatable, Sendable {
    public static let maxInFlight = 2
    public var pending: [String] = []
    public var inFlight: Set<String> = []
    public var done: Set<String> = []
    /// Everything ever queued in this scan (pending, in flight or done), for constant-time checks.
    public var scheduled: Set<String> = []

    public var isBusy: Bool { !pending.isEmpty || !inFlight.isEmpty }
}

/// A deep verification the user started with `v`.
public struct DeepVerifyTask: Equatable, Sendable {
    public var id: Int
    public var repository: String
    public var label: String
    public var digests: [Digest]
    public var progress: VerificationProgress?
}

/// Everything the browser shows, as one value. Only `reduce` changes it; `render` draws it.
public struct AppState: Sendable {
    public var store: StoreDescription { didSet { contentVersion = ContentVersion.next() } }
    public var deleteGate: DeleteGate { didSet { contentVersion = ContentVersion.next() } }
    public var size: GridSize
    /// Never empty; the first screen is the repository list.
    public var stack: [ScreenState]

    public var catalogPhase: CatalogPhase = .loading { didSet { contentVersion = ContentVersion.next() } }
    /// Catalog entries are shown as the walk finds them (first scan, or a rescan of an empty list).
    public var catalogStreaming = true
    /// Repositories in catalog order (available before any is read).
    public var catalog: [RepositoryEntry] = [] { didSet { contentVersion = ContentVersion.next() } }
    public var storeProblems: [Problem] = [] { didSet { contentVersion = ContentVersion.next() } }
    public var repositories: [String: RepositoryContents] = [:] { didSet { contentVersion = ContentVersion.next() } }
    public var summaries: [String: RepositorySummary] = [:] { didSet { contentVersion = ContentVersion.next() } }
    /// Shared-by counts and unique sizes; nil until every repository has been read.
    public var index: StoreIndex? {
        didSet {
            contentVersion = ContentVersion.next()
            spaceReport = nil
        }
    }
    /// The space view's report over `index`, built when the view opens (or the index changes under it), so the
    /// results that keep arriving (verification) do not recount every blob of the store.
    public var spaceReport: SpaceReport? { didSet { contentVersion = ContentVersion.next() } }
    public var verifications: [VerificationKey: ManifestVerification] = [:] { didSet { contentVersion = ContentVersion.next() } }
    public var verification = VerificationQueue() { didSet { contentVersion = ContentVersion.next() } }
    public var indexing: IndexingProgress? { didSet { contentVersion = ContentVersion.next() } }
    public var deepTasks: [DeepVerifyTask] = [] { didSet { contentVersion = ContentVersion.next() } }
    public var nextTaskID = 1

    public var overlay: Overlay?
    /// Lines kept until their cause goes away (the demo notice, a catalog error).
    public var banners: [Banner] = []
    /// A one-shot message, cleared by the next key.
    public var message: Banner?

    /// Bumped by each rescan; results of an older scan are ignored.
    public var generation = 0 { didSet { contentVersion = ContentVersion.next() } }
    /// Repositories asked for ahead of the background indexing (the user opened them).
    public var requestedLoads: Set<String> = []
    /// The scan (`generation`) each repository's contents come from: a full copy outranks a lighter one of the same
    /// scan only (after a delete or rescan the fresh light copy replaces the old full one).
    public var loadedGenerations: [String: Int] = [:]
    public var quitRequested = false
    /// Changes (to a value no other state ever had) whenever something a screen shows changes: the key of
    /// `contentCache`, so a 40k-row list is built once, not on every key that only moves, filters or sorts it.
    public private(set) var contentVersion = ContentVersion.next()
    /// Shared by copies of the state; entries are keyed by `contentVersion`, which copies that diverge never share.
    let contentCache = ContentCache()
    /// A delete, undo or garbage collection in progress (its banner text); further writes wait for it.
    public var operation: String?
    /// When the last scan finished reading everything, for the status line.
    public var lastRead: Date?
    /// The store changed while a dialog was open: the refresh waits for it to close.
    public var refreshPending = false
    /// A cosign public key was given (`--key`, or the demo's own): "signed, not verified" then means no key fits.
    public var verificationKeyGiven = false
    /// Where clients pull from (`registry.example.com:5000`), for the pull command `y` offers; nil when unknown.
    public var registryHost: String?
    /// The space view's garbage collection figures (both modes), for the scan they were planned in.
    public var spacePlan: SpacePlan? { didSet { contentVersion = ContentVersion.next() } }
    /// How size bars are drawn: block eighths on a UTF-8 terminal, `#` otherwise (`Terminal.isUTF8`).
    public var barGlyphs: SizeBar.Glyphs = .unicode

    public init(store: StoreDescription, deleteGate: DeleteGate, size: GridSize = GridSize(rows: 24, cols: 80)) {
        self.store = store
        self.deleteGate = deleteGate
        self.size = size
        self.stack = [ScreenState(.repositories)]
        if store.isDemo {
            banners.append(
                Banner(.demo, "DEMO registry: a temporary copy of the bundled demo store; changes never touch the original"))
        }
    }

    public var top: ScreenState {
        get { stack[stack.count - 1] }
        set { stack[stack.count - 1] = newValue }
    }

    public func entry(named name: String) -> RepositoryEntry? { catalog.first { $0.name == name } }

    public func verification(_ repository: String, _ digest: Digest) -> ManifestVerification? {
        verifications[VerificationKey(repository, digest)]
    }

    /// Manifests known so far, over every loaded repository.
    public var manifestCount: Int { summaries.values.reduce(0) { $0 + $1.manifestCount } }
}

/// Process-wide, so two states reduced differently from one ancestor never get the same version.
public enum ContentVersion {
    private static let counter = Locked<UInt64>(0)

    public static func next() -> UInt64 {
        counter.withLock { value in
            value &+= 1
            return value
        }
    }
}

/// Built screen contents by screen and content version (a handful of screens: the stack and its neighbours).
final class ContentCache: @unchecked Sendable {
    // @unchecked: every access holds the lock.
    private let lock = NSLock()
    private var entries: [ScreenID: (version: UInt64, content: ScreenContent)] = [:]

    func content(_ screen: ScreenID, version: UInt64, build: () -> ScreenContent) -> ScreenContent {
        lock.lock()
        if let hit = entries[screen], hit.version == version {
            lock.unlock()
            return hit.content
        }
        lock.unlock()
        let built = build()
        lock.lock()
        if entries.count > 16 { entries = entries.filter { $0.value.version == version } }
        entries[screen] = (version, built)
        lock.unlock()
        return built
    }
}
