import ArgumentParser
import Foundation
import RegistryStorage

/// `drydock gc --resume ID`: finishes a collection that stopped part way, in its own journal entry. The store is
/// marked again first; what is referenced now is kept, and only what the fresh plan also removes goes.
struct GCResumeRun {
    var registry: RegistryStore
    var policy: DeletePolicy
    var id: String
    var json: Bool
    var yes: Bool
    var progressOptions: ProgressOptions

    /// `--json`: what the resumption did.
    struct Report: Encodable {
        var journal: String
        var resumed = true
        var doneBefore: Int
        var removals: Int
        var remaining: Int
        var kept: [String]
        var manifestsRemoved: Int?
        var blobsRemoved: Int?
        var layerLinksRemoved: Int?
        var bytes: Int64?
    }

    func run() async throws {
        let collector = GarbageCollector(store: registry)
        let loading = progressOptions.line()
        let resumption: GarbageCollector.Resumption
        do {
            resumption = try await collector.prepareResume(id) { done, total in loading.update("indexed \(done)/\(total) repositories") }
            loading.finish()
        } catch {
            loading.finish()
            try CommandExit.fail("\(error)")
        }
        var report = Report(
            journal: resumption.entry.id, doneBefore: resumption.done, removals: resumption.entry.removed.count,
            remaining: resumption.remaining, kept: resumption.kept)
        if !json {
            FileHandleOutput.standardOutput(
                "Resuming journal entry \(resumption.entry.id): \(resumption.done) of \(resumption.entry.removed.count) removals were done; "
                    + "\(resumption.remaining) left after marking again.")
            for path in resumption.kept { FileHandleOutput.standardOutput("kept (referenced again since the run stopped): \(SafeText.escaping(path))") }
        }
        try Confirm.require(
            yes: yes,
            question: "Is the registry stopped or read-only? Swept blobs cannot be restored (undo brings back links only).",
            what: "resume the garbage collection")
        let interrupt = SweepInterrupt()
        interrupt.install()
        defer { interrupt.uninstall() }
        let sweep = SweepProgress(progressOptions.line())
        do {
            let result = try await collector.resume(
                resumption, policy: policy, registryStopped: true,
                options: GCSweepOptions(shouldStop: { interrupt.isRequested })) { sweep.update($0) }
            sweep.finish()
            report.manifestsRemoved = result.manifestsRemoved
            report.blobsRemoved = result.blobsRemoved
            report.layerLinksRemoved = result.layerLinksRemoved
            report.bytes = result.bytes
            if json {
                FileHandleOutput.json(JSONOutput.string(report))
            } else {
                FileHandleOutput.standardOutput("Finished journal entry \(result.journalID): \(result.manifestsRemoved) manifest(s), \(result.blobsRemoved) blob(s) (\(ByteCount.format(result.bytes))) and \(result.layerLinksRemoved) layer link(s) removed in all; \(result.kept.count) path(s) kept.")
            }
        } catch {
            sweep.finish()
            try GCSweepFailure.exit(error)
        }
    }
}

/// How a real run that stopped part way ends: interrupted (exit 130, the shell's status for SIGINT) or failed (1);
/// both messages name the journal entry and `drydock gc --resume`.
enum GCSweepFailure {
    static func exit(_ error: DeleteError) throws -> Never {
        if case .interrupted = error { try CommandExit.fail("\(error)", code: 130) }
        try CommandExit.fail("\(error)")
    }

    static func exit(_ error: any Error) throws -> Never {
        if let e = error as? DeleteError { try exit(e) }
        throw error
    }
}
