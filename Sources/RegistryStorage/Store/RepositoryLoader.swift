import Foundation

/// Reads one repository's `_manifests`, `_layers` and `_uploads` in one pass. Independent of every other repository,
/// so a store loads them concurrently; blob stats go through the store's shared cache.
struct RepositoryLoader {
    let driver: any StorageDriver
    let blobs: BlobStatCache
    var detail: LoadDetail = .full
    /// Light loads read manifests and configs from it; every load records what it read (RepositoryLoader+ContentCache).
    var cache: ContentCache? = nil

    /// What one load accumulates, shared by the steps of that load.
    private final class Accumulator {
        var problems: [Problem]
        var blobStates: [Digest: BlobState] = [:]
        var declaredSizes: [Digest: Int64] = [:]
        init(_ problems: [Problem]) { self.problems = problems }
    }

    /// Seed-era manifests linked under `_layers` are found by reading small unreferenced `_layers` blobs; larger ones
    /// cannot be manifests the registry would serve in practice.
    static let seedCandidateMaxSize: Int64 = 1 << 20

    private struct LinkRead {
        var content: LinkContent?
        var problems: [Problem]
        var notFound = false
    }

    /// Link files found under `_manifests`, by role.
    private struct ManifestLinks {
        var revisions: [Digest: StoragePath] = [:]
        var signatures: [Digest: [(digest: Digest, path: StoragePath)]] = [:]
        var current: [String: StoragePath] = [:]
        var index: [String: [(digest: Digest, path: StoragePath)]] = [:]
        var revisionFolders: Set<Digest> = []
        /// Found by listing folder names (not by a walk): signature folders are looked for where they can be.
        var scanned = false
    }

    func load(_ entry: RepositoryEntry) async -> RepositoryContents {
        let acc = Accumulator(entry.problems)
        let repo = entry.path
        var links: ManifestLinks
        let layerLinks: [LayerLink]
        // An object store has no empty folders: its walk already names every tag, so no listing of `tags/` is needed.
        let tagNames = driver.listsRecursivelyCheaply ? [] : await listTagFolders(repo, acc)
        // Object stores list a whole prefix in one request per thousand keys: walking is their cheap way to discover.
        if detail.readsEveryLink || driver.listsRecursivelyCheaply {
            let manifestsDir = StoreLayout.manifestsDirectory(repo)
            let manifestFiles = await walk(manifestsDir, acc)
            let layerFiles = await walk(StoreLayout.layersDirectory(repo), acc)
            links = classifyManifestFiles(manifestFiles, base: manifestsDir, acc)
            layerLinks = await loadLayerLinks(layerFiles, repo: repo, acc)
        } else {
            links = await scanManifestFolders(repo, tagNames: tagNames, acc)
            layerLinks = await linkedDigestFolders(StoreLayout.layersDirectory(repo), acc)
                .map { LayerLink(digest: $0, target: $0, problems: []) }
        }
        // Tag folders without `current/link` count too: the registry lists them in tags/list.
        for name in tagNames where links.current[name] == nil && links.index[name] == nil { links.index[name] = [] }

        var revisions = await loadRevisions(&links, repo: repo, layerLinks: layerLinks, acc)
        // A manifest linked under `_layers` (registry 2.1.0 and earlier) is a revision, not a layer of the repository.
        let layerLinksOnly = layerLinks.filter { revisions[$0.digest]?.placement.contains(.layers) != true }
        let tags = await loadTags(links, repo: repo, stored: Set(revisions.keys))
        for tag in tags { if let c = tag.current { revisions[c]?.tags.append(tag.name) } }
        for (d, sigs) in links.signatures {
            if revisions[d] != nil {
                revisions[d]?.signatureLinks = sigs.map(\.digest).sorted()
            } else {
                acc.problems.append(Problem(.info, .unexpectedEntry, "\(sigs.count) schema1 signature link(s) of a manifest that is not stored", at: StoreLayout.revisionDirectory(repo, d)))
            }
        }
        let uploads = await loadUploads(repo, acc)
        // Unreferenced layer links are what a delete would free; a light load takes their sizes from descriptors only.
        let extraBlobs = (detail.statsEveryBlob ? layerLinksOnly.compactMap(\.target) : [])
            + links.signatures.values.flatMap { $0.map(\.digest) }
        for d in extraBlobs where acc.blobStates[d] == nil { acc.blobStates[d] = await blobs.state(of: d) }

        var contents = RepositoryContents(
            entry: entry, tags: tags, revisions: revisions.values.sorted { $0.digest < $1.digest }, layerLinks: layerLinksOnly,
            uploads: uploads, blobStates: acc.blobStates, declaredSizes: acc.declaredSizes, detail: detail, problems: acc.problems)
        contents.tagHistoryKnown = detail.readsTagHistory || !links.scanned
        return contents
    }

    // MARK: light scan (folder names instead of link contents)

    /// `_manifests` without opening every folder: revision and tag-history digests come from folder names. Revision
    /// links are still read (by `loadRevisions`: a revision exists only if its link does) and so are tags' `current`.
    private func scanManifestFolders(_ repo: StoragePath, tagNames: [String], _ acc: Accumulator) async -> ManifestLinks {
        var links = ManifestLinks()
        links.scanned = true
        let revisionsDir = StoreLayout.manifestsDirectory(repo).appending("revisions")
        for (d, folder, _) in await digestFolders(revisionsDir, what: "revision", acc) {
            links.revisions[d] = folder.appending("link")
        }
        for name in tagNames {
            let tagDir = StoreLayout.tagDirectory(repo, name)
            links.current[name] = tagDir.appending(["current", "link"])
            links.index[name] = !detail.readsTagHistory ? [] : await digestFolders(tagDir.appending("index"), what: "tag history entry", acc)
                .map { ($0.digest, $0.folder.appending("link")) }
        }
        return links
    }

    /// `<base>/<alg>/<hex>/` folders named by digests, listed two levels deep (the folders themselves are not opened),
    /// with the kind of each folder's entry `entryName` when asked (`StorageDriver.listFolders`).
    private func digestFolders(
        _ base: StoragePath, what: String, withEntry entryName: String? = nil, _ acc: Accumulator
    ) async -> [(digest: Digest, folder: StoragePath, entry: EntryKind?)] {
        var out: [(digest: Digest, folder: StoragePath, entry: EntryKind?)] = []
        for algorithm in await listOrReport(base, acc) {
            guard algorithm.kind == .directory, algorithm.nameIsValidUTF8, StoragePath.isSafeComponent(algorithm.name) else {
                if algorithm.nameIsValidUTF8, StoragePath.isSafeComponent(algorithm.name), algorithm.kind != .file {
                    // A symlinked or special algorithm folder hides every digest under it: not a stray name.
                    acc.problems.append(Problem.notAFile(algorithm.kind, at: base.appending(algorithm.name), expected: "\(what) folder"))
                } else {
                    acc.problems.append(Problem(.warning, .invalidPathComponent, "unexpected entry \"\(SafeText.escaping(algorithm.name))\" (\(algorithm.kind)) where \(what) folders are kept", at: base))
                }
                continue
            }
            let algDir = base.appending(algorithm.name)
            let listed = if let entryName {
                await listFoldersOrReport(algDir, withEntry: entryName, acc)
            } else {
                await listOrReport(algDir, acc).map { (folder: $0, entry: EntryKind?.none) }
            }
            for (e, entry) in listed {
                guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name),
                    let d = StoreLayout.digest(algorithm: algorithm.name, hex: e.name)
                else {
                    acc.problems.append(Problem(.warning, .invalidPathComponent, "\(what) folder \"\(SafeText.escaping(e.name))\" does not name a valid digest", at: algDir))
                    continue
                }
                guard e.kind == .directory else {
                    acc.problems.append(Problem.notAFile(e.kind, at: algDir.appending(e.name), expected: "\(what) folder"))
                    continue
                }
                out.append((d, algDir.appending(e.name), entry))
            }
        }
        return out.sorted { $0.digest < $1.digest }
    }

    /// `<base>/<alg>/<hex>/` folders that hold a `link` file, as the registry enumerates links (a folder whose link
    /// was removed is no link): the link's presence is seen, it is not opened. A link that is not a regular file is
    /// reported, as the full walk reports it.
    private func linkedDigestFolders(_ base: StoragePath, _ acc: Accumulator) async -> [Digest] {
        var out: [Digest] = []
        for (d, folder, link) in await digestFolders(base, what: "layer link", withEntry: "link", acc) {
            switch link {
            case .file?: out.append(d)
            case nil, .directory?: continue  // the full walk finds no link file there either
            case let kind?: acc.problems.append(Problem.notAFile(kind, at: folder.appending("link"), expected: "layer link"))
            }
        }
        return out
    }

    private func listFoldersOrReport(_ dir: StoragePath, withEntry name: String, _ acc: Accumulator) async -> [(folder: DirectoryEntry, entry: EntryKind?)] {
        do {
            return try await driver.withRetries { try await driver.listFolders(dir, withEntry: name) }
        } catch {
            let error = DriverError(error)
            if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot list \(dir.lastComponent ?? "") folder")) }
            return []
        }
    }

    private func listOrReport(_ dir: StoragePath, _ acc: Accumulator) async -> [DirectoryEntry] {
        do {
            return try await driver.withRetries { try await driver.list(dir) }
        } catch {
            let error = DriverError(error)
            if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot list \(dir.lastComponent ?? "") folder")) }
            return []
        }
    }

    /// Seed-era signature links under a revision folder (`signatures/<alg>/<hex>/link`), found by a light scan only
    /// where they can exist: schema1 revisions and revision folders without a link.
    private func scanSignatures(_ repo: StoragePath, _ d: Digest, into links: inout ManifestLinks, _ acc: Accumulator) async {
        let dir = StoreLayout.revisionDirectory(repo, d).appending("signatures")
        let found = await digestFolders(dir, what: "signature link", acc)
        guard !found.isEmpty else { return }
        links.signatures[d] = found.map { ($0.digest, $0.folder.appending("link")) }
        links.revisionFolders.insert(d)
    }

    private func loadLayerLinks(_ files: [WalkedFile], repo: StoragePath, _ acc: Accumulator) async -> [LayerLink] {
        var layerLinks: [LayerLink] = []
        for f in files {
            guard f.kind == .file else {
                acc.problems.append(Problem.notAFile(f.kind, at: f.path, expected: "layer link"))
                continue
            }
            let rel = Array(f.path.components.dropFirst(repo.components.count + 1))
            guard rel.count == 3, rel[2] == "link", let d = StoreLayout.digest(algorithm: rel[0], hex: rel[1]) else {
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

    /// The registry's own revision links first, then seed-era placements under `_layers` (storage-format §1.6).
    private func loadRevisions(
        _ links: inout ManifestLinks, repo: StoragePath, layerLinks: [LayerLink], _ acc: Accumulator
    ) async -> [Digest: ManifestRevision] {
        var revisions: [Digest: ManifestRevision] = [:]
        // A walk proved each link exists; a light load then takes its target from its path (a request saved per
        // revision on an object store). Folder scans must read it: only the read shows the link is there.
        let trustWalkedLinks = !detail.readsEveryLink && !links.scanned
        for (d, path) in links.revisions.sorted(by: { $0.key < $1.key }) {
            if trustWalkedLinks {
                revisions[d] = await loadRevision(d, target: d, placement: .revisions, problems: [], acc)
                continue
            }
            let read = await readLink(path, expected: d)
            guard let target = read.content?.target else {
                if read.notFound && links.scanned {
                    // A folder without a link is no revision (the full walk never sees one); it may hold seed-era signatures.
                    links.revisions[d] = nil
                    await scanSignatures(repo, d, into: &links, acc)
                } else {
                    acc.problems += read.problems
                }
                continue
            }
            revisions[d] = await loadRevision(d, target: target, placement: .revisions, problems: read.problems, acc)
            if links.scanned, revisions[d]?.manifest?.schema1 != nil {
                await scanSignatures(repo, d, into: &links, acc)
            }
        }
        // Built in place: a flattened array of every reference first costs more than the manifests themselves.
        var referenced = Set<Digest>()
        for revision in revisions.values {
            revision.manifest?.forEachBlobReference { if let d = $0.digest { referenced.insert(d) } }
        }
        for link in layerLinks {
            guard var target = link.target else { continue }
            if revisions[link.digest] != nil {
                revisions[link.digest]?.placement.insert(.layers)
            } else if !referenced.contains(link.digest) {
                if !detail.readsEveryLink {
                    // A light scan assumed the link's target from its path; a candidate manifest is worth the read.
                    guard let read = await readLink(StoreLayout.layerLink(repo, link.digest), expected: link.digest).content?.target else { continue }
                    target = read
                }
                if let seed = await seedRevision(link.digest, target: target, hinted: links.revisionFolders.contains(link.digest), acc) {
                    revisions[link.digest] = seed
                }
            }
        }
        return revisions
    }

    private func loadTags(_ links: ManifestLinks, repo: StoragePath, stored: Set<Digest>) async -> [Tag] {
        var tags: [Tag] = []
        for name in Set(links.current.keys).union(links.index.keys).sorted() {
            var problems: [Problem] = []
            var current: Digest?
            if !NameGrammar.isValidTag(name) {
                problems.append(Problem(.warning, .invalidTagName, "\"\(SafeText.escaping(name))\" is not a valid tag name", at: StoreLayout.tagDirectory(repo, name)))
            }
            if let path = links.current[name], case let read = await readLink(path, expected: nil),
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

    // MARK: pieces

    private func walk(_ dir: StoragePath, _ acc: Accumulator) async -> [WalkedFile] {
        do {
            return try await driver.withRetries { try await driver.walkFiles(dir) }
        } catch {
            let error = DriverError(error)
            if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot read \(dir.lastComponent ?? "") folder")) }
            return []
        }
    }

    private func classifyManifestFiles(_ files: [WalkedFile], base: StoragePath, _ acc: Accumulator) -> ManifestLinks {
        var links = ManifestLinks()
        for f in files {
            let rel = Array(f.path.components.dropFirst(base.components.count))
            guard rel.last == "link" || f.kind != .file else { continue }
            if f.kind != .file {
                acc.problems.append(Problem.notAFile(f.kind, at: f.path, expected: "link file"))
                continue
            }
            switch rel.count {
            case 4 where rel[0] == "revisions":
                guard let d = StoreLayout.digest(algorithm: rel[1], hex: rel[2]) else { break }
                links.revisions[d] = f.path
                continue
            case 7 where rel[0] == "revisions" && rel[3] == "signatures":
                guard let d = StoreLayout.digest(algorithm: rel[1], hex: rel[2]),
                    let s = StoreLayout.digest(algorithm: rel[4], hex: rel[5])
                else { break }
                links.signatures[d, default: []].append((s, f.path))
                links.revisionFolders.insert(d)
                continue
            case 4 where rel[0] == "tags" && rel[2] == "current":
                links.current[rel[1]] = f.path
                continue
            case 6 where rel[0] == "tags" && rel[2] == "index":
                guard let d = StoreLayout.digest(algorithm: rel[3], hex: rel[4]) else { break }
                links.index[rel[1], default: []].append((d, f.path))
                continue
            default:
                break
            }
            acc.problems.append(Problem(.warning, .invalidPathComponent, "link file at an unexpected place or with an invalid digest in its path", at: f.path))
        }
        return links
    }

    private func listTagFolders(_ repo: StoragePath, _ acc: Accumulator) async -> [String] {
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

    /// Reads a link file and checks it against the digest its path names.
    private func readLink(_ path: StoragePath, expected: Digest?) async -> LinkRead {
        let bytes: [UInt8]
        do {
            bytes = try await driver.withRetries { try await driver.read(path, limit: LinkContent.maxSize) }
        } catch {
            let error = DriverError(error)
            return LinkRead(content: nil, problems: [Problem.from(error, context: "cannot read link")], notFound: error.isNotFound)
        }
        switch LinkContent.parse(bytes) {
        case .failure(let e):
            return LinkRead(content: nil, problems: [Problem(.error, .invalidLink, e.description, at: path)])
        case .success(let c):
            var problems: [Problem] = []
            if !c.isCanonical {
                problems.append(Problem(.error, .nonCanonicalLink, "link holds whitespace around the digest: registry 2.8.2 rejects it", at: path))
            }
            if let expected, c.target != expected {
                problems.append(Problem(.error, .linkTargetMismatch, "link points at \(c.target), but its path names \(expected)", at: path))
            }
            return LinkRead(content: c, problems: problems)
        }
    }

    private func loadRevision(
        _ d: Digest, target: Digest, placement: LinkPlacement, problems: [Problem], _ acc: Accumulator
    ) async -> ManifestRevision {
        // A light load reads the blob without a stat first: the read tells presence and size too.
        var prefetched: [UInt8]?
        let state: BlobState
        if detail.statsEveryBlob {
            state = await blobs.state(of: target)
        } else if let (cachedState, cached) = await cachedManifest(target) {
            (state, prefetched) = (cachedState, cached)
        } else {
            (state, prefetched) = await readManifestBlob(target)
            blobs.record(target, state)
        }
        var revision = ManifestRevision(
            digest: d, placement: placement, blob: state, manifest: nil, contentDigest: nil, config: nil,
            signatureLinks: [], tags: [], problems: problems)
        acc.blobStates[target] = revision.blob
        switch revision.blob {
        case .present(let size):
            guard size <= Int64(ManifestParser.maxManifestSize) else {
                revision.problems.append(Problem(.error, .manifestTooLarge, "manifest blob is \(size) bytes, over the registry's 4 MiB limit", at: StoreLayout.blobData(target)))
                return revision
            }
            do {
                let bytes: [UInt8]
                if let prefetched {
                    bytes = prefetched
                } else {
                    bytes = try await driver.withRetries {
                        try await driver.read(StoreLayout.blobData(target), limit: ManifestParser.maxManifestSize)
                    }
                }
                cache?.record(target, bytes)
                revision.contentDigest = RepositoryLoader.contentDigest(of: bytes, as: d)
                switch ManifestParser.parse(bytes) {
                case .success(let m):
                    revision.manifest = m
                    if let payload = m.schema1?.signedPayload { revision.contentDigest = d.recomputed(over: payload) }
                case .failure(let e):
                    let code: Problem.Code = if case .unrecognizedMediaType = e { .manifestUnknownType } else { .manifestUnparsable }
                    revision.problems.append(Problem(.error, code, e.description, at: StoreLayout.blobData(target)))
                }
            } catch {
                let error = DriverError(error)
                revision.problems.append(Problem.from(error, context: "cannot read manifest"))
            }
        case .missing:
            revision.problems.append(Problem(.error, .blobMissing, "manifest blob \(target) is missing", at: StoreLayout.blobData(target)))
        case .notRegular(let kind):
            revision.problems.append(Problem(.error, .blobNotRegular, "manifest blob data is a \(kind)", at: StoreLayout.blobData(target)))
        case .unreadable(let why):
            revision.problems.append(Problem(.error, .unreadable, "cannot stat manifest blob: \(SafeText.escaping(why))", at: StoreLayout.blobData(target)))
        }
        if let m = revision.manifest {
            for ref in m.blobReferences {
                guard let r = ref.digest else { continue }
                if let size = ref.size { acc.declaredSizes[r] = size }
                // Without a declared size (schema1 layers) only the stored one can tell.
                if detail.statsEveryBlob || ref.size == nil { acc.blobStates[r] = await blobs.state(of: r) }
            }
            if detail.readsConfigs {
                let (config, configProblems) = await loadConfig(m)
                revision.config = config
                revision.problems += configProblems
            } else if let s1 = m.schema1 {
                revision.config = ImageConfig.fromSchema1(s1)
            }
        }
        return revision
    }

    /// Reads a manifest blob in one go; a too-large one is reported by size without reading it.
    private func readManifestBlob(_ target: Digest) async -> (BlobState, [UInt8]?) {
        do {
            let bytes = try await driver.withRetries {
                try await driver.read(StoreLayout.blobData(target), limit: ManifestParser.maxManifestSize)
            }
            return (.present(size: Int64(bytes.count)), bytes)
        } catch {
            let error = DriverError(error)
            switch error {
            case .notFound, .notADirectory: return (.missing, nil)
            case .notARegularFile(_, let kind): return (.notRegular(kind), nil)
            case .symlink(_, let p): return (.notRegular(.symlink(p)), nil)
            case .tooLarge(_, let size, _): return (.present(size: size), nil)
            default: return (.unreadable(error.description), nil)
            }
        }
    }

    private func loadConfig(_ m: Manifest) async -> (ImageConfig?, [Problem]) {
        if let s1 = m.schema1 { return (ImageConfig.fromSchema1(s1), []) }
        guard let config = m.config, let d = config.digest,
            config.mediaType == nil || config.mediaType == MediaType.dockerConfig || config.mediaType == MediaType.ociConfig,
            (config.size ?? 0) <= Int64(ImageConfig.maxSize)
        else { return (nil, []) }
        do {
            let bytes: [UInt8]
            if let cached = await cachedBlob(d) {
                bytes = cached
            } else {
                bytes = try await driver.withRetries { try await driver.read(StoreLayout.blobData(d), limit: ImageConfig.maxSize) }
                cache?.record(d, bytes)
            }
            switch ImageConfig.parse(bytes) {
            case .success(let c): return (c, [])
            case .failure(let e):
                return (nil, [Problem(.warning, .configUnparsable, "image config: \(e)", at: StoreLayout.blobData(d))])
            }
        } catch {
            let error = DriverError(error)
            // A missing config is reported by verification as a missing reference; nothing to add here.
            if error.isNotFound { return (nil, []) }
            return (nil, [Problem.from(error, severity: .warning, context: "cannot read image config")])
        }
    }

    /// A `_layers` link whose blob turns out to be a manifest: the May 2015 to v2.1.0 placement (storage-format §1.6).
    private func seedRevision(_ d: Digest, target: Digest, hinted: Bool, _ acc: Accumulator) async -> ManifestRevision? {
        let state = await blobs.state(of: target)
        guard let size = state.size, size <= RepositoryLoader.seedCandidateMaxSize || hinted else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try await driver.read(StoreLayout.blobData(target), limit: ManifestParser.maxManifestSize)
        } catch {
            return nil
        }
        guard RepositoryLoader.looksLikeManifest(bytes) else { return nil }
        var revision = await loadRevision(d, target: target, placement: .layers, problems: [], acc)
        revision.problems.append(
            Problem(.info, .seedEraPlacement, "manifest linked under _layers only (written by registry 2.1.0 or earlier); registry 2.8.2 still serves it but its garbage collector would delete it", at: nil))
        return revision
    }

    static func contentDigest(of bytes: [UInt8], as d: Digest) -> Digest { d.recomputed(over: bytes) }

    /// A `_layers` blob is taken for a manifest only if it is JSON that parses as one.
    static func looksLikeManifest(_ bytes: [UInt8]) -> Bool {
        let firstByte = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard firstByte == UInt8(ascii: "{") else { return false }
        if case .success = ManifestParser.parse(bytes) { return true }
        return false
    }

    private func loadUploads(_ repo: StoragePath, _ acc: Accumulator) async -> [Upload] {
        let dir = StoreLayout.uploadsDirectory(repo)
        let entries: [DirectoryEntry]
        do {
            entries = try await driver.withRetries { try await driver.list(dir) }
        } catch {
            let error = DriverError(error)
            if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot list uploads")) }
            return []
        }
        var uploads: [Upload] = []
        for e in entries where e.kind == .directory || !e.nameIsValidUTF8 {
            guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name) else {
                acc.problems.append(Problem(.warning, .invalidPathComponent, "upload folder \"\(SafeText.escaping(e.name))\" has a name that is not valid UTF-8; skipped", at: dir))
                continue
            }
            let path = dir.appending(e.name)
            var upload = Upload(id: e.name, path: path, startedAt: nil, size: nil, problems: [])
            do {
                let bytes = try await driver.read(path.appending("startedat"), limit: 128)
                let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                upload.startedAt = ImageConfig.parseTimestamp(text)
                if upload.startedAt == nil {
                    upload.problems.append(Problem(.warning, .uploadUnreadable, "startedat is not an RFC 3339 time; the registry never purges this upload", at: path))
                }
            } catch {
                let error = DriverError(error)
                upload.problems.append(Problem(.warning, .uploadUnreadable, "no readable startedat (\(SafeText.escaping(DriverError(error).description))); the registry never purges this upload", at: path))
            }
            upload.size = try? await driver.stat(path.appending("data")).size
            uploads.append(upload)
        }
        return uploads.sorted { $0.id < $1.id }
    }
}
