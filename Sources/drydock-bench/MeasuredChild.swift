import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `drydock-bench spawn-measured --rusage FILE -- COMMAND...` (hidden): runs COMMAND with this process's standard
/// streams and environment, waits, and writes its peak RSS (KiB) and user and system CPU seconds to FILE.
///
/// Why a process in between: glibc's `posix_spawn` starts the child on the parent's memory (`CLONE_VM|CLONE_VFORK`),
/// and at `execve` Linux records the old memory's high-water mark in the child's `ru_maxrss`. Spawned from the
/// benchmark itself, which holds every output it has read (hundreds of MiB), a 180 MiB `drydock ls --json` was
/// reported at 593 MiB. Spawned from this small fresh process, the figure is the command's own (at least this
/// process's ~10 MiB).
struct MeasuredChild: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spawn-measured", shouldDisplay: false)

    @Option(help: "Where to write `maxrss-KiB user-seconds system-seconds`.") var rusage: String
    @Argument(parsing: .captureForPassthrough) var command: [String]

    func run() throws {
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw ValidationError("no command to run") }
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], nil, nil, cArgs, environ)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = Glibc.rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        try "\(usage.ru_maxrss) \(user) \(system)\n".write(toFile: rusage, atomically: true, encoding: .utf8)
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        throw ExitCode(exit)
    }
}
