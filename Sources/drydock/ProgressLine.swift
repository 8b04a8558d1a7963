import Foundation

/// One progress display on standard error. On a terminal it rewrites one line; forced to a file or pipe
/// (`--progress`), it writes a line at most once a second, so a log stays readable. Automatic mode waits half a
/// second before drawing, so quick runs print nothing.
final class ProgressLine: @unchecked Sendable {
    enum Mode { case off, automatic, forced }

    private let mode: Mode
    private let terminal = isatty(2) == 1
    private let lock = NSLock()
    private let started = Date()
    private var lastDrawn: Date?
    private var pending: String?

    init(mode: Mode) { self.mode = mode }

    var isOn: Bool { mode != .off }

    /// Shows `text` (built only when it will be drawn) unless one was drawn very recently. A `milestone` (a phase
    /// beginning) is drawn at once, so a log says when each phase began however quick the one before it was.
    func update(_ text: @autoclosure () -> String, milestone: Bool = false) {
        guard mode != .off else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if mode == .automatic && now.timeIntervalSince(started) < 0.5 { return }
        if !milestone, let lastDrawn, now.timeIntervalSince(lastDrawn) < (terminal ? 0.1 : 1) {
            pending = text()
            return
        }
        pending = nil
        lastDrawn = now
        draw(text())
    }

    /// Ends the display: a terminal line is cleared; a log gets the last state it did not show yet.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard mode != .off else { return }
        if terminal {
            if lastDrawn != nil { FileHandleOutput.progress(nil) }
        } else if let pending {
            draw(pending)
        }
        lastDrawn = nil
        pending = nil
    }

    private func draw(_ text: String) {
        if terminal { FileHandleOutput.progress(text) } else { FileHandleOutput.standardError("drydock: progress: \(text)") }
    }
}
