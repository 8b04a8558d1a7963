import RegistryStorage

/// The config and layers one manifest references: size, how widely each blob is shared, and whether it is there.
enum LayersScreen {
    static let columns = [
        Column("#", align: .right, max: 3, priority: 2),
        Column("DIGEST", min: 19, max: 71, flexible: true),
        Column("TYPE", max: 22, priority: 3),
        Column("SIZE", align: .right, max: 10, priority: 6, sorts: .size),
        Column("SHARED BY", max: 16, priority: 4),
        Column("STATE", max: 14, priority: 7),
    ]

    static func content(_ repo: String, _ digest: Digest, _ state: AppState) -> ScreenContent {
        guard let contents = state.repositories[repo] else {
            return Unavailable.content(title: "Layers", columns: columns, repo: repo, state)
        }
        guard let rev = contents.revision(digest), let manifest = rev.manifest else {
            return ScreenContent(
                title: "Layers", columns: columns, rows: [],
                placeholder: "The manifest \(digest) is not stored or could not be read.")
        }
        let linked = Set(contents.layerLinks.map(\.digest))
        let verification = state.verification(repo, digest)
        var rows: [Row] = []
        if let config = manifest.config, manifest.schema1 == nil {
            rows.append(row("cfg", config, contents, linked, verification, state))
        }
        let layers = manifest.schema1?.fsLayers ?? manifest.layers
        for (i, layer) in layers.enumerated() {
            rows.append(row("\(i + 1)", layer, contents, linked, verification, state))
        }
        let total = layers.compactMap { $0.digest.flatMap { contents.blobStates[$0]?.size } ?? $0.validSize }.saturatingSum()
        var content = ScreenContent(
            title: "Layers (\(layers.count), \(Format.size(total)))", columns: columns, rows: rows)
        if rows.isEmpty {
            content.placeholder =
                manifest.format.isIndex ? "An index has no layers: open one of its children." : "This manifest references no blobs."
        }
        return content
    }

    static func row(
        _ number: String, _ d: Descriptor, _ repo: RepositoryContents, _ linked: Set<Digest>,
        _ verification: ManifestVerification?, _ state: AppState
    ) -> Row {
        let size = d.digest.flatMap { repo.blobStates[$0]?.size } ?? d.size
        var shared: StyledText = .role("…", .muted)
        if let index = state.index {
            if let digest = d.digest, let u = index.usage[digest] {
                shared = StyledText("\(u.manifests) mf · \(Format.plural(u.repositories, "repo"))")
            } else {
                shared = .role("-", .muted)
            }
        }
        return Row(
            id: .blob(position: number, digest: d.digestText),
            cells: [
                .role(number, .muted),
                .role(Format.safe(d.digestText), .accent),
                StyledText(Format.mediaType(d.mediaType)),
                StyledText(Format.size(size)),
                shared,
                blobState(d, repo, linked, verification),
            ],
            // Enter lists who else uses the blob ("shared by").
            target: d.digest.map(ScreenID.sharedBy),
            sortSize: size)
    }

    static func blobState(
        _ d: Descriptor, _ repo: RepositoryContents, _ linked: Set<Digest>, _ verification: ManifestVerification?
    ) -> StyledText {
        guard let digest = d.digest else { return .role("✗ bad digest", .error) }
        if let deep = verification?.check(.deepIntegrity), deep.status == .fail,
            deep.detail.contains(digest.hex) || deep.detail.contains(digest.short)
        {
            return .role("✗ corrupted", .error)
        }
        switch repo.blobStates[digest] {
        case .present(let size)?:
            if let declared = d.size, declared != size { return .role("! size differs", .warning) }
            if !linked.contains(digest) { return .role("! not linked", .warning) }
            return .role("✓ present", .ok)
        case .missing?: return .role("✗ missing", .error)
        case .notRegular?: return .role("✗ not a file", .error)
        case .unreadable?: return .role("✗ unreadable", .error)
        case nil: return .role("? unknown", .muted)
        }
    }
}
