import Foundation

/// Runs blocking work (a child process wait, a sleep loop) on a new thread and resumes the caller when it is done.
///
/// Not `DispatchQueue.global()`: on Linux the Swift concurrency executor runs jobs on libdispatch's global queues, so
/// a wait parked there holds one of the same few worker threads (about twice the core count, i.e. 4 on 2 cores) that
/// every test task needs. A dozen registry tests waiting for skopeo that way starved the in-memory UI test
/// (`RunnerTests.runsAgainstAStoreInTheBackgroundAndQuits`) for 20 s. A plain `Thread` is outside that pool.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "drydock-test-wait"
            thread.start()
        }
    }

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "drydock-test-wait"
            thread.start()
        }
    }
}
