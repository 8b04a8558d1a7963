import ArgumentParser
import Foundation
import RegistryStorage

struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Restore a journaled delete (the most recent one, or ID) while its blobs still exist.",
        discussion: """
            Every `drydock rm` and `drydock gc` writes the exact link files it removes to a journal inside the store \
            (docker/registry/v2/drydock/journal/). Undo writes them back. It refuses, naming them, when blobs the links \
            need are gone (a garbage collection ran since), and when a link was written again since (a re-pushed tag). \
            Upload data and swept blobs cannot be restored. --list shows the journal.

            Undo is refused only when the store is read-only (--read-only, storage.maintenance.readonly.enabled).
            Without --yes it asks on a terminal, and refuses without one. Exit status: 0 done, 1 refused or failed, 2 usage.
            """
    )

    @Flag(name: .long, help: "List the journal instead of undoing.")
    var list = false

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var yes = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var deleteOptions: DeleteOptions

    @Argument(help: ArgumentHelp("The store root or s3://BUCKET/ROOTDIRECTORY (omit with --config), then optionally a journal entry ID.", valueName: "STORE | ID"))
    var arguments: [String] = []

    func validate() throws {
        _ = try split()
    }

    private func split() throws -> (store: String?, id: String?) {
        var words = arguments[...]
        var store: String?
        if storeOptions.config == nil {
            guard let first = words.popFirst() else { throw ValidationError("name a store: drydock undo STORE [ID], or --config FILE [ID]") }
            store = first
        }
        guard words.count <= 1 else { throw ValidationError("undo takes at most one journal entry ID") }
        if list && !words.isEmpty { throw ValidationError("--list takes no ID") }
        return (store, words.first)
    }

    mutating func run() async throws {
        let (storeArgument, id) = try split()
        let registry = try await storeOptions.open(store: storeArgument)
        defer { SkippedKeysWarning.report(registry.driver) }
        let policy = deleteOptions.policy(for: registry, storeOptions: storeOptions)
        let undo = JournalUndo(store: registry, policy: policy)
        do {
            if list {
                let (entries, problems) = try await undo.list()
                for p in problems { FileHandleOutput.standardError("drydock: warning: \(p)") }
                if json { FileHandleOutput.json(JSONOutput.string(entries.map(EntryJSON.init))) } else { FileHandleOutput.standardOutput(Self.listing(entries)) }
                return
            }
            try policy.checkWrite()
            let plan = try await undo.preview(id)
            if !json { FileHandleOutput.standardOutput(Self.describe(plan)) }
            if let refusal = plan.refusal {
                try CommandExit.fail(refusal)
            }
            try Confirm.require(yes: yes, question: "Restore \(plan.restore.count) link(s) of \(plan.entry.id)?", what: "undo")
            let result = try await undo.undo(plan.entry.id)
            if json {
                FileHandleOutput.json(JSONOutput.string(UndoJSON(journal: result.journalID, restored: result.restored.map(\.summary), notRestorable: result.notRestorable)))
            } else {
                FileHandleOutput.standardOutput("Restored \(result.restored.count) link(s) of \(result.journalID).")
            }
        } catch let error as DeleteError {
            try CommandExit.fail("\(error)")
        }
    }

    static func listing(_ entries: [JournalSummary]) -> String {
        guard !entries.isEmpty else { return "The journal is empty." }
        var lines: [String] = []
        for e in entries.reversed() {
            let state = e.isUndone ? "undone" : (e.completed ? "done" : "INCOMPLETE")
            let blobs = e.blobCount == 0 ? "" : ", \(e.blobCount) blob(s) swept"
            let more = e.targetCount > e.targets.count ? "; ... and \(e.targetCount - e.targets.count) more" : ""
            lines.append(
                "\(SafeText.escaping(e.id))  \(e.operation.rawValue)  \(state)  \(e.linkCount) link(s)\(blobs)  \(targetList(e.targets))\(more)")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ plan: UndoPlan) -> String {
        var lines = ["Undo \(SafeText.escaping(plan.entry.id)) (\(plan.entry.operation.rawValue): \(targetList(plan.entry.targets)))"]
        for l in plan.restore { lines.append("  restore \(l.summary)") }
        if !plan.alreadyPresent.isEmpty { lines.append("  \(plan.alreadyPresent.count) link(s) already in place") }
        for n in plan.notRestorable.prefix(10) { lines.append("  cannot restore: \(SafeText.escaping(n))") }
        if plan.notRestorable.count > 10 { lines.append("  ... and \(plan.notRestorable.count - 10) more that cannot be restored") }
        return lines.joined(separator: "\n")
    }

    private static func targetList(_ targets: [String]) -> String {
        targets.map(SafeText.escaping).joined(separator: "; ")
    }

    struct EntryJSON: Encodable {
        var id: String
        var created: Date
        var operation: String
        /// The first `JournalSummary.maxTargets` targets; `targetCount` counts them all.
        var targets: [String]
        var targetCount: Int
        var links: Int
        var blobs: Int
        var completed: Bool
        var undone: Date?

        init(_ e: JournalSummary) {
            id = e.id
            created = e.created
            operation = e.operation.rawValue
            targets = e.targets
            targetCount = e.targetCount
            links = e.linkCount
            blobs = e.blobCount
            completed = e.completed
            undone = e.undone
        }
    }

    struct UndoJSON: Encodable {
        var journal: String
        var restored: [String]
        var notRestorable: [String]
    }
}
