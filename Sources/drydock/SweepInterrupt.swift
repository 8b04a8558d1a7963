import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM during a sweep: the first asks the run to stop after its current batch, with the checkpoint
/// written to the journal entry (`drydock gc --resume ID` finishes it); a second ends the process at once, which
/// is still resumable, from the last checkpoint written. An online collection says its own first message.
final class SweepInterrupt: @unchecked Sendable {
    static let sweepMessage = "drydock: stopping after the current batch (the journal entry keeps a checkpoint); signal again to stop at once"
    static let onlineMessage = "drydock: stopping: no more data moves; links of blobs not moved go back and the re-scan restores what pushes need (a few seconds); signal again to stop at once (the next run finishes this one)"
    private let message: String
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    init(message: String = SweepInterrupt.sweepMessage) {
        self.message = message
    }

    /// Catches both signals until `uninstall`.
    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.received(number) }
            source.resume()
            sources.append(source)
        }
    }

    func uninstall() {
        for source in sources { source.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    private func received(_ number: Int32) {
        lock.lock()
        let again = requested
        requested = true
        lock.unlock()
        if again {
            signal(number, SIG_DFL)
            raise(number)
            return
        }
        FileHandleOutput.standardError(message)
    }
}
