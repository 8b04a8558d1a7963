import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `redis-server` (Debian) for tests: on a free 127.0.0.1 port, in its own temporary folder, nothing saved
/// (`--save '' --appendonly no`), optionally with a password (`--requirepass`). Never the system service.
///
/// ```swift
/// let redis = try await RedisServer.start(password: "s3cret")
/// defer { redis.stop() }
/// ```
public final class RedisServer: @unchecked Sendable, HarnessServer {
    public let password: String
    public var port: Int { server.port }
    public var workDirectory: URL { server.workDirectory }
    public var logPath: String { server.logPath }
    public var pid: Int32 { server.pid }
    private let server: ServerProcess

    /// `127.0.0.1:PORT`, the registry's `redis.addr`.
    public var address: String { "127.0.0.1:\(port)" }

    private init(_ server: ServerProcess, password: String) {
        self.server = server
        self.password = password
    }

    /// Starts redis and waits until it answers PING. Retries with a new port if the first one was taken. The wait is
    /// generous: a CI run once logged redis "Ready to accept connections" 9 ms after launch and still no PING answer
    /// in 10 s, while the S3 soak loaded both cores.
    public static func start(password: String = "", startupTimeout: TimeInterval = 40) async throws -> RedisServer {
        let tool = try RequiredTool.requireForLaunch("redis-server")
        let process = try await ServerProcess.start(
            "redis-server", folder: "redis", timeout: startupTimeout, readiness: "answer PING",
            launch: { work, port in
                var arguments = [
                    "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", work.path, "--daemonize", "no", "--protected-mode", "yes", "--databases", "16",
                ]
                if !password.isEmpty { arguments += ["--requirepass", password] }
                return .init(executable: tool, arguments: arguments, environment: Shell.childEnvironment())
            },
            ready: { process in await OffPool.run { answersPing(port: process.port) } })
        return RedisServer(process, password: password)
    }

    /// Starts redis, runs `body`, and stops redis whatever happens.
    public static func with<T>(password: String = "", _ body: (RedisServer) async throws -> T) async throws -> T {
        try await start(password: password).stopping(after: body)
    }

    /// True when a fresh connection gets an answer to PING: `+PONG`, or `-NOAUTH` from a server with a password
    /// (either way redis is serving). Blocks for up to three seconds.
    public func answersPing() -> Bool { Self.answersPing(port: port) }

    private static func answersPing(port: Int) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var wait = timeval(tv_sec: 3, tv_usec: 0)
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
    public func stop() { server.stop() }

    public func logTail(lines: Int = 40) -> String { server.logTail(lines: lines) }
}
