import Foundation
@testable import RegistryStorage
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct RedisServerError: Error, CustomStringConvertible {
    var message: String
    var log: String

    var description: String { log.isEmpty ? message : "\(message)\n--- redis-server log (tail) ---\n\(log)" }
}

/// A real `redis-server` (Debian) for tests: on a free 127.0.0.1 port, in its own temporary folder, nothing saved
/// (`--save '' --appendonly no`), optionally with a password (`--requirepass`). Never the system service.
///
/// ```swift
/// let redis = try await RedisServer.start(password: "s3cret")
/// defer { redis.stop() }
/// ```
final class RedisServer: @unchecked Sendable {
    let port: Int
    let password: String
    let workDirectory: URL
    let logPath: String
    let pid: Int32
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// `127.0.0.1:PORT`, the registry's `redis.addr`.
    var address: String { "127.0.0.1:\(port)" }

    private init(port: Int, password: String, workDirectory: URL, logPath: String, process: Process) {
        self.port = port
        self.password = password
        self.workDirectory = workDirectory
        self.logPath = logPath
        self.process = process
        self.pid = process.processIdentifier
    }

    deinit { stop() }

    /// Starts redis and waits until it answers PING. Retries with a new port if the first one was taken.
    static func start(password: String = "", startupTimeout: TimeInterval = 10) async throws -> RedisServer {
        let tool = try RequiredTool.require("redis-server")
        var lastError: Error?
        for _ in 0..<3 {
            do {
                return try await startOnce(tool: tool, password: password, timeout: startupTimeout)
            } catch let error as RedisServerError where error.log.contains("Address already in use") {
                lastError = error
            }
        }
        throw lastError!
    }

    /// Starts redis, runs `body`, and stops redis whatever happens.
    static func with<T>(password: String = "", _ body: (RedisServer) async throws -> T) async throws -> T {
        let server = try await start(password: password)
        do {
            let value = try await body(server)
            await OffPool.run { server.stop() }
            return value
        } catch {
            await OffPool.run { server.stop() }
            throw error
        }
    }

    private static func startOnce(tool: String, password: String, timeout: TimeInterval) async throws -> RedisServer {
        let work = try TemporaryDirectory(prefix: "drydock-redis")
        let port = try RegistryServer.freeLoopbackPort()
        let logURL = work.url.appendingPathComponent("redis.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: logURL)
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", work.path, "--daemonize", "no", "--protected-mode", "yes", "--databases", "16",
        ]
        if !password.isEmpty { arguments += ["--requirepass", password] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.environment = Shell.childEnvironment()
        process.currentDirectoryURL = work.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        do {
            try process.run()
        } catch {
            try? logHandle.close()
            work.remove()
            throw error
        }
        try? logHandle.close()
        let server = RedisServer(port: port, password: password, workDirectory: work.url, logPath: logURL.path, process: process)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if !process.isRunning {
                let log = server.logTail()
                server.stop()
                throw RedisServerError(message: "redis-server exited during startup (status \(process.terminationStatus))", log: log)
            }
            if (try? await server.command(["PING"])) == .simpleString("PONG") { return server }
            if Date() > deadline {
                let log = server.logTail()
                server.stop()
                throw RedisServerError(message: "redis-server did not answer PING within \(timeout) s", log: log)
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

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

    /// SIGTERM, then SIGKILL after 5 s; removes the work folder. Safe to call more than once.
    func stop() {
        let alreadyStopped = lock.withLock {
            let was = stopped
            stopped = true
            return was
        }
        if alreadyStopped { return }
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: workDirectory)
    }

    func logTail(lines: Int = 40) -> String {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
