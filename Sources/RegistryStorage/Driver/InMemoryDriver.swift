

/// A store held in memory, shaped like an object store: directories exist only as prefixes of files
/// (plus explicitly created empty ones). Faults can be planted per path to test error handling.
public final class InMemoryDriver: StorageDriver {
    public enum Fault: Sendable, Equatable {
        case special(String)
        case permissionDenied
        /// Fails transiently this many times, then succeeds.
        case transient(remaining: Int)
        case symlinkLeavingRoot
    }

    private struct State {
        var files: [StoragePath: [UInt8]] = [:]
        var directories: Set<StoragePath> = []
        var faults: [StoragePath: Fault] = [:]
        /// Modification times (seconds since 1970) of files written through `put`/`write`/`move`.
        var modified: [StoragePath: Double] = [:]
        var calls = 0
    }

    public let location: String
    private let state = Locked(State())
    /// What `put` and `write` stamp as a file's modification time (seconds since 1970); nil (the default) leaves
    /// it unknown, as before tests cared. Tests set it to age files.
    public let clock = Locked<Double?>(nil)

    public init(location: String = "memory://") {
        self.location = location
    }

    public func put(_ path: StoragePath, _ contents: [UInt8]) {
        let now = clock.withLock { $0 }
        state.withLock {
            $0.files[path] = contents
            $0.modified[path] = now
        }
    }

    /// Sets a file's modification time (seconds since 1970).
    public func touch(_ path: StoragePath, modified: Double) {
        state.withLock { $0.modified[path] = modified }
    }

    public func put(_ path: StoragePath, _ text: String) { put(path, Array(text.utf8)) }

    public func makeDirectory(_ path: StoragePath) {
        _ = state.withLock { $0.directories.insert(path) }
    }

    public func plant(_ fault: Fault, at path: StoragePath) {
        state.withLock { $0.faults[path] = fault }
    }

    public func removeFault(at path: StoragePath) {
        state.withLock { $0.faults[path] = nil }
    }

    public func contents(_ path: StoragePath) -> [UInt8]? { state.withLock { $0.files[path] } }

    public var allFiles: [StoragePath: [UInt8]] { state.withLock { $0.files } }

    /// How many driver calls were made (to check that nothing is read twice).
    public var callCount: Int { state.withLock { $0.calls } }

    private func checkFault(_ path: StoragePath) throws {
        let fault: Fault? = state.withLock { s in
            s.calls += 1
            guard let f = s.faults[path] else { return nil }
            if case .transient(let n) = f {
                s.faults[path] = n <= 1 ? nil : .transient(remaining: n - 1)
            }
            return f
        }
        switch fault {
        case nil, .special: return
        case .permissionDenied: throw DriverError.permissionDenied(path)
        case .transient: throw DriverError.transient(path, "simulated timeout")
        case .symlinkLeavingRoot: throw DriverError.symlink(path, .leavesRoot)
        }
    }

    private func isDirectory(_ path: StoragePath, in s: State) -> Bool {
        if path.components.isEmpty || s.directories.contains(path) { return true }
        return s.files.keys.contains { $0.components.count > path.components.count && $0.hasPrefix(path) }
            || s.directories.contains { $0.components.count > path.components.count && $0.hasPrefix(path) }
    }

    public func list(_ path: StoragePath) async throws -> [DirectoryEntry] {
        try checkFault(path)
        let result: [DirectoryEntry]? = state.withLock { s in
            if s.files[path] != nil { return nil }
            guard isDirectory(path, in: s) else { return [] }
            var names: [String: EntryKind] = [:]
            let depth = path.components.count
            for key in s.files.keys where key.components.count > depth && key.hasPrefix(path) {
                let name = key.components[depth]
                if key.components.count == depth + 1 {
                    let child = path.appending(name)
                    switch s.faults[child] {
                    case .special(let k): names[name] = .special(k)
                    case .symlinkLeavingRoot: names[name] = .symlink(.leavesRoot)
                    default: names[name] = .file
                    }
                } else {
                    names[name] = .directory
                }
            }
            for dir in s.directories where dir.components.count > depth && dir.hasPrefix(path) {
                names[dir.components[depth]] = .directory
            }
            return names.map { DirectoryEntry(name: $0.key, kind: $0.value) }
        }
        guard let entries = result else { throw DriverError.notADirectory(path) }
        if entries.isEmpty && !state.withLock({ isDirectory(path, in: $0) }) { throw DriverError.notFound(path) }
        return entries
    }

    public func stat(_ path: StoragePath) async throws -> FileInfo {
        try checkFault(path)
        let result: Result<FileInfo, DriverError> = state.withLock { s in
            if let data = s.files[path] {
                if case .special(let k) = s.faults[path] { return .success(FileInfo(kind: .special(k), size: 0)) }
                return .success(FileInfo(kind: .file, size: Int64(data.count), modified: s.modified[path]))
            }
            if isDirectory(path, in: s) { return .success(FileInfo(kind: .directory, size: 0)) }
            return .failure(.notFound(path))
        }
        return try result.get()
    }

    public func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] {
        try checkFault(path)
        let result: Result<[UInt8], DriverError> = state.withLock { s in
            if case .special(let k) = s.faults[path] { return .failure(.notARegularFile(path, .special(k))) }
            guard let data = s.files[path] else {
                return .failure(isDirectory(path, in: s) ? .notARegularFile(path, .directory) : .notFound(path))
            }
            guard data.count <= limit else { return .failure(.tooLarge(path, size: Int64(data.count), limit: Int64(limit))) }
            return .success(data)
        }
        return try result.get()
    }

    public func readChunks(
        _ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) async throws {
        let data = try await read(path, limit: Int.max)
        var offset = 0
        repeat {
            let end = min(offset + max(chunkSize, 1), data.count)
            do {
                try data[offset..<end].withUnsafeBytes { try body($0) }
            } catch {
                let error = DriverError(error)
                throw DriverError.io(path, "\(error)")
            }
            offset = end
        } while offset < data.count
    }

    public func walkFiles(_ path: StoragePath) async throws -> [WalkedFile] {
        try checkFault(path)
        let result: Result<[WalkedFile], DriverError> = state.withLock { s in
            guard isDirectory(path, in: s) else { return .failure(.notFound(path)) }
            return .success(s.files.compactMap { key, data in
                guard key.components.count > path.components.count, key.hasPrefix(path) else { return nil }
                let kind: EntryKind
                switch s.faults[key] {
                case .special(let k): kind = .special(k)
                case .symlinkLeavingRoot: kind = .symlink(.leavesRoot)
                default: kind = .file
                }
                return WalkedFile(path: key, kind: kind, size: Int64(data.count))
            })
        }
        return try result.get()
    }

    public func write(_ path: StoragePath, contents: [UInt8]) async throws {
        try checkFault(path)
        put(path, contents)
    }

    public func delete(_ path: StoragePath) async throws {
        try checkFault(path)
        state.withLock { s in
            for key in s.files.keys where key.hasPrefix(path) {
                s.files[key] = nil
                s.modified[key] = nil
            }
            s.directories = s.directories.filter { !$0.hasPrefix(path) }
        }
    }

    /// Like a rename: the content and its modification time move; an existing destination is refused.
    public func move(_ source: StoragePath, to destination: StoragePath) async throws {
        try checkFault(source)
        try checkFault(destination)
        let result: Result<Void, DriverError> = state.withLock { s in
            guard let data = s.files[source] else {
                return .failure(isDirectory(source, in: s) ? .notARegularFile(source, .directory) : .notFound(source))
            }
            if case .special(let k) = s.faults[source] { return .failure(.notARegularFile(source, .special(k))) }
            guard s.files[destination] == nil, !isDirectory(destination, in: s) else { return .failure(.alreadyExists(destination)) }
            s.files[destination] = data
            s.modified[destination] = s.modified[source]
            s.files[source] = nil
            s.modified[source] = nil
            return .success(())
        }
        try result.get()
    }
}
