/// A repository's tags: their folders, `current` links and histories (`index/`).
extension RepositoryLoader {
    func listTagFolders(_ repo: StoragePath, _ acc: Accumulator) async -> [String] {
        let dir = StoreLayout.tagsDirectory(repo)
        do {
            let entries = try await driver.withRetries { try await driver.list(dir) }
            return entries.compactMap { e in
                guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name) else {
                    acc.problems.append(Problem(.error, .invalidPathComponent, "tag folder name \"\(SafeText.escaping(e.name))\" is not valid UTF-8", at: dir))
                    return nil
                }
                switch e.kind {
                case .directory: return e.name
                case .file: return nil
                // The registry follows a symlinked tag folder and serves the tag; we cannot read it (a full load's
                // walk of `_manifests` reports it already).
                case .symlink, .special:
                    if !detail.readsEveryLink { acc.problems.append(Problem.notAFile(e.kind, at: dir.appending(e.name), expected: "tag folder")) }
                    return nil
                }
            }
        } catch {
            let error = DriverError(error)
            if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot list tags")) }
            return []
        }
    }

    func loadTags(_ links: ManifestLinks, repo: StoragePath, stored: Set<Digest>) async -> [Tag] {
        var tags: [Tag] = []
        let names = Set(links.current.keys).union(links.index.keys).sorted()
        // Every `current/link` read relative to `_manifests/tags/` in one batch: a short path walk per tag. Each read
        // is kept with its tag's name. (A running index over the reads once counted every tag, as `cond ? nil : x`
        // typed `Result??` is `.some(nil)`, never nil: a tag without `current/link` sorting before others ran it
        // past the end, the soak's crash over S3, where a walk sees tags between the registry's index and current writes.)
        let withCurrent = names.compactMap { name in links.current[name].map { (name, $0) } }
        let reads = await prefetchLinks(withCurrent.map(\.1), under: StoreLayout.tagsDirectory(repo))
        let prefetched = Dictionary(uniqueKeysWithValues: zip(withCurrent.map(\.0), reads))
        let twins = lookAlikeNames(names)
        for key in names {
            let name = key.name
            var problems: [Problem] = []
            var current: Digest?
            if !NameGrammar.isValidTag(name) {
                problems.append(Problem(.warning, .invalidTagName, "\"\(SafeText.escaping(name))\" is not a valid tag name", at: StoreLayout.tagDirectory(repo, name)))
            }
            if let others = twins[key] {
                let list = others.map { "\"\(SafeText.escaping($0.name))\" (\($0.scalars))" }.joined(separator: ", ")
                problems.append(Problem(
                    .warning, .invalidTagName,
                    "tag folder \"\(SafeText.escaping(name))\" (\(key.scalars)) is the same Unicode text as \(list) in other bytes: the registry keeps them apart, and so does Drydock",
                    at: StoreLayout.tagDirectory(repo, name)))
            }
            let ahead = prefetched[key] ?? nil
            if let path = links.current[key], case let read = await readLink(path, expected: nil, prefetched: ahead),
                !(read.notFound && !detail.readsEveryLink)
            {
                problems += read.problems
                current = read.content?.target
                if let c = current, !stored.contains(c) {
                    problems.append(Problem(.error, .danglingTag, "tag \(SafeText.escaping(name)) points at \(c), which is not a stored manifest", at: path))
                }
            } else {
                problems.append(Problem(.warning, .tagWithoutCurrent, "tag folder without current/link: the registry cannot resolve it", at: StoreLayout.tagDirectory(repo, name)))
            }
            var history: [Digest] = []
            for (d, path) in links.index[key] ?? [] {
                if detail.readsEveryLink {
                    let read = await readLink(path ?? StoreLayout.tagIndexLink(repo, name, d), expected: d)
                    problems += read.problems
                }
                history.append(d)
            }
            tags.append(Tag(name: name, current: current, history: history.sorted(), problems: problems))
        }
        return tags
    }

    /// For each tag whose name equals, as a Swift string, names of other bytes: those names. Only names beyond ASCII
    /// can (the registry's tag grammar is ASCII, so these are hand-made folders).
    func lookAlikeNames(_ names: [TagKey]) -> [TagKey: [TagKey]] {
        var byText: [String: [TagKey]] = [:]
        for key in names where !key.isASCII { byText[key.name, default: []].append(key) }
        var out: [TagKey: [TagKey]] = [:]
        for group in byText.values where group.count > 1 {
            for key in group { out[key] = group.filter { $0 != key } }
        }
        return out
    }
}
