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
        untaggedCount = repo.revisions.filter { !$0.isTagged }.count
        let blobs = repo.referencedBlobs.union(repo.revisions.flatMap(\.signatureLinks))
        totalSize = blobs.reduce(0) { $0 + (repo.blobSize($1) ?? 0) }
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
    public var store: StoreDescription
    public var deleteGate: DeleteGate
    public var size: GridSize
    /// Never empty; the first screen is the repository list.
    public var stack: [ScreenState]

    public var catalogPhase: CatalogPhase = .loading
    /// Catalog entries are shown as the walk finds them (first scan, or a rescan of an empty list).
    public var catalogStreaming = true
    /// Repositories in catalog order (available before any is read).
    public var catalog: [RepositoryEntry] = []
    public var storeProblems: [Problem] = []
    public var repositories: [String: RepositoryContents] = [:]
    public var summaries: [String: RepositorySummary] = [:]
    /// Shared-by counts and unique sizes; nil until every repository has been read.
    public var index: StoreIndex?
    public var verifications: [VerificationKey: ManifestVerification] = [:]
    public var verification = VerificationQueue()
    public var indexing: IndexingProgress?
    public var deepTasks: [DeepVerifyTask] = []
    public var nextTaskID = 1

    public var overlay: Overlay?
    /// Lines kept until their cause goes away (the demo notice, a catalog error).
    public var banners: [Banner] = []
    /// A one-shot message, cleared by the next key.
    public var message: Banner?

    /// Bumped by each rescan; results of an older scan are ignored.
    public var generation = 0
    /// Repositories asked for ahead of the background indexing (the user opened them).
    public var requestedLoads: Set<String> = []
    public var quitRequested = false
    /// A delete, undo or garbage collection in progress (its banner text); further writes wait for it.
    public var operation: String?

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
