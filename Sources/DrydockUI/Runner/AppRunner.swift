import Foundation

/// The run loop. Owns the terminal on one thread: waits up to a tick for input, drains the results background tasks
/// posted, reduces, and draws when something changed. Nothing here blocks on the store.
public final class AppRunner {
    public enum Outcome: Equatable, Sendable {
        case quit
        /// Stopped by SIGINT/SIGTERM/SIGHUP; the caller restores the terminal and exits with 128 + signal.
        case signal(Int32)
    }

    private let terminal: any Terminal
    private let queue = ActionQueue()
    private let effects: EffectRunner
    public private(set) var state: AppState
    /// How long one wait for input lasts; background results show up at least this often.
    public var tickMilliseconds = 100
    /// Frames drawn so far (for tests).
    public private(set) var frames = 0

    public init(terminal: any Terminal, state: AppState, handler: EffectHandler) {
        self.terminal = terminal
        self.state = state
        self.effects = EffectRunner(handler: handler, queue: queue)
    }

    public func run() throws -> Outcome {
        defer { effects.cancelAll() }
        state.size = terminal.size
        state.barGlyphs = terminal.isUTF8 ? .unicode : .ascii
        dispatch(.start)
        draw()
        while !state.quitRequested {
            var changed = false
            if let event = try terminal.nextEvent(timeoutMs: tickMilliseconds) {
                if case .signal(let n) = event { return .signal(n) }
                dispatch(Action(event))
                changed = true
                // Take whatever else is already buffered (key repeat, paste) before drawing.
                var extra = 0
                while extra < 64, !state.quitRequested, let more = try terminal.nextEvent(timeoutMs: 0) {
                    if case .signal(let n) = more { return .signal(n) }
                    dispatch(Action(more))
                    extra += 1
                }
            }
            let results = queue.drain()
            for action in results { dispatch(action) }
            changed = changed || !results.isEmpty
            if changed && !state.quitRequested { draw() }
        }
        return .quit
    }

    /// Reduces one action and starts its effects.
    public func dispatch(_ action: Action) {
        let (next, work) = reduce(state, action)
        state = next
        for effect in work {
            if case .copyToClipboard(let text) = effect {
                terminal.copyToClipboard(text)
            } else {
                effects.perform(effect)
            }
        }
    }

    private func draw() {
        terminal.draw(render(state, textWidth: terminal.textWidth))
        frames += 1
    }
}

/// Runs the UI on a thread of its own (ncurses is not thread-safe and its loop blocks), so the Swift concurrency
/// pool stays free for background work; the caller awaits the result.
public enum UIThread {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: body())
            }
            thread.name = "drydock-ui"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
