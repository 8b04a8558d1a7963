import RegistryStorage

/// A test driver wrapping another one to watch or change a few of its calls: each required call the wrapper does
/// not define itself goes to `base` unchanged.
///
/// Only the calls without a default in `StorageDriver` are forwarded. `readEach`, `listEach`, `delete(batch:)`,
/// `listFolders`, `move`, `skippedKeys` and `listsRecursivelyCheaply` keep the protocol's defaults (one read, delete
/// or listing at a time through this wrapper), so a wrapper sees every file a load or sweep touches, unless it defines
/// them.
public protocol ForwardingDriver: StorageDriver {
    var base: any StorageDriver { get }
}

extension ForwardingDriver {
    public var location: String { base.location }
    public func list(_ path: StoragePath) async throws -> [DirectoryEntry] { try await base.list(path) }
    public func stat(_ path: StoragePath) async throws -> FileInfo { try await base.stat(path) }
    public func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] { try await base.read(path, limit: limit) }
    public func readChunks(_ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try await base.readChunks(path, chunkSize: chunkSize, body)
    }
    public func walkFiles(_ path: StoragePath) async throws -> [WalkedFile] { try await base.walkFiles(path) }
    public func write(_ path: StoragePath, contents: [UInt8]) async throws { try await base.write(path, contents: contents) }
    public func delete(_ path: StoragePath) async throws { try await base.delete(path) }
}
