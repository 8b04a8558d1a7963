/// A saved plan's counts, taken from the store it is applied to instead of from the file.
extension RetentionPlan {
    /// The plan with each repository's `candidateCount` and `tagsLeft` recounted over `repositories` (the plan's
    /// repositories loaded again): the caps (`RetentionCaps`) and the report then rest on what is stored, not on
    /// figures a hand-edited file could state. Candidates are the distinct kept and removed tags still stored; tags
    /// left are the stored tags other than signature tags the plan does not remove. A repository that is gone keeps
    /// nothing and counts none.
    public func recounted(against repositories: [RepositoryContents]) -> RetentionPlan {
        let loaded = Dictionary(repositories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var out = self
        for i in out.repositories.indices {
            let planned = out.repositories[i]
            let stored = Set((loaded[planned.name]?.tags ?? []).map(\.name))
            let removed = Set((planned.remove + planned.removeSignatureTags).map(\.tag))
            out.repositories[i].candidateCount = Set((planned.keep + planned.remove).map(\.tag)).intersection(stored).count
            out.repositories[i].tagsLeft = stored.subtracting(removed).filter { !SignatureTag.isSignatureTag($0) }.count
        }
        return out
    }
}
