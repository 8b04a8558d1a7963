import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct TmuxTimeout: Error, CustomStringConvertible {
    var waitingFor: String
    var screen: String

    var description: String { "timed out waiting for \(waitingFor); the screen was:\n\(screen)" }
}

/// A tmux server of our own (a unique `-L` socket, no user config) running one command in a detached session, for
/// end-to-end tests of the terminal UI. The pane stays after the command exits (`remain-on-exit`), so its exit status
/// and the terminal state it left can be read. `stop()` kills the server (and whatever still runs in it).
final class TmuxSession: @unchecked Sendable {
    let tmux: String
    let socket: String
    let session = "drydock"
    private let configFile: URL
    private let environment: [String: String]

    private init(tmux: String, socket: String, configFile: URL, environment: [String: String]) {
        self.tmux = tmux
        self.socket = socket
        self.configFile = configFile
        self.environment = environment
    }

    /// Starts `command` (argv; run through `env` with `environment`) in a `width`×`height` window.
    static func start(
        _ command: [String], environment extra: [String: String] = [:], width: Int = 120, height: Int = 35
    ) async throws -> TmuxSession {
        let tmux = try RequiredTool.require("tmux")
        let socket = "drydock-e2e-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).conf")
        try Data("set -g remain-on-exit on\nset -g status off\nset -g history-limit 0\n".utf8).write(to: config)
        let env = Shell.childEnvironment(adding: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        let session = TmuxSession(tmux: tmux, socket: socket, configFile: config, environment: env)
        var vars = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "SWIFT_BACKTRACE": "interactive=no"]
        for (k, v) in extra { vars[k] = v }
        // tmux runs this with /bin/sh: the command, then its exit status on screen, then a sleep that keeps the
        // pane (tmux 3.3 does not always record #{pane_dead_status} for a quick exit).
        let command = (["env"] + vars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + command)
            .map(Shell.quote).joined(separator: " ")
        let line = "trap : INT; \(command); echo \"[exited: $?]\"; exec sleep 600"
        try await session.checked(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", session.session, line])
        await session.recordServerPID()
        return session
    }

    /// Runs one tmux command. Not through Foundation's `Process`: the tmux server forks from the first client and
    /// would keep the pipe `Process` watches open, so that client would never count as exited.
    @discardableResult
    func run(_ arguments: [String]) async throws -> Spawned {
        try await Spawned.run(tmux, ["-u", "-L", socket, "-f", configFile.path] + arguments, environment: environment)
    }

    @discardableResult
    func checked(_ arguments: [String]) async throws -> Spawned {
        let result = try await run(arguments)
        guard result.status == 0 else {
            throw TmuxTimeout(waitingFor: "tmux \(arguments.joined(separator: " ")) (exit \(result.status): \(result.stderr))", screen: "")
        }
        return result
    }

    /// The pane's text, as `capture-pane -p` prints it (wide characters once, trailing spaces dropped).
    func capture() async throws -> String {
        try await checked(["capture-pane", "-p", "-t", session]).stdout
    }

    /// `display -p FORMAT` for the pane, e.g. `#{alternate_on}`.
    func display(_ format: String) async throws -> String {
        try await checked(["display", "-p", "-t", session, format]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Keys by tmux name (`Enter`, `Escape`, `j`, `C-c`).
    func send(_ keys: String...) async throws {
        try await checked(["send-keys", "-t", session] + keys)
    }

    /// Text sent literally.
    func type(_ text: String) async throws {
        try await checked(["send-keys", "-t", session, "-l", text])
    }

    func resize(width: Int, height: Int) async throws {
        try await checked(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `condition` holds on two captures in a row that are identical; returns that screen.
    /// One matching capture is not enough: curses writes a frame in several chunks, and a capture taken between them
    /// shows the new title over the old body (CI caught the help overlay's frame with only its first line drawn). A
    /// screen that keeps changing while the condition holds (a spinner) is returned at the deadline rather than
    /// failing. Throws `TmuxTimeout` with the last screen when the condition never held.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 20, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        var matched: String?
        while true {
            screen = try await capture()
            if condition(screen) {
                if screen == matched { return screen }
                matched = screen
            } else {
                matched = nil
            }
            if Date() > deadline {
                if let matched { return matched }
                throw TmuxTimeout(waitingFor: what, screen: screen)
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// True once the browser has nothing left to load: the catalog is read, indexing is over and verification is
    /// done. A screen drawn while the catalog streams in ("reading catalog…") already lists names but is not the end
    /// state, and neither "indexing" nor "verifying" shows there yet.
    static func isSettled(_ screen: String) -> Bool {
        !screen.contains("reading catalog") && !screen.contains("indexing") && !screen.contains("verifying")
    }

    /// Polls until the command has exited; returns its exit status.
    func waitForExit(timeout: TimeInterval = 20) async throws -> Int {
        let screen = try await waitFor("the command to exit", timeout: timeout) { $0.contains("[exited: ") }
        let tail = screen.components(separatedBy: "[exited: ").last ?? ""
        return Int(tail.prefix { $0.isNumber }) ?? -1
    }

    /// The command's process (the pane runs a shell around it), or 0 when it is gone.
    func commandPID() async throws -> pid_t {
        let shell = try await display("#{pane_pid}")
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return pid_t(children.split(separator: " ").first ?? "") ?? 0
    }

    /// Kills the tmux server (the command in the pane gets SIGHUP), by its pid if it does not go.
    func stop() {
        let socketPath = "/tmp/tmux-\(getuid())/\(socket)"
        let serverPID = serverPIDForStop
        _ = Spawned.runBlocking(tmux, ["-L", socket, "-f", configFile.path, "kill-server"], environment: environment)
        if serverPID > 0 {
            for _ in 0..<100 where kill(serverPID, 0) == 0 { usleep(10_000) }
            if kill(serverPID, 0) == 0 { kill(serverPID, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: configFile)
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// The server's pid, read once the session is up.
    private var serverPIDForStop: pid_t = 0

    func recordServerPID() async {
        serverPIDForStop = pid_t((try? await display("#{pid}")) ?? "") ?? 0
    }
}

/// A finished child process, started with `posix_spawn` (stdin /dev/null, stdout and stderr to files, every other
/// descriptor closed, so daemons it starts hold nothing of ours) and reaped with `waitpid`.
struct Spawned: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    static func run(_ path: String, _ arguments: [String], environment: [String: String], timeout: TimeInterval = 20) async throws -> Spawned {
        let (pid, scratch) = try start(path, arguments, environment: environment)
        defer { scratch.remove() }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        return finish(status, scratch)
    }

    /// For cleanup paths that cannot await.
    static func runBlocking(_ path: String, _ arguments: [String], environment: [String: String]) -> Spawned? {
        guard let (pid, scratch) = try? start(path, arguments, environment: environment) else { return nil }
        defer { scratch.remove() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return finish(status, scratch)
    }

    private static func start(_ path: String, _ arguments: [String], environment: [String: String]) throws -> (pid_t, TemporaryDirectory) {
        let scratch = try TemporaryDirectory(prefix: "drydock-spawn")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch.url.appendingPathComponent("out").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, scratch.url.appendingPathComponent("err").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // glibc 2.34+; looked up at run time because Swift's Glibc module does not import it.
        guard let closeFrom = closeFromAction else {
            scratch.remove()
            throw TmuxTimeout(waitingFor: "posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)", screen: "")
        }
        _ = closeFrom(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else {
            scratch.remove()
            throw TmuxTimeout(waitingFor: "posix_spawn \(path) (error \(rc))", screen: "")
        }
        return (pid, scratch)
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    private static let closeFromAction: CloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    private static func finish(_ status: Int32, _ scratch: TemporaryDirectory) -> Spawned {
        let exited = status & 0x7f == 0
        let read = { (name: String) in (try? String(contentsOf: scratch.url.appendingPathComponent(name), encoding: .utf8)) ?? "" }
        return Spawned(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: read("out"), stderr: read("err"))
    }
}
