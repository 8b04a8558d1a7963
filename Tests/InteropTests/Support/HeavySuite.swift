import Synchronization
import Testing

/// Caps how many suites that drive real registries, moto and tmux run at once.
///
/// Swift Testing runs every suite in parallel; on the 2-core CI machine a dozen registries, skopeo pushes and
/// drydock runs at once left each test seconds of CPU per minute of wall time, and their time limits (and the
/// in-memory tests sharing the process) paid for it. The gate is a suite trait, so it is taken before any test of
/// the suite starts: a test's `.timeLimit` never counts the time spent waiting for a permit.
struct HeavySuite: SuiteTrait, TestScoping {
    /// Heavy suites running at the same time.
    static let permits = 2
    private static let gate = AsyncGate(permits: permits)

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await Self.gate.acquire()
        defer { Self.gate.release() }
        try await function()
    }
}

extension SuiteTrait where Self == HeavySuite {
    /// See `HeavySuite`.
    static var heavy: Self { HeavySuite() }
}

/// A counting semaphore for tasks: `acquire` suspends (it never blocks a thread) until a permit is free.
final class AsyncGate: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(free: permits))
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { s in
                if s.free > 0 {
                    s.free -= 1
                    return true
                }
                s.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiting.isEmpty {
                s.free += 1
                return nil
            }
            // The permit passes straight to the first waiter.
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
