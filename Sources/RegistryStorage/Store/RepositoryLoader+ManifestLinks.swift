/// Finding a repository's link files: by a walk that classifies every file (`StoreEntry`), or by a light scan of
/// folder names (storage-format §1.2).
extension RepositoryLoader {
    func classifyManifestFiles(_ files: [WalkedFile], repo: StoragePath, _ acc: Accumulator) -> ManifestLinks {
        var links = ManifestLinks()
        for f in files {
            guard f.path.lastComponent == "link" || f.kind != .file else { continue }
            if f.kind != .file {
                acc.problems.append(Problem.notAFile(f.kind, at: f.path, expected: "link file"))
                continue
            }
            switch StoreEntry.RepositoryFile(relative: f.path.components.dropFirst(repo.components.count)) {
            case .revisionLink(let d)?:
                links.revisions[d] = f.path
            case .signatureLink(let d, let s)?:
                links.signatures[d, default: []].append((s, f.path))
                links.revisionFolders.insert(d)
            case .tagCurrentLink(let tag)?:
                links.current[TagKey(name: tag)] = f.path
            case .tagIndexLink(let tag, let d)?:
                links.index[TagKey(name: tag), default: []].append((d, f.path))
            case nil, .layerLink?, .uploadData?, .uploadStartedAt?:
                acc.problems.append(Problem(.warning, .invalidPathComponent, "link file at an unexpected place or with an invalid digest in its path", at: f.path))
            }
        }
        return links
    }

    func loadLayerLinks(_ files: [WalkedFile], repo: StoragePath, _ acc: Accumulator) async -> [LayerLink] {
        var layerLinks: [LayerLink] = []
        for f in files {
            guard f.kind == .file else {
                acc.problems.append(Problem.notAFile(f.kind, at: f.path, expected: "layer link"))
                continue
            }
            guard case .layerLink(let d)? = StoreEntry.RepositoryFile(relative: f.path.components.dropFirst(repo.components.count)) else {
                if f.path.lastComponent == "link" {
                    acc.problems.append(Problem(.warning, .invalidPathComponent, "layer link at a path that names no valid digest", at: f.path))
                }
                continue
            }
            if detail.readsEveryLink {
                let read = await readLink(f.path, expected: d)
                layerLinks.append(LayerLink(digest: d, target: read.content?.target, problems: read.problems))
            } else {
                layerLinks.append(LayerLink(digest: d, target: d, problems: []))
            }
        }
        return layerLinks.sorted { $0.digest < $1.digest }
    }

    /// `_manifests` without opening every folder: revision and tag-history digests come from folder names. Revision
    /// links are still read (by `loadRevisions`: a revision exists only if its link does) and so are tags' `current`.
    func scanManifestFolders(_ repo: StoragePath, tagNames: [String], _ acc: Accumulator) async -> ManifestLinks {
        var links = ManifestLinks()
        links.scanned = true
        for (d, _) in await digestFolders(StoreLayout.revisionsDirectory(repo), what: "revision", acc) {
            links.revisions[d] = .some(nil)
        }
        // Every tag's history listed relative to the tags folder, two short walks per tag.
        let histories = detail.readsTagHistory
            ? await DigestFolderListing(driver: driver).listEach(
                in: StoreLayout.tagsDirectory(repo), tagNames.map(StoreLayout.tagHistoryInTags),
                trustingLinkCounts: detail.listsTagHistoryByLinkCount)
            : tagNames.map { _ in [] }
        for (name, history) in zip(tagNames, histories) {
            links.current[TagKey(name: name)] = StoreLayout.tagCurrentLink(repo, name)
            links.index[TagKey(name: name)] = digestFolders(history, what: "tag history entry", acc).map { ($0.digest, nil) }
        }
        return links
    }

    /// `<base>/<alg>/<hex>/` folders named by digests (`DigestFolderListing`), sorted, with the kind of each folder's
    /// entry `entryName` when asked; everything else found there is reported as a problem of `what` folders.
    func digestFolders(
        _ base: StoragePath, what: String, withEntry entryName: String? = nil, _ acc: Accumulator
    ) async -> [(digest: Digest, entry: EntryKind?)] {
        digestFolders(await DigestFolderListing(driver: driver).list(base, withEntry: entryName), what: what, acc)
    }

    /// The digest folders among listed `items`, sorted; everything else is reported as a problem of `what` folders.
    func digestFolders(_ items: [DigestFolderListing.Item], what: String, _ acc: Accumulator) -> [(digest: Digest, entry: EntryKind?)] {
        var out: [(digest: Digest, entry: EntryKind?)] = []
        for item in items {
            switch item {
            case .digest(let d, let entry):
                out.append((d, entry))
            case .notAnAlgorithmFolder(let algorithm, let dir):
                if algorithm.nameIsValidUTF8, StoragePath.isSafeComponent(algorithm.name), algorithm.kind != .file {
                    // A symlinked or special algorithm folder hides every digest under it: not a stray name.
                    acc.problems.append(Problem.notAFile(algorithm.kind, at: dir.appending(algorithm.name), expected: "\(what) folder"))
                } else {
                    acc.problems.append(Problem(.warning, .invalidPathComponent, "unexpected entry \"\(SafeText.escaping(algorithm.name))\" (\(algorithm.kind)) where \(what) folders are kept", at: dir))
                }
            case .invalidDigest(let e, let algDir):
                acc.problems.append(Problem(.warning, .invalidPathComponent, "\(what) folder \"\(SafeText.escaping(e.name))\" does not name a valid digest", at: algDir))
            case .notAFolder(_, let e, let algDir):
                acc.problems.append(Problem.notAFile(e.kind, at: algDir.appending(e.name), expected: "\(what) folder"))
            case .unlisted(let error, let dir):
                if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot list \(dir.lastComponent ?? "") folder")) }
            }
        }
        return out.sorted { $0.digest < $1.digest }
    }

    /// The `_layers` folders a marking scan listed (`LoadDetail.checksReferencedLayerLinks` off): those of blobs the
    /// repository's own manifests reference stay unconfirmed (the collector looks for their links only if it sweeps
    /// the blob); the link of every other folder is looked for now, since it may name a seed-era manifest or a layer
    /// no manifest uses. Each look is what `linkedLayerFolders` sees for a folder.
    func confirmLayerLinks(
        in folders: [Digest], referenced: Set<Digest>, repo: StoragePath, _ acc: Accumulator
    ) async -> (confirmed: [LayerLink], unconfirmed: [Digest]) {
        var confirmed: [LayerLink] = []
        var unconfirmed: [Digest] = []
        for d in folders {
            if referenced.contains(d) {
                unconfirmed.append(d)
                continue
            }
            switch await LayerLinkLookup(driver: driver).look(repo, d) {
            case .link: confirmed.append(LayerLink(digest: d, target: d, problems: []))
            case .none: continue
            case .problem(let problem): acc.problems.append(problem)
            }
        }
        return (confirmed, unconfirmed)
    }

    /// `_layers/<alg>/<hex>/` folders that hold a `link` file, as the registry enumerates links (a folder whose link
    /// was removed is no link): the link's presence is seen, it is not opened. A link that is not a regular file is
    /// reported, as the full walk reports it.
    func linkedLayerFolders(_ repo: StoragePath, _ acc: Accumulator) async -> [Digest] {
        var out: [Digest] = []
        for (d, link) in await digestFolders(StoreLayout.layersDirectory(repo), what: "layer link", withEntry: "link", acc) {
            switch LayerLinkLookup.outcome(link, repo, d) {
            case .link: out.append(d)
            case .none: continue
            case .problem(let problem): acc.problems.append(problem)
            }
        }
        return out
    }
}
