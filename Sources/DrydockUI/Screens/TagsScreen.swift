import RegistryStorage

/// The tags of one repository. Tab switches to its manifest revisions.
enum TagsScreen {
    static let columns = [
        Column("TAG", min: 12, max: 40, flexible: true),
        Column("DIGEST", max: 12, priority: 7),
        Column("TYPE", max: 11, priority: 4),
        Column("PLATFORM", min: 7, max: 40, flexible: true, priority: 5),
        Column("CREATED", max: 16, priority: 2),
        Column("SIZE", align: .right, max: 10, priority: 6),
        Column("CHECK", max: 5, priority: 8),
        Column("SIGNED", max: 11, priority: 3),
    ]

    static func content(_ repo: String, _ state: AppState) -> ScreenContent {
        guard let contents = state.repositories[repo] else {
            return Unavailable.content(title: "Tags", columns: columns, repo: repo, state)
        }
        let rows = contents.tags.map { row($0, contents, state) }
        var content = ScreenContent(title: "Tags (\(rows.count)) · Tab: manifests", columns: columns, rows: rows)
        if rows.isEmpty {
            content.placeholder = "No tags in \(Format.safe(repo)); press Tab for its \(Format.plural(contents.revisions.count, "manifest"))."
        }
        return content
    }

    static func row(_ tag: Tag, _ repo: RepositoryContents, _ state: AppState) -> Row {
        let name = Format.safe(tag.name)
        guard let digest = tag.current else {
            return Row(
                id: .tag(tag.name),
                cells: [StyledText(name), .role("(none)", .error), .role("dangling", .error), "-", "-", "-", .role("✗", .error), "-"],
                sortName: name)
        }
        guard let rev = repo.revision(digest) else {
            return Row(
                id: .tag(tag.name),
                cells: [
                    StyledText(name), .role(digest.short, .error), .role("missing", .error), "-", "-", "-",
                    .role("✗", .error), "-",
                ],
                sortName: name)
        }
        let size = repo.size(of: digest)
        return Row(
            id: .tag(tag.name),
            cells: [
                StyledText(name),
                .role(digest.short, .accent),
                StyledText(rev.format?.shortName ?? "?"),
                StyledText(Format.platforms(rev)),
                StyledText(Format.created(rev.config?.created)),
                StyledText(Format.size(size)),
                Marks.verify(state, repo.name, digest),
                Marks.signature(state, repo.name, digest),
            ],
            target: .manifest(repository: repo.name, digest: digest, tag: tag.name),
            sortName: name, sortSize: size, sortCreated: rev.config?.createdDate)
    }
}
