import ArgumentParser
import CursesTerminal
import DemoRegistry
import DrydockResources
import DrydockUI
import Foundation
import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// The terminal browser, and the default command: `drydock STORE`, `drydock --config FILE`, or `drydock` alone for
/// a temporary copy of the bundled demo registry.
struct BrowseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse",
        abstract: "Browse the store in a terminal UI (the default command; without STORE or --config: the demo registry).",
        discussion: """
            Keys: ? shows them all. Enter/l/→ open, Esc/h/← back, / filter, s sort, v deep verify, r rescan, d delete, Space mark, u undo, X garbage collection, q quit.
            Deleting needs storage.delete.enabled: true in the config, REGISTRY_STORAGE_DELETE_ENABLED=true, or --delete-enabled.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The store root (folder holding docker/registry/v2) or s3://BUCKET/ROOTDIRECTORY. Omit it (and --config) for the demo.", valueName: "STORE"))
    var store: String?

    @Flag(name: .long, help: "Draw without colours (also when the NO_COLOR environment variable is set).")
    var noColor = false

    @OptionGroup var deleteOptions: DeleteOptions

    mutating func run() async throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            try CommandExit.fail(
                "the browser needs a terminal (standard input and output must be a TTY); for plain output use `drydock ls STORE`")
        }
        let environment = ProcessInfo.processInfo.environment
        var demo: DemoCopy?
        defer { demo?.remove() }
        let registry: RegistryStore
        let gate: DeleteGate
        let policy: DeletePolicy
        if store == nil && storeOptions.config == nil {
            let copy = try DemoCopy.make()
            demo = copy
            do {
                registry = try RegistryStore.open(root: copy.root)
            } catch {
                try CommandExit.fail("the bundled demo registry cannot be opened: \(error)")
            }
            // A copy: deleting in it is allowed unless --read-only says otherwise.
            policy = DeletePolicy.resolve(
                configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: deleteOptions.readOnly)
            gate = DeleteGate(policy, enabledBecause: "the demo is a temporary copy")
        } else {
            registry = try await storeOptions.open(store: store)
            policy = deleteOptions.policy(for: registry, storeOptions: storeOptions)
            gate = DeleteGate(policy, enabledBecause: deleteOptions.deleteEnabled ? "--delete-enabled" : "storage.delete.enabled")
        }
        let description = StoreDescription(location: registry.driver.location, isDemo: demo != nil)
        let useColor = !noColor && (environment["NO_COLOR"] ?? "").isEmpty
        let verification = wireVerification(store: registry, cosignPublicKeyPEM: demo?.cosignPublicKeyPEM)
        // Deletes, undo and GC go through the same policy the gate was built from.
        let handler = EffectHandler.store(
            registry, verify: verification.verify, deepVerify: verification.deepVerify,
            deletes: DeleteOperations.store(registry, policy: policy))
        let initial = AppState(store: description, deleteGate: gate)

        let outcome = await UIThread.run { () -> BrowseOutcome in
            let terminal: CursesTerminal
            do {
                terminal = try CursesTerminal(useColor: useColor)
            } catch {
                return .failed("\(error)")
            }
            // The terminal is restored before anything is printed, whatever way the loop ends.
            defer { terminal.restore() }
            do {
                switch try AppRunner(terminal: terminal, state: initial, handler: handler).run() {
                case .quit: return .quit
                case .signal(let signo): return .signal(signo)
                }
            } catch {
                return .failed("\(error)")
            }
        }
        switch outcome {
        case .quit:
            return
        case .signal(let signo):
            throw ExitCode(128 + signo)
        case .failed(let message):
            try CommandExit.fail("\(message)")
        }
    }
}

enum BrowseOutcome: Sendable {
    case quit
    case signal(Int32)
    case failed(String)
}

typealias VerifyClosure = @Sendable (RepositoryContents, StoreIndex?) async -> [ManifestVerification]
typealias DeepVerifyClosure =
    @Sendable (RepositoryContents, [Digest], @escaping @Sendable (VerificationProgress) -> Void) async -> [ManifestVerification]

/// Verification for the browser: quick checks (no hashing) as repositories load, deep checks (re-hashing every blob)
/// on `v`, both through the storage core's `Verifier`.
func wireVerification(
    store: RegistryStore, cosignPublicKeyPEM: String? = nil
) -> (verify: VerifyClosure, deepVerify: DeepVerifyClosure) {
    let verifier = Verifier(store: store, options: VerificationOptions(cosignPublicKeyPEM: cosignPublicKeyPEM))
    return (
        verify: { repo, _ in await verifier.verify(repo) },
        deepVerify: { repo, digests, progress in await verifier.deepVerify(repo, digests: digests, progress: progress) }
    )
}

/// A temporary copy of the bundled demo registry, so deleting in the demo never touches the shipped copy.
struct DemoCopy {
    let directory: URL
    var root: String { directory.path }

    /// Copies the bundle, or prints why there is no demo and fails with exit 1.
    static func make() throws -> DemoCopy {
        guard let bundled = DemoStore.bundledURL, holdsStore(bundled) else {
            try CommandExit.fail(
                "no demo registry is bundled with this build. Open a store instead: drydock STORE, or drydock --config FILE.")
        }
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-demo-\(UUID().uuidString.prefix(8))")
        do {
            try copyTree(from: bundled, to: target)
        } catch {
            try? FileManager.default.removeItem(at: target)
            try CommandExit.fail("cannot copy the demo registry to \(target.path): \(error)")
        }
        return DemoCopy(directory: target)
    }

    static func holdsStore(_ url: URL) -> Bool {
        ["docker/registry/v2", "repositories", "blobs"].contains {
            FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
        }
    }

    /// Copies folders and regular files. Git keeps no empty folders, so the bundle may hold placeholder files
    /// (`.keep`, `.gitkeep`): they are left out and their folders recreated empty (an empty `_uploads/` matters).
    /// Symlinks are not copied.
    static func copyTree(from source: URL, to target: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        guard let walker = fm.enumerator(atPath: source.path) else { return }
        while let relative = walker.nextObject() as? String {
            let from = source.appendingPathComponent(relative)
            let to = target.appendingPathComponent(relative)
            let type = (try fm.attributesOfItem(atPath: from.path))[.type] as? FileAttributeType
            switch type {
            case .typeDirectory?:
                try fm.createDirectory(at: to, withIntermediateDirectories: true)
            case .typeRegular?:
                let name = from.lastPathComponent
                if name == ".keep" || name == ".gitkeep" { continue }
                try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.copyItem(at: from, to: to)
            default:
                continue
            }
        }
    }

    /// The demo's cosign public key, so its signature shows as verified.
    var cosignPublicKeyPEM: String? {
        try? String(contentsOf: directory.appendingPathComponent(DemoStoreBuilder.cosignPublicKeyFileName), encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
