#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A path inside the store, relative to the `docker/registry/v2` folder, e.g. `repositories/library/ubuntu/_layers`.
/// Built only from components that cannot climb out (`..`, `.`, empty and `/`-containing parts are refused),
/// so a path made from hostile link contents or folder names can never name anything outside the store.
public struct StoragePath: Hashable, Sendable, Comparable, CustomStringConvertible {
    public private(set) var components: [String]

    public static let root = StoragePath(trusted: [])

    public init(trusted components: [String]) { self.components = components }

    /// Returns nil when any component could escape or is not a single path element.
    public init?(validating components: [String]) {
        guard components.allSatisfy(StoragePath.isSafeComponent) else { return nil }
        self.components = components
    }

    public static func isSafeComponent(_ c: String) -> Bool {
        // Checked for every name a listing returns and every path built: `memchr` over a native string's bytes.
        if let safe = c.utf8.withContiguousStorageIfAvailable(isSafeComponent) {
            return safe
        }
        var onlyDots = true
        var count = 0
        for b in c.utf8 {
            if b == UInt8(ascii: "/") || b == 0 { return false }
            if b != UInt8(ascii: ".") { onlyDots = false }
            count += 1
        }
        return count > 0 && !(onlyDots && count <= 2)
    }

    /// `isSafeComponent` of a name's UTF-8 bytes.
    static func isSafeComponent(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        if bytes.count <= 2 && bytes.allSatisfy({ $0 == UInt8(ascii: ".") }) { return false }
        return memchr(base, Int32(UInt8(ascii: "/")), bytes.count) == nil && memchr(base, 0, bytes.count) == nil
    }

    public func appending(_ component: String) -> StoragePath {
        precondition(StoragePath.isSafeComponent(component), "unsafe path component")
        var p = self
        p.components.append(component)
        return p
    }

    public func appending(_ more: [String]) -> StoragePath {
        for component in more { precondition(StoragePath.isSafeComponent(component), "unsafe path component") }
        // One exact allocation: appending to a copy of `components` would allocate as it grows.
        var joined: [String] = []
        joined.reserveCapacity(components.count + more.count)
        joined.append(contentsOf: components)
        joined.append(contentsOf: more)
        return StoragePath(trusted: joined)
    }

    public var parent: StoragePath { StoragePath(trusted: Array(components.dropLast())) }
    public var lastComponent: String? { components.last }

    /// `a/b/c` (no leading slash): the relative path for the filesystem and the key suffix for object stores.
    public var relativeString: String { components.joined(separator: "/") }
    public var description: String { relativeString.isEmpty ? "." : relativeString }

    /// The components below `dir`, when this path lies strictly under it.
    public func components(below dir: StoragePath) -> [String]? {
        components.count > dir.components.count && hasPrefix(dir) ? Array(components.dropFirst(dir.components.count)) : nil
    }

    public func hasPrefix(_ other: StoragePath) -> Bool {
        components.starts(with: other.components)
    }

    public static func < (a: StoragePath, b: StoragePath) -> Bool {
        a.components.lexicographicallyPrecedes(b.components) { x, y in x.utf8.lexicographicallyPrecedes(y.utf8) }
    }
}

public enum EntryKind: Sendable, Equatable, CustomStringConvertible {
    case file
    case directory
    /// A symbolic link whose target could not be used: it leaves the store root, dangles, or links are not followed.
    case symlink(SymlinkProblem)
    /// FIFO, socket, device: never opened for reading.
    case special(String)

    public var description: String {
        switch self {
        case .file: "file"
        case .directory: "directory"
        case .symlink(let p): "symlink (\(p))"
        case .special(let k): k
        }
    }
}

public enum SymlinkProblem: Sendable, Equatable, CustomStringConvertible {
    case leavesRoot
    case dangling
    /// A link to a folder inside the store: not descended (a loop would make walks endless) unless links are followed.
    case folderNotFollowed
    /// A followed link back to a folder already walked.
    case loop
    /// A link on the path that the open cannot follow (ELOOP): one of a loop of links (or of a chain too long), or,
    /// where the kernel lacks openat2 and so nothing checks where a link leads, any link. It may well stay inside the
    /// store; unlike `leavesRoot`, `--follow-symlinks` does not make a loop readable.
    case notFollowable

    public var description: String {
        switch self {
        case .leavesRoot: "points outside the store root; pass --follow-symlinks to follow it"
        case .dangling: "target does not exist"
        case .folderNotFollowed: "points to a folder; not descended unless --follow-symlinks is given"
        case .loop: "leads back to a folder already walked (a loop); not descended again"
        case .notFollowable: "loops back on itself, or cannot be checked without openat2"
        }
    }
}

/// A folder's entry as digest-folder listings take it (`StorageDriver.listEachDigestFolders`).
public enum DigestFolderName: Sendable, Equatable {
    /// A folder named by 64 lowercase hex digits, read as a sha256 digest (whatever algorithm folder it sits in).
    case sha256(Digest)
    /// Anything else, as `list` gives it.
    case entry(DirectoryEntry)

    /// How a listed entry is classified: the same rule as a filesystem's own listing.
    public init(_ e: DirectoryEntry) {
        if e.kind == .directory, e.linkedFolderIdentity == nil, e.nameIsValidUTF8, e.name.utf8.count == 64,
            let d = StoreLayout.digest(algorithm: DigestAlgorithm.sha256.name, hex: e.name)
        {
            self = .sha256(d)
        } else {
            self = .entry(e)
        }
    }

    /// The entry `list` would have given.
    public var entry: DirectoryEntry {
        switch self {
        case .sha256(let d): DirectoryEntry(name: d.hex, kind: .directory)
        case .entry(let e): e
        }
    }
}

public struct DirectoryEntry: Sendable, Equatable {
    public var name: String
    public var kind: EntryKind
    /// False when the on-disk name was not valid UTF-8; `name` then holds a lossy decoding that cannot be opened.
    public var nameIsValidUTF8: Bool
    /// For a folder reached through a followed symlink: the target's identity, so walks can detect loops.
    public var linkedFolderIdentity: String?

    public init(name: String, kind: EntryKind, nameIsValidUTF8: Bool = true, linkedFolderIdentity: String? = nil) {
        self.name = name
        self.kind = kind
        self.nameIsValidUTF8 = nameIsValidUTF8
        self.linkedFolderIdentity = linkedFolderIdentity
    }
}

public struct FileInfo: Sendable, Equatable {
    public var kind: EntryKind
    public var size: Int64
    /// Seconds since 1970, when the backend knows it.
    public var modified: Double?

    public init(kind: EntryKind, size: Int64, modified: Double? = nil) {
        self.kind = kind
        self.size = size
        self.modified = modified
    }
}

/// Every driver failure is a value the caller can show, retry (`isTransient`) or treat as absence (`notFound`).
public enum DriverError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(StoragePath)
    case notADirectory(StoragePath)
    case notARegularFile(StoragePath, EntryKind)
    case tooLarge(StoragePath, size: Int64, limit: Int64)
    case symlink(StoragePath, SymlinkProblem)
    case permissionDenied(StoragePath)
    /// Worth retrying: timeouts, throttling, interrupted calls, 5xx answers.
    case transient(StoragePath, String)
    case io(StoragePath, String)
    case readOnly(StoragePath)
    /// A move's destination exists already (moves never overwrite).
    case alreadyExists(StoragePath)
    /// The backend cannot do this operation on this path (e.g. an object too large to copy in one request).
    case unsupported(StoragePath, String)
    /// An object store (S3) refused or could not be reached; the failure says which, for the user.
    case objectStore(StoragePath, ObjectStoreFailure)

    /// Every driver call throws only `DriverError`; anything else (a bug) is reported as an I/O failure.
    public init(_ error: any Error) {
        self = (error as? DriverError) ?? .io(.root, String(describing: error))
    }

    public var isTransient: Bool {
        if case .transient = self { return true }
        return false
    }

    public var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }

    public var path: StoragePath {
        switch self {
        case .notFound(let p), .notADirectory(let p), .notARegularFile(let p, _), .tooLarge(let p, _, _),
            .symlink(let p, _), .permissionDenied(let p), .transient(let p, _), .io(let p, _), .readOnly(let p),
            .alreadyExists(let p), .unsupported(let p, _), .objectStore(let p, _):
            p
        }
    }

    public var description: String {
        switch self {
        case .notFound(let p): "\(p): not found"
        case .notADirectory(let p): "\(p): not a directory"
        case .notARegularFile(let p, let k): "\(p): expected a regular file, found a \(k)"
        case .tooLarge(let p, let size, let limit): "\(p): \(size) bytes is over the \(limit)-byte limit"
        // The link may be any component of the path, not the file itself.
        case .symlink(let p, .notFollowable): "\(p): goes through a symbolic link that \(SymlinkProblem.notFollowable); not followed"
        case .symlink(let p, let problem): "\(p): symlink \(problem)"
        case .permissionDenied(let p): "\(p): permission denied"
        case .transient(let p, let m): "\(p): \(m) (temporary)"
        case .io(let p, let m): "\(p): \(m)"
        case .readOnly(let p): "\(p): the store is opened read-only"
        case .alreadyExists(let p): "\(p): already exists (not overwritten)"
        case .unsupported(let p, let why): "\(p): \(why)"
        case .objectStore(let p, let failure): "\(p): \(failure)"
        }
    }
}

/// Why an object store request failed, in terms a user can act on. Server-supplied text is escaped when shown.
public enum ObjectStoreFailure: Sendable, Equatable, CustomStringConvertible {
    case noSuchBucket(String)
    /// 403-class refusals: `AccessDenied`, `InvalidAccessKeyId`, `SignatureDoesNotMatch`, expired tokens.
    case accessDenied(code: String, message: String)
    /// `RequestTimeTooSkewed`: this machine's clock is too far from the server's.
    case clockSkew(String)
    /// The endpoint could not be reached (refused, DNS, TLS, timeout), after retries.
    case network(String)
    /// Any other error answer.
    case http(status: Int, code: String, message: String)

    public var description: String {
        switch self {
        case .noSuchBucket(let bucket):
            "the bucket '\(SafeText.escaping(bucket))' does not exist"
        case .accessDenied(let code, let message):
            "access denied (\(SafeText.escaping(code))): \(SafeText.escaping(message)); check the access key, secret key and region"
        case .clockSkew(let message):
            "the server rejected the request time (RequestTimeTooSkewed): \(SafeText.escaping(message)); check this machine's clock"
        case .network(let message):
            "cannot reach the object store: \(SafeText.escaping(message))"
        case .http(let status, let code, let message):
            "the object store answered HTTP \(status)\(code.isEmpty ? "" : " \(SafeText.escaping(code))")"
                + (message.isEmpty ? "" : ": \(SafeText.escaping(message))")
        }
    }
}

/// Access to one store's `docker/registry/v2` tree. Every call throws only `DriverError`. Shaped for object stores too: a "directory" may be only a key
/// prefix, listings may be slow and paged, and every call may fail transiently (errors are values; callers retry).
public protocol StorageDriver: Sendable {
    /// Where the store lives, for messages (`/var/lib/registry`, `s3://bucket/prefix`).
    var location: String { get }

    /// Immediate children of a directory (names only, unsorted). `notFound` when it does not exist.
    func list(_ path: StoragePath) async throws -> [DirectoryEntry]

    func stat(_ path: StoragePath) async throws -> FileInfo

    /// The whole content of a regular file, refusing anything larger than `limit` bytes.
    func read(_ path: StoragePath, limit: Int) async throws -> [UInt8]

    /// Streams a regular file in chunks of about `chunkSize` bytes (bounded memory for hashing large blobs).
    func readChunks(
        _ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) async throws

    /// Every file below `path` (recursively), with its path and, where the backend knows it without an extra call,
    /// its size (`-1` otherwise: the filesystem walk does not stat). Object stores list the prefix flat.
    func walkFiles(_ path: StoragePath) async throws -> [WalkedFile]

    /// True when `walkFiles` costs about one request per thousand files (object stores listing a prefix flat); false
    /// when it opens every folder (a filesystem), so callers list only the levels they need instead.
    var listsRecursivelyCheaply: Bool { get }

    /// True when a read crosses a network (object stores, network filesystems): a local copy of small immutable blobs
    /// (`ContentCache`) then spares a request per read. A local disk answers a read as fast as the copy would.
    var readsCrossANetwork: Bool { get }

    /// The entries of `dir`, each folder with the kind of its entry `name` (nil when it has none; always nil for
    /// entries that are not folders): what listing every sub-folder would tell, for stores of one-file folders
    /// (`_layers/<alg>/<hex>/link`). `notFound` when `dir` does not exist.
    func listFolders(_ dir: StoragePath, withEntry name: String) async throws -> [(folder: DirectoryEntry, entry: EntryKind?)]

    /// `listFolders`, each folder named by 64 lowercase hex digits given as that sha256 digest (`DigestFolderName`).
    func listDigestFolders(_ dir: StoragePath, withEntry name: String) async throws -> [(folder: DigestFolderName, entry: EntryKind?)]

    /// Small files under one folder (`dir` + each relative path of `names`), each as `read(_:limit:)` returns or throws
    /// it, in order; transient failures are returned, not retried. A filesystem opens `dir` once and resolves each
    /// name from there.
    func readEach(in dir: StoragePath, _ names: [[String]], limit: Int) async -> [Result<[UInt8], DriverError>]

    /// Folders under one folder (`dir` + each relative path of `names`), each as `list` returns or throws it, in
    /// order; transient failures are returned, not retried. A filesystem opens `dir` once and resolves each name
    /// from there.
    func listEach(in dir: StoragePath, _ names: [[String]]) async -> [Result<[DirectoryEntry], DriverError>]

    /// `listEach`, with every folder named by 64 lowercase hex digits given as that sha256 digest instead of an
    /// entry (`DigestFolderName`): how digest folders are listed. A filesystem builds no name text for those.
    func listEachDigestFolders(in dir: StoragePath, _ names: [[String]]) async -> [Result<[DigestFolderName], DriverError>]

    /// For each folder `dir` + `names[i]`: the digest folders of its sub-folder `sub`, as `listEachDigestFolders`
    /// lists them, when the store can tell without listing the folder that `sub` is its only sub-folder; nil where it
    /// cannot (the caller lists the folder). Entries of the folder that are not folders are not seen this way. A tag's
    /// history (`<tag>/index/sha256/`) is read so: one listing per tag instead of two.
    func listEachSoleSubfolder(in dir: StoragePath, _ names: [[String]], named sub: String) async -> [[DigestFolderName]?]

    /// Writes a file, creating parent directories. Used only by undo and the journal.
    func write(_ path: StoragePath, contents: [UInt8]) async throws

    /// Removes a file or a whole directory tree. Missing paths are not an error. Objects below it whose keys are
    /// unsafe to name in a request are left in place and recorded in `skippedKeys`.
    func delete(_ path: StoragePath) async throws

    /// Removes every path as `delete` would, in as few requests as the backend allows (object stores: one
    /// DeleteObjects per thousand keys instead of a listing and a request per path), and returns the paths it could
    /// not remove, each with why; the others are gone. Missing paths are not failures. Used by the sweeps.
    func delete(batch paths: [StoragePath]) async -> [DeleteFailure]

    /// Moves one regular file to `destination` (creating its parent folders), refusing with `alreadyExists` when
    /// something is there already: never overwrites. Both paths stay inside the store. Used by online garbage
    /// collection to put blob data aside (quarantine) and back. Filesystems rename atomically; object stores copy
    /// server-side, then delete the source.
    func move(_ source: StoragePath, to destination: StoragePath) async throws

    /// Object keys this driver has left alone so far (not readable as store paths, or unsafe to name in a request),
    /// for the user to hear about. Empty for drivers that report odd names as problems on the entry instead.
    var skippedKeys: SkippedKeys { get }
}

public struct WalkedFile: Sendable, Equatable {
    public var path: StoragePath
    public var kind: EntryKind
    public var size: Int64

    public init(path: StoragePath, kind: EntryKind, size: Int64) {
        self.path = path
        self.kind = kind
        self.size = size
    }
}

/// One path a batch delete could not remove.
public struct DeleteFailure: Sendable, Equatable {
    public var path: StoragePath
    public var error: DriverError

    public init(path: StoragePath, error: DriverError) {
        self.path = path
        self.error = error
    }
}

extension StorageDriver {
    public var listsRecursivelyCheaply: Bool { false }
    public var readsCrossANetwork: Bool { false }

    /// One `delete` per path (a filesystem has no cheaper way), each retried; a failure does not stop the others.
    public func delete(batch paths: [StoragePath]) async -> [DeleteFailure] {
        var failures: [DeleteFailure] = []
        for path in paths {
            do {
                try await withRetries { try await delete(path) }
            } catch {
                failures.append(DeleteFailure(path: path, error: DriverError(error)))
            }
        }
        return failures
    }
    public var skippedKeys: SkippedKeys { SkippedKeys() }

    /// Drivers that cannot move (wrappers in tests, future backends) refuse; nothing is copied or removed.
    public func move(_ source: StoragePath, to destination: StoragePath) async throws {
        throw DriverError.unsupported(source, "this store (\(location)) cannot move files")
    }

    /// One read per file.
    public func readEach(in dir: StoragePath, _ names: [[String]], limit: Int) async -> [Result<[UInt8], DriverError>] {
        var out: [Result<[UInt8], DriverError>] = []
        out.reserveCapacity(names.count)
        for name in names {
            do {
                out.append(.success(try await read(dir.appending(name), limit: limit)))
            } catch {
                out.append(.failure(DriverError(error)))
            }
        }
        return out
    }

    /// One listing per folder.
    public func listEach(in dir: StoragePath, _ names: [[String]]) async -> [Result<[DirectoryEntry], DriverError>] {
        var out: [Result<[DirectoryEntry], DriverError>] = []
        out.reserveCapacity(names.count)
        for name in names {
            do {
                out.append(.success(try await list(dir.appending(name))))
            } catch {
                out.append(.failure(DriverError(error)))
            }
        }
        return out
    }

    /// Nothing is known without listing: every folder is listed by the caller.
    public func listEachSoleSubfolder(in dir: StoragePath, _ names: [[String]], named sub: String) async -> [[DigestFolderName]?] {
        names.map { _ in nil }
    }

    /// `listEach`'s entries, classified.
    public func listEachDigestFolders(in dir: StoragePath, _ names: [[String]]) async -> [Result<[DigestFolderName], DriverError>] {
        await listEach(in: dir, names).map { $0.map { $0.map(DigestFolderName.init) } }
    }

    /// `listFolders`' folders, classified.
    public func listDigestFolders(_ dir: StoragePath, withEntry name: String) async throws -> [(folder: DigestFolderName, entry: EntryKind?)] {
        try await listFolders(dir, withEntry: name).map { (DigestFolderName($0.folder), $0.entry) }
    }

    /// One listing per sub-folder.
    public func listFolders(_ dir: StoragePath, withEntry name: String) async throws -> [(folder: DirectoryEntry, entry: EntryKind?)] {
        var out: [(folder: DirectoryEntry, entry: EntryKind?)] = []
        for e in try await withRetries({ try await list(dir) }) {
            guard e.kind == .directory, e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name) else {
                out.append((e, nil))
                continue
            }
            do {
                let inside = try await withRetries { try await list(dir.appending(e.name)) }
                out.append((e, inside.first { $0.name == name }?.kind))
            } catch {
                // Removed since the listing: a folder without the entry.
                guard DriverError(error).isNotFound else { throw error }
                out.append((e, nil))
            }
        }
        return out
    }

    /// Retries transient failures with a short backoff; everything else is returned at once.
    public func withRetries<T: Sendable>(attempts: Int = 4, _ call: () async throws -> T) async throws -> T {
        var delayNanos: UInt64 = 50_000_000
        var attempt = 1
        while true {
            do {
                return try await call()
            } catch {
                let error = DriverError(error)
                guard error.isTransient && attempt < attempts else { throw error }
                try? await Task.sleep(nanoseconds: delayNanos)
                delayNanos *= 2
                attempt += 1
            }
        }
    }
}

extension Result where Failure == DriverError {
    /// A batch's read that failed transiently: the caller reads again, with retries, rather than take it.
    var isTransientFailure: Bool {
        if case .failure(let e) = self { return e.isTransient }
        return false
    }
}
