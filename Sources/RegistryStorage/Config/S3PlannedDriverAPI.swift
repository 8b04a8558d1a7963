// TEMPORARY: the S3 driver's planned public API, so the configuration, CLI and tests compile before the driver
// (branch s3-driver) is merged. Removed by the merge commit.
import Foundation

public struct S3Location: Sendable, Equatable {
    public var bucket: String
    public var rootDirectory: String
    public var region: String
    public var endpoint: URL?
    public var secure: Bool
    public var pathStyle: Bool

    public init(bucket: String, rootDirectory: String, region: String, endpoint: URL?, secure: Bool, pathStyle: Bool) {
        self.bucket = bucket
        self.rootDirectory = rootDirectory
        self.region = region
        self.endpoint = endpoint
        self.secure = secure
        self.pathStyle = pathStyle
    }
}

public struct S3Credentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

public final class S3Driver: StorageDriver {
    public let s3Location: S3Location
    public var location: String { "s3://\(s3Location.bucket)/\(s3Location.rootDirectory)" }

    public init(location: S3Location, credentials: S3Credentials?, maxConcurrentRequests: Int = 32) {
        self.s3Location = location
    }

    private func missing(_ p: StoragePath) -> DriverError { .io(p, "the S3 driver is not merged yet") }
    public func list(_ path: StoragePath) async throws -> [DirectoryEntry] { throw missing(path) }
    public func stat(_ path: StoragePath) async throws -> FileInfo { throw missing(path) }
    public func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] { throw missing(path) }
    public func readChunks(_ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) async throws {
        throw missing(path)
    }
    public func walkFiles(_ path: StoragePath) async throws -> [WalkedFile] { throw missing(path) }
    public func write(_ path: StoragePath, contents: [UInt8]) async throws { throw missing(path) }
    public func delete(_ path: StoragePath) async throws { throw missing(path) }
}
