import Foundation

/// A running online collection's sign of life: `drydock/running/<journal-id>`, holding the time it was last written
/// and which process wrote it (`ProcessIdentity`), refreshed while the run lasts and removed when it ends. A journal
/// entry left incomplete is finished by a later run only when its heartbeat is gone, stale, or (on the same kernel)
/// written by a process that has exited, so two runs at once never take each other for a killed one (README,
/// "Online garbage collection", runs that stop part way). Outside `blobs/` and `repositories/`: the registry never
/// reads it.
struct OnlineRunHeartbeat: Sendable {
    static let directory = StoreLayout.drydock.appending("running")
    /// How often a live run rewrites it.
    static let interval: Duration = .seconds(20)
    /// Silent this long, the run that wrote it is taken for dead (killed, host lost). Generous against clock skew
    /// between hosts sharing a bucket and against a slow store stalling a write.
    static let staleAfter: TimeInterval = 300

    /// nil for an id the journal would not write (a forged entry).
    static func path(_ journalID: String) -> StoragePath? {
        guard Journal.path(journalID) != nil else { return nil }
        return directory.appending(journalID)
    }

    /// A writer the kernel says has exited is taken for dead once its heartbeat is this old: a live run rewrites it
    /// twice as often, so no identity wrongly read as exited (a time namespace that shifts start times, two virtual
    /// machines restored from one snapshot) can have a live run finished.
    static let exitedAfter: TimeInterval = 40

    /// The most a heartbeat holds: the time and the writer's identity (a boot id, a namespace, two numbers).
    static let maxSize = 256

    enum Liveness: Equatable {
        /// No heartbeat, one older than `staleAfter`, or one older than `exitedAfter` whose writer this kernel says
        /// has exited: the run is gone.
        case gone
        /// Written `age` seconds ago: another run is at work on this entry; `pid` when the kernel says that process
        /// (on this host) still exists.
        case alive(age: TimeInterval, pid: Int32? = nil)
        /// Its writer has exited (this kernel says so), but the heartbeat is younger than `exitedAfter`: left for now.
        case exited(age: TimeInterval)
        /// Could not be read (not "not found"): nobody can tell, so the entry is left alone.
        case unknown(String)
    }

    /// `here`: this process's identity (a parameter so tests can play another host or process).
    static func liveness(
        of journalID: String, driver: any StorageDriver, now: Date, here: ProcessIdentity? = ProcessIdentity.current
    ) async -> Liveness {
        guard let path = path(journalID) else { return .unknown("not a journal id") }
        let bytes: [UInt8]
        do {
            bytes = try await driver.withRetries { try await driver.read(path, limit: maxSize) }
        } catch {
            let e = DriverError(error)
            return e.isNotFound ? .gone : .unknown(SafeText.escaping(String(describing: e)))
        }
        // Unparsable text (damaged, forged) proves nothing alive: the entry is finished like a killed run's.
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard let first = words.first, let written = Double(first), written.isFinite else { return .gone }
        let elapsed = now.timeIntervalSince1970 - written
        let age = max(elapsed, 0)
        // More than `staleAfter` ahead of this clock, no live run wrote it (clocks are taken to agree within that): a
        // forged far-future time cannot hold an entry open for ever.
        let fromTheFuture = elapsed < -staleAfter
        // Written on this kernel: it knows whether the writer runs, whatever the clock says.
        let writer = ProcessIdentity(words: Array(words.dropFirst()))
        switch writer?.presence(from: here) {
        case .running?: return .alive(age: age, pid: writer?.pid)
        case .exited?: return age >= exitedAfter || fromTheFuture ? .gone : .exited(age: age)
        case .elsewhere?, nil: return age >= staleAfter || fromTheFuture ? .gone : .alive(age: age)
        }
    }

    let driver: any StorageDriver
    let path: StoragePath
    let now: @Sendable () -> Date

    init?(journalID: String, driver: any StorageDriver, now: @escaping @Sendable () -> Date) {
        guard let path = Self.path(journalID) else { return nil }
        self.driver = driver
        self.path = path
        self.now = now
    }

    /// Written once at once (before the journal entry exists), then every `interval` until the task is cancelled.
    func start() async throws(DeleteError) -> Task<Void, Never> {
        do {
            try await write()
        } catch {
            throw .driver(DriverError(error), done: "writing the run's heartbeat \(path)")
        }
        return Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                if Task.isCancelled { break }
                try? await write()
            }
        }
    }

    /// Stops the refresh and removes the file: the run is over (its entry complete, or left for the next run).
    func stop(_ task: Task<Void, Never>) async {
        task.cancel()
        await task.value
        try? await driver.withRetries { try await driver.delete(path) }
    }

    private func write() async throws {
        let text = String(format: "%.3f", now().timeIntervalSince1970) + (ProcessIdentity.current.map { " " + $0.words } ?? "")
        try await driver.withRetries { try await driver.write(path, contents: Array(text.utf8)) }
    }
}
