import Foundation
import RegistryStorage
import Testing
@testable import DrydockUI

/// A terminal that replays a script: each step waits until the last frame shows some text, then sends events.
final class ScriptedTerminal: Terminal {
    enum Step {
        case waitFor(String)
        case send([TerminalEvent])
    }

    var size: GridSize
    let textWidth = TextWidth.unicode
    private var steps: [Step]
    private(set) var frames: [CellGrid] = []
    private var pending: [TerminalEvent] = []
    private let deadline = Date().addingTimeInterval(20)
    private(set) var failure: String?

    init(size: GridSize, steps: [Step]) {
        self.size = size
        self.steps = steps
    }

    var lastText: String { frames.last?.plainText ?? "" }

    func draw(_ grid: CellGrid) { frames.append(grid) }

    /// Texts the run loop asked to copy.
    private(set) var copied: [String] = []

    func copyToClipboard(_ text: String) { copied.append(text) }

    func nextEvent(timeoutMs: Int) throws -> TerminalEvent? {
        if !pending.isEmpty { return pending.removeFirst() }
        guard let step = steps.first else { return .key(.char("q")) }
        switch step {
        case .waitFor(let text):
            if lastText.contains(text) {
                steps.removeFirst()
                return nil
            }
            if Date() > deadline {
                failure = "timed out waiting for \(text); screen:\n\(lastText)"
                return .signal(SIGTERM)
            }
            if timeoutMs > 0 { usleep(useconds_t(min(timeoutMs, 10) * 1000)) }
            return nil
        case .send(let events):
            steps.removeFirst()
            pending = events
            if case .resize(let s)? = events.first { size = s }
            return pending.isEmpty ? nil : pending.removeFirst()
        }
    }
}

/// What a scripted run left behind (the terminal itself stays on the UI thread).
struct ScriptedRun: Sendable {
    var outcome: AppRunner.Outcome?
    var error: String?
    var failure: String?
    var lastSize: GridSize?
    var top: ScreenID
    var indexed: Bool
    /// Wall time from the terminal's creation to the loop's end, on the UI thread (the script's deadline covers this).
    var scriptSeconds: Double = 0
    /// What the loop asked the terminal to copy.
    var copied: [String] = []
}

/// Runs the loop on its own thread, as `drydock` does: the loop blocks, so it must not hold a concurrency thread.
func runScripted(
    size: GridSize, steps: @escaping @Sendable () -> [ScriptedTerminal.Step], handler: EffectHandler
) async -> ScriptedRun {
    await UIThread.run {
        let started = Date()
        let terminal = ScriptedTerminal(size: size, steps: steps())
        let runner = AppRunner(
            terminal: terminal, state: AppState(store: StoreDescription(location: "/srv/registry"), deleteGate: .disabled(reason: "off")),
            handler: handler)
        var run = ScriptedRun(top: .repositories, indexed: false)
        do { run.outcome = try runner.run() } catch { run.error = "\(error)" }
        run.failure = terminal.failure
        run.lastSize = terminal.frames.last?.size
        run.top = runner.state.top.id
        run.indexed = runner.state.index != nil
        run.scriptSeconds = Date().timeIntervalSince(started)
        run.copied = terminal.copied
        return run
    }
}

@Suite struct RunnerTests {
    @Test func runsAgainstAStoreInTheBackgroundAndQuits() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        let store = f.store
        let handler = EffectHandler.store(store, verify: { repo, _ in
            await Verifier(store: store, options: VerificationOptions()).verify(repo)
        })
        let layer = app.layers[1].short
        let run = await runScripted(
            size: GridSize(rows: 35, cols: 120),
            steps: {
                [
                    .waitFor("team/multi"),
                    .waitFor("✓ ok"),
                    .send([.key(.char("j")), .key(.enter)]),
                    .waitFor("latest"),
                    .send([.key(.enter), .key(.enter)]),
                    .waitFor(layer),
                    // The shared-by column fills in once the index is built (slow when the machine is busy).
                    .waitFor(" mf · "),
                    .send([.resize(GridSize(rows: 24, cols: 80))]),
                    .waitFor("layers"),
                    // y on the config line offers the blob and the manifest; 1 copies the blob's digest, through the
                    // terminal (not a background task).
                    .send([.key(.char("g")), .key(.char("y"))]),
                    .waitFor("Copy to the clipboard"),
                    .send([.key(.char("1"))]),
                    .waitFor("Copied blob digest"),
                    .send([.key(.char("q"))]),
                ]
            }, handler: handler)
        #expect(run.failure == nil, "\(run.failure ?? "") (the script ran \(run.scriptSeconds) s)")
        #expect(run.outcome == .quit)
        #expect(run.top == .layers(repository: "team/app", digest: app.manifest))
        #expect(run.lastSize == GridSize(rows: 24, cols: 80))
        #expect(run.indexed)
        #expect(run.copied == [app.config.description])
    }

    @Test func aSignalStopsTheLoop() async {
        let handler = EffectHandler(
            loadCatalog: { _ in Catalog.Listing(repositories: [], problems: []) },
            loadRepository: { _ in fatalError("no repositories") },
            loadAll: { _, _ in [] })
        let run = await runScripted(
            size: GridSize(rows: 24, cols: 80), steps: { [.waitFor("no repositories yet"), .send([.signal(SIGTERM)])] },
            handler: handler)
        #expect(run.outcome == .signal(SIGTERM))
        #expect(run.failure == nil)
    }

    @Test func aCatalogErrorIsShownNotFatal() async {
        struct Boom: Error, CustomStringConvertible { var description: String { "permission denied" } }
        let handler = EffectHandler(
            loadCatalog: { _ in throw Boom() },
            loadRepository: { _ in fatalError("unused") },
            loadAll: { _, _ in [] })
        let run = await runScripted(
            size: GridSize(rows: 24, cols: 80), steps: { [.waitFor("Cannot read the repository list: permission denied")] },
            handler: handler)
        #expect(run.outcome == .quit)
        #expect(run.failure == nil)
    }
}

@Suite struct DeleteGateTests {
    @Test func followsTheCoreDeletePolicy() {
        let off = DeleteGate(DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: false, readOnlyFlag: false))
        #expect(!off.isEnabled && off.statusText == "deletes off")
        guard case .disabled(let reason) = off else { Issue.record("expected disabled"); return }
        #expect(reason.contains("--delete-enabled") && reason.contains("REGISTRY_STORAGE_DELETE_ENABLED"))
        let flag = DeleteGate(
            DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: false),
            enabledBecause: "--delete-enabled")
        #expect(flag == .enabled(source: "--delete-enabled"))
        let env = DeleteGate(DeletePolicy.resolve(
            configuration: nil, environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "Yes"], deleteEnabledFlag: false, readOnlyFlag: false))
        #expect(env.isEnabled)
        let readOnly = DeleteGate(DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: true))
        #expect(!readOnly.isEnabled && readOnly.statusText == "read-only")
        guard case .readOnly(let why) = readOnly else { Issue.record("expected read-only"); return }
        #expect(why.contains("--read-only"))
    }
}
