import Foundation

/// Soft deletes as the registry does them: links and folders under `repositories/` are removed, blobs stay until a
/// garbage collection. Every delete goes through the `DeletePolicy` gate and is journaled (with the exact link contents
/// removed) before the first removal, so `JournalUndo` can restore it while the blobs exist.
///
/// ```swift
/// let deleter = StoreDeleter(store: store, policy: policy)
/// let plan = try deleter.plan([.tag(repository: "team/app", tag: "v1")], repositories: loaded)
/// // show plan.removals, plan.lostTags, plan.reclaimableBytes; ask about plan.orphanedChildren
/// let result = try await deleter.execute(plan)   // throws .refused when the policy says no
/// ```
public struct StoreDeleter: Sendable {
    public let store: RegistryStore
    public let policy: DeletePolicy

    public init(store: RegistryStore, policy: DeletePolicy) {
        self.store = store
        self.policy = policy
    }

    /// Previews `targets` over `repositories` (every repository of the store: what a garbage collection would free
    /// depends on all of them). Pure; allowed even when the policy refuses deletes (`plan.refusal` says so).
    public func plan(_ targets: [DeleteTarget], repositories: [RepositoryContents], now: Date = Date()) throws(DeleteError) -> DeletePlan {
        var planner = DeletePlanner(repositories: repositories, now: now)
        return try planner.plan(targets, policy: policy)
    }

    /// Runs a plan: the gate, then the journal entry (synced), then the removals. Reload the affected repositories
    /// afterwards (`DeleteResult.affectedRepositories`).
    /// A plan that breaks the pull of a kept tag (`plan.breaksPulls`) runs only with `force`.
    public func execute(_ plan: DeletePlan, force: Bool = false, now: Date = Date()) async throws(DeleteError) -> DeleteResult {
        try policy.checkDelete()
        guard !plan.isEmpty else { throw .invalidTarget("nothing to delete") }
        if plan.breaksPulls && !force {
            throw .notConfirmed(
                "refusing to delete index children that kept tags need: "
                    + plan.brokenPulls.prefix(5).map(\.description).joined(separator: "; ")
                    + (plan.brokenPulls.count > 5 ? "; ..." : "") + " would stop pulling (force to delete anyway)")
        }
        for r in plan.removals {
            guard r.path.hasPrefix(StoreLayout.repositories), r.path.components.count > 1 else {
                throw .invalidTarget("refusing to remove \(r.path): not inside a repository")
            }
        }
        let paths = plan.removals.map(\.path)
        let captured = try await RemovalCapture.capture(paths, driver: store.driver)
        var entry = JournalEntry(
            id: JournalEntry.makeID(now), created: now, operation: .delete, targets: plan.targets.map(\.description),
            links: captured.links, blobs: [], unrestorable: captured.unrestorable, removed: paths.map(\.description))
        let journal = Journal(driver: store.driver)
        try await journal.write(entry)
        try await RemovalCapture.remove(paths, driver: store.driver, journalID: entry.id)
        entry.completed = true
        try await journal.write(entry)
        return DeleteResult(
            journalID: entry.id, removed: paths, restorableLinks: captured.links.count, unrestorable: captured.unrestorable,
            affectedRepositories: Array(Set(plan.removals.map(\.repository))).sorted())
    }
}

public struct DeleteResult: Sendable, Equatable {
    /// The journal entry `drydock undo ID` restores.
    public var journalID: String
    public var removed: [StoragePath]
    public var restorableLinks: Int
    /// Removed files undo cannot bring back (upload data, stray files).
    public var unrestorable: [String]
    public var affectedRepositories: [String]
}

/// Reads what is about to be removed (for the journal) and removes it.
enum RemovalCapture {
    struct Captured {
        var links: [JournalLink] = []
        var unrestorable: [String] = []
    }

    /// Every link file under `paths` with its exact bytes; everything else there is listed as unrestorable.
    static func capture(_ paths: [StoragePath], driver: any StorageDriver) async throws(DeleteError) -> Captured {
        var out = Captured()
        for path in paths {
            let info: FileInfo
            do {
                info = try await driver.withRetries { try await driver.stat(path) }
            } catch {
                let e = DriverError(error)
                if e.isNotFound { continue }
                throw .driver(e, done: "reading what is to be removed; nothing was changed")
            }
            var files: [WalkedFile]
            if info.kind == .directory {
                do {
                    files = try await driver.withRetries { try await driver.walkFiles(path) }
                } catch {
                    throw .driver(DriverError(error), done: "reading what is to be removed; nothing was changed")
                }
            } else {
                files = [WalkedFile(path: path, kind: info.kind, size: info.size)]
            }
            files.sort { $0.path < $1.path }
            for f in files {
                guard f.kind == .file, f.path.lastComponent == "link" else {
                    out.unrestorable.append(f.path.description)
                    continue
                }
                do {
                    let bytes = try await driver.withRetries { try await driver.read(f.path, limit: LinkContent.maxSize) }
                    if let link = JournalLink.classify(f.path, bytes: bytes) {
                        out.links.append(link)
                    } else {
                        out.unrestorable.append(f.path.description)
                    }
                } catch {
                    let e = DriverError(error)
                    if e.isNotFound { continue }
                    out.unrestorable.append(f.path.description)
                }
            }
        }
        return out
    }

    /// Removes each path in order; a failure stops and says how far it got (the journal entry stays, incomplete).
    static func remove(
        _ paths: [StoragePath], driver: any StorageDriver, journalID: String, progress: (Int) -> Void = { _ in }
    ) async throws(DeleteError) {
        for (i, path) in paths.enumerated() {
            progress(i)
            do {
                try await driver.withRetries { try await driver.delete(path) }
            } catch {
                throw .driver(DriverError(error), done: "journal \(journalID): \(i) of \(paths.count) removals done; `drydock undo \(journalID)` restores them")
            }
        }
    }
}
