import Foundation

/// Which process on which running kernel wrote a heartbeat (`OnlineRunHeartbeat`): the kernel's boot id, the PID
/// namespace, the pid and the process's start time in clock ticks since boot (`/proc/<pid>/stat`, field 22, which
/// tells a reused pid apart). A run on the same kernel and PID namespace can then ask the kernel whether the writer
/// still exists instead of waiting five minutes for its heartbeat to go stale: a killed run is finished by the next
/// one once its heartbeat has missed a refresh (`OnlineRunHeartbeat.exitedAfter`), and a writer that still exists
/// is never taken for dead, however late its heartbeat.
struct ProcessIdentity: Equatable, Sendable {
    var boot: String
    var pidNamespace: String
    var pid: Int32
    var start: UInt64

    /// The running process's, nil where `/proc` does not tell (then heartbeats carry the time alone), or where the
    /// `/proc` mounted is another PID namespace's (`/proc/self/stat` names another pid than ours).
    static let current: ProcessIdentity? = {
        let pid = getpid()
        guard let boot = bootID(), let namespace = pidNamespace(), let me = status(of: "self"), me.pid == pid else { return nil }
        return ProcessIdentity(boot: boot, pidNamespace: namespace, pid: pid, start: me.start)
    }()

    /// The words a heartbeat carries after its time.
    var words: String { "\(boot) \(pidNamespace) \(pid) \(start)" }

    /// Parses `words`, strictly: a heartbeat is stored text anyone with write access could forge.
    init?(words: [Substring]) {
        guard words.count == 4, Self.isBootID(words[0]), Self.isNamespace(words[1]),
            let pid = Int32(words[2]), pid > 0, let start = UInt64(words[3])
        else { return nil }
        self.init(boot: String(words[0]), pidNamespace: String(words[1]), pid: pid, start: start)
    }

    init(boot: String, pidNamespace: String, pid: Int32, start: UInt64) {
        self.boot = boot
        self.pidNamespace = pidNamespace
        self.pid = pid
        self.start = start
    }

    enum Presence: Equatable {
        /// Another kernel or PID namespace (another host, container or boot): the kernel cannot tell.
        case elsewhere
        /// The process exists (same pid, same start time), stopped or not: it may go on.
        case running
        /// No such process, a zombie, or its pid now belongs to a later one.
        case exited
    }

    /// Whether the process this names still runs, asked of this process's kernel.
    func presence(from here: ProcessIdentity?) -> Presence {
        guard let here, here.boot == boot, here.pidNamespace == pidNamespace else { return .elsewhere }
        guard let now = Self.status(of: String(pid)) else {
            // Unreadable for another reason than absence: nobody can tell.
            return Self.exists(pid) ? .elsewhere : .exited
        }
        return now.start == start && !now.isZombie ? .running : .exited
    }

    private static func exists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    static func bootID() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else { return nil }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return isBootID(Substring(id)) ? id : nil
    }

    static func pidNamespace() -> String? {
        guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid") else { return nil }
        return isNamespace(Substring(link)) ? link : nil
    }

    struct Status {
        var pid: Int32
        var start: UInt64
        /// State `Z` (zombie) or `X`/`x` (dead): it will never write again.
        var isZombie: Bool
    }

    /// Fields 1, 3 and 22 of `/proc/<which>/stat` (fields after the command name, which may hold spaces and
    /// parentheses, are taken from the last `)`); nil when there is no such process or the file says something else.
    static func status(of which: String) -> Status? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(which)/stat"),
            let text = String(data: data, encoding: .utf8), let close = text.lastIndex(of: ")"),
            let open = text.firstIndex(of: "("), let pid = Int32(text[..<open].trimmingCharacters(in: .whitespaces))
        else { return nil }
        // Fields 3... after the name: the state first, the start time 20th.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 20, let start = UInt64(fields[19]) else { return nil }
        return Status(pid: pid, start: start, isZombie: ["Z", "X", "x"].contains(fields[0]))
    }

    /// 36 characters of lowercase hex and dashes, as the kernel writes a UUID.
    static func isBootID(_ s: Substring) -> Bool {
        s.utf8.count == 36 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || $0 == 0x2D }
    }

    /// `pid:[<inode>]`.
    static func isNamespace(_ s: Substring) -> Bool {
        guard s.hasPrefix("pid:["), s.hasSuffix("]") else { return false }
        let inner = s.dropFirst(5).dropLast()
        return !inner.isEmpty && inner.count <= 20 && inner.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
