import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One command run to completion: wall time, peak resident memory, exit status, and its standard output.
struct Measurement {
    var seconds: Double
    var peakRSSKiB: Int
    /// User plus system CPU time of the child.
    var cpuSeconds: Double = 0
    var status: Int32
    var output: String
}

enum Measure {
    /// Runs `argv` with its stdout captured to a temp file (and stderr discarded, or written to `stderrPath`) and
    /// measures it with wait4's rusage, taken by `spawn-measured` in a small process of its own (`MeasuredChild`
    /// says why: spawned from here, the child's peak memory would include this process's).
    static func run(
        _ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment, stderrPath: String? = nil
    ) throws -> Measurement {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-bench-\(UUID().uuidString).out").path
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let stderrPath {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let usagePath = outPath + ".rusage"
        defer { unlink(usagePath) }
        let measured = [selfPath, "spawn-measured", "--rusage", usagePath, "--"] + argv
        let cArgs = measured.map { strdup($0) } + [nil]
        let cEnv = environment.filter { $0.key != "AWS_CA_BUNDLE" }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawnp(&pid, measured[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let figures = (try? String(contentsOfFile: usagePath, encoding: .utf8))?.split(separator: " ")
            .compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? []
        guard figures.count == 3 else {
            throw BenchError("\(argv[0]) was not measured (exit \(exit)): spawn-measured wrote no figures")
        }
        return Measurement(seconds: seconds, peakRSSKiB: Int(figures[0]), cpuSeconds: figures[1] + figures[2], status: exit, output: output)
    }

    /// This executable, for `spawn-measured` (argv[0] may be relative or a bare name).
    static let selfPath: String = {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink("/proc/self/exe", $0, b.count - 1) }
        }
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : CommandLine.arguments[0]
    }()

    /// Peak resident memory of this process so far, in KiB.
    static func selfPeakRSSKiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
