import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs child processes for the interop tests. Output goes through temporary files (never pipes), so a chatty child
/// cannot deadlock the harness; stdin is /dev/null.
public enum Shell {
    /// Environment for every child: the test process's own, minus variables that would change what the tools do
    /// (AWS_CA_BUNDLE breaks docker-registry's S3 setup; REGISTRY_* would override its config file; proxies must not
    /// see loopback traffic).
    /// The content cache folder of every drydock this test process starts (unless a test names another).
    public static let testCacheDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("drydock-test-cache-\(ProcessInfo.processInfo.processIdentifier)").path

    public static func childEnvironment(adding extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys {
            let upper = key.uppercased()
            if upper == "AWS_CA_BUNDLE" || upper.hasPrefix("REGISTRY_") || upper == "HTTP_PROXY" || upper == "HTTPS_PROXY"
                || upper == "ALL_PROXY"
            {
                env[key] = nil
            }
        }
        // The drydock binary keeps a content cache under ~/.cache/drydock; tests use one of their own (per test
        // process), so they neither read what earlier runs left nor write into the home folder.
        if env["DRYDOCK_CACHE_DIR"] == nil { env["DRYDOCK_CACHE_DIR"] = testCacheDirectory }
        env["NO_PROXY"] = "127.0.0.1,localhost"
        env["no_proxy"] = "127.0.0.1,localhost"
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs `executable` (a path, or a name looked up on PATH) and waits for it, blocking the calling thread.
    public static func runSync(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil,
        timeout: TimeInterval = 300
    ) throws -> ProcessResult {
        guard let path = executable.contains("/") ? executable : RequiredTool.path(of: executable) else {
            throw ToolMissingError(tool: executable, underCI: RequiredTool.isCI)
        }
        let scratch = try TemporaryDirectory(prefix: "drydock-proc")
        defer { scratch.remove() }
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment ?? childEnvironment()
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        do {
            try process.run()
        } catch {
            try? outHandle.close()
            try? errHandle.close()
            throw error
        }
        try? outHandle.close()
        try? errHandle.close()

        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        return ProcessResult(
            executable: path,
            arguments: arguments,
            exitCode: process.terminationStatus,
            timedOut: timedOut,
            stdout: Array((try? Data(contentsOf: outURL)) ?? Data()),
            stderr: Array((try? Data(contentsOf: errURL)) ?? Data())
        )
    }

    /// Same as `runSync`, but waits on a thread of its own (`OffPool`) so the Swift concurrency pool stays free.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil,
        timeout: TimeInterval = 300
    ) async throws -> ProcessResult {
        try await OffPool.run {
            try runSync(executable, arguments, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
        }
    }

    /// `runSync`, throwing `ProcessFailure` unless the child exited 0.
    @discardableResult
    public static func checkedSync(
        _ executable: String, _ arguments: [String], currentDirectory: URL? = nil, timeout: TimeInterval = 300
    ) throws -> ProcessResult {
        let result = try runSync(executable, arguments, currentDirectory: currentDirectory, timeout: timeout)
        guard result.succeeded else { throw ProcessFailure(result: result) }
        return result
    }

    public static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%")
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
