/// Whether a saved plan (`--plan-out`) still describes the store it is applied to (`--apply`).
extension RetentionPlan {
    /// Every way the store moved since the plan was made, one sentence each; empty when the plan may run. A tag the
    /// plan read that was re-pushed, re-pointed or removed since, and a manifest the plan removes that something
    /// (a tag pushed since, say) reaches now.
    ///
    /// - Parameters:
    ///   - current: the tag links of the plan's repositories read again, by repository.
    ///   - repositories: those repositories loaded again.
    public func changes(current: [String: [TagFingerprint]], repositories: [RepositoryContents]) -> [String] {
        var out: [String] = []
        var now: [String: [String: TagFingerprint]] = [:]
        for (repo, prints) in current { now[repo] = Dictionary(prints.map { ($0.tag, $0) }, uniquingKeysWith: { a, _ in a }) }
        for f in fingerprints {
            if let change = f.change(to: now[f.repository]?[f.tag]) { out.append(change) }
        }
        let loaded = Dictionary(repositories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for planned in self.repositories where !planned.manifests.isEmpty {
            guard let repo = loaded[planned.name] else {
                out.append("repository \(SafeText.escaping(planned.name)) is gone")
                continue
            }
            let removed = Set((planned.remove + planned.removeSignatureTags).map(\.tag))
            let reach = ManifestReachability(repo, withoutTags: removed)
            for d in planned.manifests where reach.isReachable(d) {
                out.append("\(SafeText.escaping(planned.name))@\(d) is reached again (a tag or index pushed since)")
            }
        }
        return out
    }
}
