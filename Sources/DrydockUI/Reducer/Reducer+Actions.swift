import RegistryStorage

extension Reducer {
    /// `v`: deep verification of what is selected (a repository's manifests, a manifest and an index's children).
    static func deepVerify(_ s: inout AppState) -> [Effect] {
        guard let (repo, digests, label) = verifyTarget(&s) else { return [] }
        guard let contents = s.repositories[repo] else {
            s.message = Banner(.info, "\(Format.safe(repo)) is still loading; try again in a moment.")
            return []
        }
        guard !digests.isEmpty else {
            s.message = Banner(.info, "Nothing to verify here.")
            return []
        }
        let id = s.nextTaskID
        s.nextTaskID += 1
        s.deepTasks.append(DeepVerifyTask(id: id, repository: repo, label: label, digests: digests, progress: nil))
        s.message = Banner(.info, "Deep verify of \(label) started.")
        return [.deepVerify(task: id, contents, digests)]
    }

    private static func verifyTarget(_ s: inout AppState) -> (String, [Digest], String)? {
        switch s.top.id {
        case .repositories:
            guard case .repository(let name)? = selectedRow(&s)?.id else { return nil }
            let digests = s.repositories[name]?.revisions.map(\.digest) ?? []
            return (name, digests, Format.safe(name))
        case .tags(let repo), .revisions(let repo):
            guard case .manifest(_, let d, let tag)? = selectedRow(&s)?.target else {
                s.message = Banner(.info, "Select a tag or manifest that is stored.")
                return nil
            }
            let label = tag.map { "\(Format.safe(repo)):\(Format.safe($0))" } ?? "\(Format.safe(repo))@\(d.short)"
            return (repo, closure(d, s.repositories[repo]), label)
        case .manifest(let repo, let d, _), .layers(let repo, let d):
            return (repo, closure(d, s.repositories[repo]), "\(Format.safe(repo))@\(d.short)")
        case .sharedBy:
            guard case .manifest(let repo, let d, _)? = selectedRow(&s)?.target else { return nil }
            return (repo, closure(d, s.repositories[repo]), "\(Format.safe(repo))@\(d.short)")
        case .space:
            guard case .tags(let name)? = selectedRow(&s)?.target else {
                s.message = Banner(.info, "Select a repository to verify it.")
                return nil
            }
            return (name, s.repositories[name]?.revisions.map(\.digest) ?? [], Format.safe(name))
        }
    }

    /// A manifest and, for an index, its stored children.
    private static func closure(_ d: Digest, _ repo: RepositoryContents?) -> [Digest] {
        guard let repo else { return [d] }
        let children = repo.revision(d)?.manifest?.children.compactMap(\.digest).filter { repo.revision($0) != nil } ?? []
        return [d] + children
    }

    static let rescanningMessage = Banner(.info, "Rescanning the store…")

    /// Nothing waits on the screen (a dialog, a form, a write in progress), so it may change under the user.
    static func canRefresh(_ s: AppState) -> Bool {
        s.overlay == nil && s.operation == nil && s.catalogPhase != .loading
    }

    /// The automatic refresh: a rescan without the banner; the selection and scroll stay (rows are found by id).
    static func refresh(_ s: inout AppState) -> [Effect] {
        s.refreshPending = false
        let message = s.message
        let effects = rescan(&s)
        s.message = message
        return effects
    }

    /// `r`: read everything again. What is on screen stays until the new results replace it.
    static func rescan(_ s: inout AppState) -> [Effect] {
        s.refreshPending = false
        s.generation += 1
        s.catalogPhase = .loading
        s.catalogStreaming = s.catalog.isEmpty
        s.banners.removeAll { $0.kind == .error || $0.kind == .warning }
        s.requestedLoads = []
        s.verification = VerificationQueue()
        s.verifications = [:]
        s.indexing = nil
        s.message = rescanningMessage
        return [.rescan(generation: s.generation)]
    }
}
