import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a harness server did not start: what went wrong, and the tail of its log.
public struct ServerProcessError: Error, CustomStringConvertible {
    /// The program, e.g. `moto_server`.
    public var server: String
    public var message: String
    public var log: String

    public var description: String { log.isEmpty ? message : "\(message)\n--- \(server) log (tail) ---\n\(log)" }
}

/// A server child of the harness (`docker-registry`, `moto_server`, `redis-server`): started in its own temporary
/// folder on a free loopback port, standard output and error in a log file there, ready once a probe answers, and
/// stopped with SIGTERM, then SIGKILL. Every wait is bounded. `stop()` (also run by `deinit`) is safe to call more
/// than once and removes the folder unless `keepsWorkDirectory` is set.
public final class ServerProcess: @unchecked Sendable {
    /// What to run, built once the folder and the port are known.
    public struct Launch {
        public var executable: String
        public var arguments: [String]
        public var environment: [String: String]

        public init(executable: String, arguments: [String], environment: [String: String]) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
        }
    }

    /// The program, for messages (`moto_server`).
    public let name: String
    public let port: Int
    public let workDirectory: URL
    public let logPath: String
    public let pid: Int32
    private let process: Process
    private let lock = NSLock()
    private var stopped = false
    private var keep = false

    private init(name: String, port: Int, workDirectory: URL, logPath: String, process: Process) {
        self.name = name
        self.port = port
        self.workDirectory = workDirectory
        self.logPath = logPath
        self.process = process
        self.pid = process.processIdentifier
    }

    deinit { stop() }

    /// Starts `launch(folder, port)` and polls `ready` until it answers true, at most `timeout` seconds. A port
    /// taken between choosing and binding it ("address already in use" in the log) is retried with a new one, three
    /// times at most.
    public static func start(
        _ name: String, folder: String, timeout: TimeInterval, readiness: String, poll: UInt64 = 50_000_000,
        launch: (URL, Int) throws -> Launch, ready: (ServerProcess) async -> Bool
    ) async throws -> ServerProcess {
        var lastError: ServerProcessError?
        for _ in 0..<3 {
            do {
                return try await startOnce(name, folder: folder, timeout: timeout, readiness: readiness, poll: poll, launch: launch, ready: ready)
            } catch let error as ServerProcessError where error.log.lowercased().contains("address already in use") {
                lastError = error
            }
        }
        throw lastError!
    }

    private static func startOnce(
        _ name: String, folder: String, timeout: TimeInterval, readiness: String, poll: UInt64,
        launch: (URL, Int) throws -> Launch, ready: (ServerProcess) async -> Bool
    ) async throws -> ServerProcess {
        let work = try TemporaryDirectory(prefix: "drydock-\(folder)")
        let port = try LoopbackPort.free()
        let logURL = work.url.appendingPathComponent("\(folder).log")
        let process = Process()
        do {
            let what = try launch(work.url, port)
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let logHandle = try FileHandle(forWritingTo: logURL)
            defer { try? logHandle.close() }
            process.executableURL = URL(fileURLWithPath: what.executable)
            process.arguments = what.arguments
            process.environment = what.environment
            process.currentDirectoryURL = work.url
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = logHandle
            process.standardError = logHandle
            try process.run()
        } catch {
            work.remove()
            throw error
        }
        let server = ServerProcess(name: name, port: port, workDirectory: work.url, logPath: logURL.path, process: process)
        let deadline = Date().addingTimeInterval(timeout)
        var probes = 0
        while true {
            if !process.isRunning {
                throw server.failure("\(name) exited during startup (status \(process.terminationStatus))")
            }
            probes += 1
            if await ready(server) { return server }
            if Date() > deadline {
                // The probe count tells a slow server (many probes) from a starved test process (a handful).
                throw server.failure("\(name) did not \(readiness) within \(timeout) s (\(probes) probes)")
            }
            try await Task.sleep(nanoseconds: poll)
        }
    }

    /// Stops the server and describes why it is unusable, with the log as it was.
    public func failure(_ message: String) -> ServerProcessError {
        let log = logTail()
        stop()
        return ServerProcessError(server: name, message: message, log: log)
    }

    public var isRunning: Bool { process.isRunning }

    /// Keep the work folder after `stop()`, e.g. to inspect a failure. Default false.
    public var keepsWorkDirectory: Bool {
        get { lock.withLock { keep } }
        set { lock.withLock { keep = newValue } }
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the child to be gone, then removes the work folder (unless
    /// `keepsWorkDirectory`). Blocks: from async code call it through `OffPool`.
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
        if !keepsWorkDirectory { try? FileManager.default.removeItem(at: workDirectory) }
    }

    /// The log (standard output and error), whole.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The last `lines` lines of the log, for failure messages.
    public func logTail(lines: Int = 40) -> String {
        log().split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
