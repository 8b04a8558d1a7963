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
    /// measures it with wait4's rusage.
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
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.filter { $0.key != "AWS_CA_BUNDLE" }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return Measurement(seconds: seconds, peakRSSKiB: Int(usage.ru_maxrss), cpuSeconds: cpu, status: exit, output: output)
    }

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
