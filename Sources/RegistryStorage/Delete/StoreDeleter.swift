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
        try store.requireVerifiedReads()
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
        // What was confirmed is the plan: a tag pushed or moved since (the registry may be serving) is not taken.
        let moved = Self.tagsChanged(since: plan, captured: captured.links)
        if !moved.isEmpty {
            throw .conflict(
                "the store changed since the plan was made; nothing was changed: " + moved.prefix(5).joined(separator: "; ")
                    + (moved.count > 5 ? "; ..." : "") + " (plan again)")
        }
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

    /// Tags the removals would take, as read just before them (`RemovalCapture`), that the plan did not show (a
    /// `current` link or, for a push half done, a history link alone) or whose `current` points elsewhere now: one
    /// sentence each, empty when the plan may run. Names compare byte for byte, as the loader keeps them (`TagKey`).
    static func tagsChanged(since plan: DeletePlan, captured: [JournalLink]) -> [String] {
        struct Key: Hashable { var repository: [UInt8], tag: [UInt8] }
        var planned: [Key: Digest?] = [:]
        for t in plan.lostTags { planned[Key(repository: Array(t.repository.utf8), tag: Array(t.tag.utf8))] = t.digest }
        var changed: [String] = []
        var reported = Set<Key>()
        for link in captured where link.kind == .tagCurrent || link.kind == .tagIndex {
            guard let tag = link.tag else { continue }
            let key = Key(repository: Array(link.repository.utf8), tag: Array(tag.utf8))
            let name = "\(SafeText.escaping(link.repository)):\(SafeText.escaping(tag))"
            guard let shown = planned[key] else {
                guard reported.insert(key).inserted else { continue }
                changed.append(link.kind == .tagCurrent
                    ? "\(name) was pushed since (-> \(link.target?.description ?? "?"))"
                    : "\(name) is being pushed (its history link is there, its current link not yet)")
                continue
            }
            if link.kind == .tagCurrent, let shown, link.target != shown {
                changed.append("\(name) now points at \(link.target?.description ?? "something unreadable"), the plan showed \(shown)")
            }
        }
        return changed
    }
}
