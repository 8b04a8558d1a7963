import RegistryStorage

/// The tags of one repository. Tab switches to its manifest revisions.
enum TagsScreen {
    static let columns = [
        Column("TAG", min: 12, max: 40, flexible: true, sorts: .name),
        Column("DIGEST", max: 12, priority: 7),
        Column("TYPE", max: 11, priority: 4),
        Column("PLATFORM", min: 7, max: 40, flexible: true, priority: 5),
        Column("CREATED", max: 16, priority: 2, sorts: .created),
        Column("SIZE", align: .right, max: 10, priority: 6, sorts: .size),
        Column("CHECK", max: 5, priority: 8),
        Column("SIGNED", max: 18, priority: 3),
    ]

    static func content(_ repo: String, _ state: AppState) -> ScreenContent {
        guard let contents = state.repositories[repo] else {
            return Unavailable.content(title: "Tags", columns: columns, repo: repo, state)
        }
        // cosign's `sha256-<hex>.sig/.att/.sbom` tags (and the referrers fallback tag) belong to the manifest they name:
        // they are listed under it (its detail's Referrers), not as 76-column tags of their own.
        let (companions, tags) = split(contents)
        let rows = tags.map { row($0, contents, state) }
        let aside = companions.isEmpty ? "" : ", +\(companions.count) sig."
        var content = ScreenContent(title: "Tags (\(rows.count)\(aside)) · Tab: manifests", columns: columns, rows: rows)
        if rows.isEmpty {
            content.placeholder = "No tags in \(Format.safe(repo)); press Tab for its \(Format.plural(contents.revisions.count, "manifest"))."
        }
        return content
    }

    /// Signature tags whose manifest is stored here, and the other tags.
    static func split(_ repo: RepositoryContents) -> (companions: [Tag], tags: [Tag]) {
        var companions: [Tag] = []
        var tags: [Tag] = []
        for tag in repo.tags {
            if let subject = SignatureTag.subject(of: tag.name), repo.revision(subject) != nil {
                companions.append(tag)
            } else {
                tags.append(tag)
            }
        }
        return (companions, tags)
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
        var row = Row(
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
        // The CHECK column shows a mark; the filter also finds its word (`/failed`).
        if let word = Marks.word(state, repo.name, digest) { row.searchText += " " + word }
        return row
    }
}
