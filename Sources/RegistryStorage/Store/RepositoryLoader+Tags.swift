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
        // Every `current/link` read relative to `_manifests/tags/` in one batch: a short path walk per tag.
        let currentPaths = names.compactMap { links.current[$0] }
        let prefetched = await prefetchLinks(currentPaths, under: StoreLayout.tagsDirectory(repo))
        var next = 0
        for name in names {
            var problems: [Problem] = []
            var current: Digest?
            if !NameGrammar.isValidTag(name) {
                problems.append(Problem(.warning, .invalidTagName, "\"\(SafeText.escaping(name))\" is not a valid tag name", at: StoreLayout.tagDirectory(repo, name)))
            }
            // Bounded: a CI soak over S3 crashed here once (index out of range) with the counts apparently equal;
            // until that is understood, a missing prefetched read means the link is read directly, never a crash.
            let ahead: Result<[UInt8], DriverError>?? = links.current[name] == nil || next >= prefetched.count ? nil : prefetched[next]
            if links.current[name] != nil { next += 1 }
            if let path = links.current[name], case let read = await readLink(path, expected: nil, prefetched: ahead ?? nil),
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
            for (d, path) in links.index[name] ?? [] {
                if detail.readsEveryLink {
                    let read = await readLink(path, expected: d)
                    problems += read.problems
                }
                history.append(d)
            }
            tags.append(Tag(name: name, current: current, history: history.sorted(), problems: problems))
        }
        return tags
    }
}
