import RegistryStorage

/// Every repository and manifest that references one blob (config or layer): what the layer list's "shared by"
/// counts, opened from it. Built from the repositories read so far (every one, once indexing is done).
enum SharedByScreen {
    static let columns = [
        Column("REPOSITORY", min: 12, max: 50, flexible: true, sorts: .name),
        Column("MANIFEST", max: 12),
        Column("TAGS", min: 8, max: 40, flexible: true, priority: 3),
        Column("PLATFORM", max: 20, priority: 2),
        Column("CREATED", max: 16, priority: 1, sorts: .created),
    ]

    static func content(_ blob: Digest, _ state: AppState) -> ScreenContent {
        var rows: [Row] = []
        var repositories = Set<String>()
        for name in state.repositories.keys.sorted() {
            guard let repo = state.repositories[name] else { continue }
            let reach = ManifestReachability(repo)
            for rev in repo.revisions where rev.manifest?.blobReferences.contains(where: { $0.digest == blob }) == true {
                repositories.insert(name)
                let tags: StyledText =
                    rev.isTagged
                    ? StyledText(rev.tags.map(Format.safe).joined(separator: ", "))
                    : reach.summary(of: rev.digest).map { StyledText($0) } ?? .role("(untagged)", .muted)
                rows.append(
                    Row(
                        id: .manifest(repository: name, digest: rev.digest),
                        cells: [
                            StyledText(Format.safe(name)), .role(rev.digest.short, .accent), tags, StyledText(Format.platforms(rev)),
                            StyledText(Format.created(rev.config?.created)),
                        ],
                        target: .manifest(repository: name, digest: rev.digest, tag: rev.tags.first),
                        sortName: Format.safe(name), sortCreated: rev.config?.createdDate))
            }
        }
        let complete = state.index != nil
        var content = ScreenContent(
            title: "\(Format.plural(repositories.count, "repo")), \(Format.plural(rows.count, "manifest"))\(complete ? "" : " so far…")",
            columns: columns, rows: rows)
        if rows.isEmpty {
            content.placeholder = complete ? "No stored manifest references \(blob)." : "Reading the repositories…"
        }
        return content
    }
}
