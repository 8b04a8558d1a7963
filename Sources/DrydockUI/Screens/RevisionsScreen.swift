import RegistryStorage

/// Every manifest revision of a repository, untagged ones marked.
enum RevisionsScreen {
    static let columns = [
        Column("DIGEST", max: 12),
        Column("TYPE", max: 11, priority: 4),
        Column("TAGS", min: 10, max: 40, flexible: true),
        Column("PLATFORM", min: 7, max: 40, flexible: true, priority: 5),
        Column("CREATED", max: 16, priority: 2),
        Column("SIZE", align: .right, max: 10, priority: 6),
        Column("CHECK", max: 5, priority: 8),
        Column("SIGNED", max: 11, priority: 3),
    ]

    static func content(_ repo: String, _ state: AppState) -> ScreenContent {
        guard let contents = state.repositories[repo] else {
            return Unavailable.content(title: "Manifests", columns: columns, repo: repo, state)
        }
        let reach = ManifestReachability(contents)
        let rows = contents.revisions.map { row($0, contents, reach, state) }
        let untagged = contents.revisions.filter { !reach.isReachable($0.digest) }.count
        var content = ScreenContent(
            title: "Manifests (\(Format.manifestCount(rows.count, untagged: untagged))) · Tab: tags", columns: columns,
            rows: rows)
        if rows.isEmpty { content.placeholder = "No manifests stored in \(Format.safe(repo))." }
        return content
    }

    static func row(_ rev: ManifestRevision, _ repo: RepositoryContents, _ reach: ManifestReachability, _ state: AppState) -> Row {
        // What reaches an untagged manifest: `in stable (linux/s390x)` for an index child is not garbage.
        let reachedBy = rev.isTagged ? nil : reach.summary(of: rev.digest)
        let tags: StyledText =
            rev.isTagged
            ? StyledText(rev.tags.map(Format.safe).joined(separator: ", "))
            : reachedBy.map { StyledText($0) } ?? .role("(untagged)", .muted)
        let seedEra = rev.placement.contains(.layers) && !rev.placement.contains(.revisions)
        let size = repo.size(of: rev.digest)
        return Row(
            id: .revision(rev.digest),
            cells: [
                .role(rev.digest.short, .accent),
                StyledText((rev.format?.shortName ?? "?") + (seedEra ? "*" : "")),
                tags,
                StyledText(Format.platforms(rev)),
                StyledText(Format.created(rev.config?.created)),
                StyledText(Format.size(size)),
                Marks.verify(state, repo.name, rev.digest),
                Marks.signature(state, repo.name, rev.digest),
            ],
            target: .manifest(repository: repo.name, digest: rev.digest, tag: nil),
            sortName: rev.tags.first.map(Format.safe) ?? "~" + rev.digest.hex, sortSize: size,
            sortCreated: rev.config?.createdDate,
            searchText: "\(rev.digest) \(rev.isTagged ? rev.tags.map(Format.safe).joined(separator: " ") : reachedBy ?? "untagged") \(rev.format?.shortName ?? "") \(Format.platforms(rev))")
    }
}
