import Dispatch

/// Runs blocking work (socket waits of up to several seconds) on a Dispatch thread, so that it never holds one of
/// the few threads of Swift's concurrency pool (two on the CI machine) while it waits.
enum BlockingCall {
    static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(E) -> T in try work() })
            }
        }
        return try result.get()
    }
}
