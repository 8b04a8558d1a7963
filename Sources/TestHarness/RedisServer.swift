import Foundation

#if canImport(Glibc)
import Glibc
#endif

public struct RedisServerError: Error, CustomStringConvertible {
    public var message: String
    public var log: String

    public var description: String { log.isEmpty ? message : "\(message)\n--- redis-server log (tail) ---\n\(log)" }
}

/// A real `redis-server` (Debian) for tests: on a free 127.0.0.1 port, in its own temporary folder, nothing saved
/// (`--save '' --appendonly no`), optionally with a password (`--requirepass`). Never the system service.
///
/// ```swift
/// let redis = try await RedisServer.start(password: "s3cret")
/// defer { redis.stop() }
/// ```
public final class RedisServer: @unchecked Sendable {
    public let port: Int
    public let password: String
    public let workDirectory: URL
    public let logPath: String
    public let pid: Int32
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// `127.0.0.1:PORT`, the registry's `redis.addr`.
    public var address: String { "127.0.0.1:\(port)" }

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
    public static func start(password: String = "", startupTimeout: TimeInterval = 10) async throws -> RedisServer {
        let tool = try RequiredTool.requireForLaunch("redis-server")
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
    public static func with<T>(password: String = "", _ body: (RedisServer) async throws -> T) async throws -> T {
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
        let port = try LoopbackPort.free()
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
            if await OffPool.run({ server.answersPing() }) { return server }
            if Date() > deadline {
                let log = server.logTail()
                server.stop()
                throw RedisServerError(message: "redis-server did not answer PING within \(timeout) s", log: log)
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// True when a fresh connection gets an answer to PING: `+PONG`, or `-NOAUTH` from a server with a password
    /// (either way redis is serving). Blocks for up to a second.
    public func answersPing() -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var wait = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = LoopbackPort.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let ping = Array("*1\r\n$4\r\nPING\r\n".utf8)
        guard send(fd, ping, ping.count, 0) == ping.count else { return false }
        var reply = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &reply, reply.count, 0)
        guard count > 0 else { return false }
        let text = String(decoding: reply[..<count], as: UTF8.self)
        return text.hasPrefix("+PONG") || text.hasPrefix("-NOAUTH")
    }

    /// SIGTERM, then SIGKILL after 5 s; removes the work folder. Safe to call more than once.
    public func stop() {
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

    public func logTail(lines: Int = 40) -> String {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
