import Foundation

/// Restores journaled deletes while their blobs still exist (before a garbage collection sweeps them). Undo writes
/// the store, so it is refused only when the store is read-only (`DeletePolicy.allowsWrite`).
public struct JournalUndo: Sendable {
    public let store: RegistryStore
    public let policy: DeletePolicy

    public init(store: RegistryStore, policy: DeletePolicy) {
        self.store = store
        self.policy = policy
    }

    /// What a listing shows of every journal entry, oldest first, and the journal files that could not be read.
    public func list() async throws(DeleteError) -> (entries: [JournalSummary], problems: [String]) {
        let (summaries, problems) = try await Journal(driver: store.driver).summaries()
        return (summaries, problems)
    }

    /// The entry named by `id`, or the most recent one not undone yet.
    public func select(_ id: String?) async throws(DeleteError) -> JournalEntry {
        let journal = Journal(driver: store.driver)
        if let id { return try await journal.entry(id) }
        guard let last = try await journal.summaries().summaries.last(where: { !$0.isUndone }) else {
            throw .notFound("the journal holds nothing to undo")
        }
        return try await journal.entry(last.id)
    }

    /// Checks an entry against the store as it is now. Reads only.
    public func preview(_ id: String?) async throws(DeleteError) -> UndoPlan {
        let entry = try await select(id)
        var plan = UndoPlan(entry: entry, restore: [], alreadyPresent: [], missingBlobs: [], conflicts: [], invalid: [], notRestorable: entry.unrestorable)
        if !entry.blobs.isEmpty {
            plan.notRestorable.append("\(entry.blobs.count) blob(s) swept by the garbage collection (blob deletion cannot be undone)")
        }
        let (quarantined, forged) = await QuarantineUndo.inspect(entry, driver: store.driver)
        plan.quarantined = quarantined
        plan.invalid += forged
        var missing = Set<Digest>()
        var checked: [Digest: Bool] = Dictionary(quarantined.map { ($0, true) }, uniquingKeysWith: { a, _ in a })
        for link in entry.links {
            guard let path = link.path, let bytes = link.bytes else {
                plan.invalid.append(link.summary)
                continue
            }
            if let target = link.target ?? link.digest.flatMap({ Digest($0) }) {
                let present: Bool
                if let known = checked[target] {
                    present = known
                } else {
                    present = await blobExists(target)
                    checked[target] = present
                }
                if !present { missing.insert(target) }
            }
            do {
                let existing = try await store.driver.withRetries { try await store.driver.read(path, limit: LinkContent.maxSize) }
                if existing == bytes {
                    plan.alreadyPresent.append(link)
                } else {
                    plan.conflicts.append("\(link.summary) now holds \(SafeText.escaping(String(decoding: existing.prefix(80), as: UTF8.self)))")
                }
            } catch {
                let e = DriverError(error)
                if e.isNotFound || e == .notADirectory(path) {
                    plan.restore.append(link)
                } else {
                    plan.conflicts.append("\(link.summary): \(e)")
                }
            }
        }
        plan.missingBlobs = missing.sorted()
        return plan
    }

    /// Restores the entry named by `id` (or the most recent one not undone) and marks it undone.
    public func undo(_ id: String?, now: Date = Date()) async throws(DeleteError) -> UndoResult {
        try policy.checkWrite()
        let plan = try await preview(id)
        if let refusal = plan.refusal {
            if !plan.missingBlobs.isEmpty { throw .blobsGone(plan.missingBlobs, "cannot undo \(plan.entry.id)") }
            throw .conflict(refusal)
        }
        var entry = plan.entry
        try await QuarantineUndo.restore(&entry, plan.quarantined, driver: store.driver)
        var restored: [JournalLink] = []
        for link in plan.restore {
            guard let path = link.path, let bytes = link.bytes else { continue }
            do {
                try await store.driver.withRetries { try await store.driver.write(path, contents: bytes) }
            } catch {
                throw .driver(DriverError(error), done: "undo of \(plan.entry.id): \(restored.count) of \(plan.restore.count) links restored; run undo again to finish")
            }
            restored.append(link)
        }
        entry.undone = now
        try await Journal(driver: store.driver).write(entry)
        return UndoResult(
            journalID: entry.id, restored: restored, notRestorable: plan.notRestorable,
            affectedRepositories: Array(Set(entry.links.map(\.repository))).sorted())
    }

    private func blobExists(_ d: Digest) async -> Bool {
        guard let info = try? await store.driver.withRetries({ try await store.driver.stat(StoreLayout.blobData(d)) }) else { return false }
        return info.kind == .file
    }
}
