import Foundation
import RegistryStorage

/// A sweep's progress line: each phase's count with its own rate and time left
/// (`swept 12 300/48 000 blobs · 2 100/s · ETA 17 s`).
final class SweepProgress: @unchecked Sendable {
    private let line: ProgressLine
    private let lock = NSLock()
    private var phase: GCProgress.Phase?
    private var rate = ProgressRate()

    init(_ line: ProgressLine) { self.line = line }

    func update(_ p: GCProgress) {
        lock.lock()
        let begins = p.phase != phase
        if begins {
            phase = p.phase
            rate = ProgressRate()
        }
        let rate = self.rate
        lock.unlock()
        line.update(p.text(rate: rate), milestone: begins)
    }

    func finish() { line.finish() }
}
