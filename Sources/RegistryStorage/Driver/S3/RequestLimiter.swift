/// An async counting semaphore: at most `limit` holders at once, waiters served first come, first served.
actor RequestLimiter {
    private let limit: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// The most holders seen at once (tests check the bound).
    private(set) var peak = 0

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if inFlight < limit {
            inFlight += 1
            peak = max(peak, inFlight)
            return
        }
        // The releasing holder hands its slot straight to us, so `inFlight` does not change.
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
