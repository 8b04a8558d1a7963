#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The last SIGINT/SIGTERM/SIGHUP received (0: none). The handler only stores it; the run loop polls it and
/// restores the terminal outside the handler (endwin is not async-signal-safe).
let pendingSignal = Atomic<Int32>(0)

/// Signal handling for the UI: the stop signals are caught and reported as events; crash signals restore the tty
/// (async-signal-safe calls only) and then let the previous handler (Swift's backtracer) run.
enum SignalGuard {
    static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT]

    /// Installs the handlers with `sigaction` and no SA_RESTART, so a blocked read returns at once with EINTR.
    static func installStopHandlers() {
        _ = pendingSignal.exchange(0, ordering: .relaxed)
        for sig in stopSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signo in pendingSignal.store(signo, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    static func takePending() -> Int32? {
        let s = pendingSignal.exchange(0, ordering: .relaxed)
        return s == 0 ? nil : s
    }

    /// After the terminal is restored. The stop handlers stay (they only record the signal): a second SIGHUP, as the
    /// kernel sends when the session leader goes, must not kill the process before it cleans up and exits.
    static func uninstall() {
        CrashGuard.uninstall()
    }
}

/// Restores the terminal if the process crashes while the UI is up: the saved tty modes, then escape sequences
/// leaving the alternate screen, showing the cursor and turning mouse reporting off. Then the previous handler runs,
/// so the crash report still prints (now readable).
enum CrashGuard {
    // Written once before the handlers are installed, read only by them.
    nonisolated(unsafe) private static var savedModes = termios()
    nonisolated(unsafe) private static var haveModes = false
    nonisolated(unsafe) private static var previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    nonisolated(unsafe) private static var installed = false
    private static let reset: StaticString =
        "\u{1b}[?1000l\u{1b}[?1002l\u{1b}[?1003l\u{1b}[?1006l\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l\u{1b}[?1l\u{1b}>\r\n"

    /// Call with the terminal still in its original modes (before ncurses starts).
    static func install() {
        haveModes = tcgetattr(0, &savedModes) == 0
        _ = reset.utf8CodeUnitCount
        _ = previous
        for sig in SignalGuard.crashSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signo in CrashGuard.handle(signo) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, previous + Int(sig))
        }
        installed = true
    }

    static func uninstall() {
        guard installed else { return }
        for sig in SignalGuard.crashSignals { sigaction(sig, previous + Int(sig), nil) }
        installed = false
    }

    private static func handle(_ signo: Int32) {
        if haveModes { tcsetattr(0, TCSANOW, &savedModes) }
        _ = write(1, reset.utf8Start, reset.utf8CodeUnitCount)
        // Hand over to whoever handled this signal before (Swift's backtracer, or the default: die).
        sigaction(signo, previous + Int(signo), nil)
        raise(signo)
    }
}
