/// What a garbage collection removes, in the order it removes it: the untagged manifests' folders and links (tag
/// history entries, revision folder, seed-era `_layers` link), then the `_layers` links of swept blobs, then the blob
/// folders. Links go before data so that a run stopped part way leaves only unlinked blobs, which a fresh mark finds
/// unreferenced again: resuming it (or a new run) then finishes the job, and no `_layers` link is left pointing at
/// swept data.
struct GCRemovals: Sendable, Equatable {
    enum Phase: Int, Sendable, Comparable {
        case manifests, layerLinks, blobs

        static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }

        var progressPhase: GCProgress.Phase {
            switch self {
            case .manifests: .manifests
            case .layerLinks: .layerLinks
            case .blobs: .blobs
            }
        }
    }

    struct Item: Sendable, Equatable {
        var path: StoragePath
        var phase: Phase
    }

    var items: [Item]

    func count(_ phase: Phase) -> Int { items.reduce(0) { $0 + ($1.phase == phase ? 1 : 0) } }

    init(items: [Item]) { self.items = items }

    /// The removals of `plan`, refusing any link path outside a repository.
    init(_ plan: GCPlan) throws(DeleteError) {
        var links: [StoragePath] = []
        for m in plan.manifests {
            for tag in m.tagIndexEntries where StoragePath.isSafeComponent(tag) {
                links.append(StoreLayout.tagIndexDirectory(m.repositoryPath, tag, m.digest))
            }
            links.append(StoreLayout.revisionDirectory(m.repositoryPath, m.digest))
            if m.seedEraLink { links.append(StoreLayout.layerLink(m.repositoryPath, m.digest)) }
        }
        let vacuumed = Set(links)
        let layerLinks = plan.layerLinks.map { StoreLayout.layerLink($0.repositoryPath, $0.digest) }.filter { !vacuumed.contains($0) }
        for p in links + layerLinks where !(p.hasPrefix(StoreLayout.repositories) && p.components.count > 1) {
            throw .invalidTarget("refusing to remove \(p): not inside a repository")
        }
        items = links.map { Item(path: $0, phase: .manifests) } + layerLinks.map { Item(path: $0, phase: .layerLinks) }
            + plan.blobs.map { Item(path: StoreLayout.blobDirectory($0.digest), phase: .blobs) }
    }

    func paths(_ phase: Phase) -> [StoragePath] { items.filter { $0.phase == phase }.map(\.path) }

    /// Reads back the `removed` list of a journal entry written by `collect`, whose checkpoint says where each phase
    /// ends: each path must be one that phase removes (manifests: a tag history entry, a revision folder or a
    /// seed-era `_layers` link; then `_layers` links; then blob folders, exactly those of `blobs`). The first path
    /// that is not, otherwise.
    static func read(removed: [String], blobs: [String], manifestLinks: Int, layerLinks: Int) -> Result<GCRemovals, ReadFailure> {
        guard manifestLinks >= 0, layerLinks >= 0, manifestLinks + layerLinks <= removed.count else {
            return .failure(ReadFailure(index: nil, path: "phase counts \(manifestLinks) and \(layerLinks) do not fit \(removed.count) removals"))
        }
        var items: [Item] = []
        var blobDigests: [String] = []
        for (i, text) in removed.enumerated() {
            let phase: Phase = i < manifestLinks ? .manifests : i < manifestLinks + layerLinks ? .layerLinks : .blobs
            let components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard let path = StoragePath(validating: components), fits(path, phase) else {
                return .failure(ReadFailure(index: i, path: text))
            }
            if phase == .blobs, let d = blobDigest(path) { blobDigests.append(d.description) }
            items.append(Item(path: path, phase: phase))
        }
        guard blobDigests == blobs else {
            return .failure(ReadFailure(index: nil, path: "the blob folders removed are not the blobs listed"))
        }
        return .success(GCRemovals(items: items))
    }

    struct ReadFailure: Error, Sendable, Equatable {
        /// The first path that is not a collection's removal (nil: the entry's lists disagree, `path` says how).
        var index: Int?
        var path: String
    }

    private static func fits(_ path: StoragePath, _ phase: Phase) -> Bool {
        switch phase {
        case .blobs:
            return blobDigest(path) != nil
        case .layerLinks:
            if case .repository(_, .layerLink)? = StoreEntry(path) { return true }
            return false
        case .manifests:
            if case .repository(_, .layerLink)? = StoreEntry(path) { return true }
            switch StoreEntry(path.appending("link")) {
            case .repository(_, .revisionLink)?, .repository(_, .tagIndexLink)?: return true
            default: return false
            }
        }
    }

    private static func blobDigest(_ path: StoragePath) -> Digest? {
        guard path.components.first == "blobs", case .blobData(let d)? = StoreEntry(path.appending("data")) else { return nil }
        return d
    }
}
