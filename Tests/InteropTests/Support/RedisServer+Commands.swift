@testable import RegistryStorage
import TestHarness

/// Talking to a test's redis through Drydock's own (internal) RESP client, for assertions; kept out of TestHarness,
/// which sees only RegistryStorage's public API.
extension RedisServer {
    /// The settings a registry (and Drydock) would use for this server.
    func settings(db: Int = 0, password: String? = nil) -> RedisSettings {
        RedisSettings(addr: address, password: password ?? self.password, db: db, dialTimeout: 2, readTimeout: 2, writeTimeout: 2)
    }

    /// One command on a fresh connection (authenticated, database `db`), for assertions.
    func command(_ words: [String], db: Int = 0) async throws -> RESPValue {
        let settings = settings(db: db)
        return try await OffPool.run {
            let connection = try RedisConnection.open(settings)
            defer { connection.close() }
            return try connection.pipeline([words])[0]
        }
    }

    /// Every key of database `db` (`KEYS *`: test databases hold a few dozen).
    func keys(db: Int = 0) async throws -> Set<String> {
        guard case .array(let items?) = try await command(["KEYS", "*"], db: db) else { return [] }
        return Set(items.compactMap { item -> String? in
            guard case .bulkString(let bytes?) = item else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        })
    }

}
