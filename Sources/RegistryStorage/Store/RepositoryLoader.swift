import Foundation

/// Reads one repository's `_manifests`, `_layers` and `_uploads` in one pass. Independent of every other repository,
/// so a store loads them concurrently; blob stats go through the store's shared cache.
struct RepositoryLoader {
    let driver: any StorageDriver
    let blobs: BlobStatCache
    var detail: LoadDetail = .full
    /// Light loads read manifests and configs from it; every load records what it read (RepositoryLoader+ContentCache).
    var cache: ContentCache? = nil
    /// Every load records what it extracted from bytes it hashed; only `readsFacts` loads read records back
    /// (RepositoryLoader+ContentCache).
    var facts: FactsCache? = nil
    var readsFacts = false

    /// What one load accumulates, shared by the steps of that load.
    final class Accumulator {
        var problems: [Problem]
        var blobStates: [Digest: BlobState] = [:]
        var declaredSizes: [Digest: Int64] = [:]
        init(_ problems: [Problem]) { self.problems = problems }
    }

    struct LinkRead {
        var content: LinkContent?
        var problems: [Problem]
        var notFound = false
    }

    /// Link files found under `_manifests`, by role.
    struct ManifestLinks {
        /// Each revision's link path as a walk found it; nil where a scan found the folder (the path is then
        /// `StoreLayout.revisionLink`, built only if needed).
        var revisions: [Digest: StoragePath?] = [:]
        var signatures: [Digest: [(digest: Digest, path: StoragePath)]] = [:]
        /// Tags keyed by their names' bytes (`TagKey`), not by `String`.
        var current: [TagKey: StoragePath] = [:]
        /// Each history entry's link path as a walk found it; nil where a scan found the folder (the path is then
        /// `StoreLayout.tagIndexLink`, built only if needed: a path per history entry was an allocation each).
        var index: [TagKey: [(digest: Digest, path: StoragePath?)]] = [:]
        var revisionFolders: Set<Digest> = []
        /// Found by listing folder names (not by a walk): signature folders are looked for where they can be.
        var scanned = false
    }

    func load(_ entry: RepositoryEntry) async -> RepositoryContents {
        let acc = Accumulator(entry.problems)
        let repo = entry.path
        var links: ManifestLinks
        var layerLinks: [LayerLink] = []
        // `_layers` folders of a scan that does not look for every link (LoadDetail.checksReferencedLayerLinks).
        var layerFolders: [Digest]?
        // An object store has no empty folders: its walk already names every tag, so no listing of `tags/` is needed.
        let tagNames = driver.listsRecursivelyCheaply ? [] : await listTagFolders(repo, acc)
        // Object stores list a whole prefix in one request per thousand keys: walking is their cheap way to discover.
        if detail.readsEveryLink || driver.listsRecursivelyCheaply {
            let manifestsDir = StoreLayout.manifestsDirectory(repo)
            let manifestFiles = await walk(manifestsDir, acc)
            let layerFiles = await walk(StoreLayout.layersDirectory(repo), acc)
            links = classifyManifestFiles(manifestFiles, repo: repo, acc)
            layerLinks = await loadLayerLinks(layerFiles, repo: repo, acc)
        } else {
            links = await scanManifestFolders(repo, tagNames: tagNames, acc)
            if detail.checksReferencedLayerLinks {
                layerLinks = await linkedLayerFolders(repo, acc).map { LayerLink(digest: $0, target: $0, problems: []) }
            } else {
                layerFolders = await digestFolders(StoreLayout.layersDirectory(repo), what: "layer link", acc).map(\.digest)
            }
        }
        // Tag folders without `current/link` count too: the registry lists them in tags/list.
        for name in tagNames.map(TagKey.init) where links.current[name] == nil && links.index[name] == nil { links.index[name] = [] }

        var revisions = await loadRevisions(&links, repo: repo, acc)
        let referenced = Self.blobReferences(of: revisions)
        var unconfirmedLayerLinks: [Digest] = []
        if let layerFolders {
            // A revision's own `_layers` link is looked for: it makes the revision a seed-era placement too.
            let deferred = referenced.filter { revisions[$0] == nil }
            (layerLinks, unconfirmedLayerLinks) = await confirmLayerLinks(in: layerFolders, referenced: deferred, repo: repo, acc)
        }
        await addSeedRevisions(layerLinks, referenced: referenced, links: links, repo: repo, into: &revisions, acc)
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
            // Sorted by key, then each revision copied once: sorting the revisions themselves moved large values.
            entry: entry, tags: tags, revisions: revisions.keys.sorted().compactMap { revisions[$0] }, layerLinks: layerLinksOnly,
            uploads: uploads, blobStates: acc.blobStates, declaredSizes: acc.declaredSizes, detail: detail, problems: acc.problems)
        contents.tagHistoryKnown = detail.readsTagHistory || !links.scanned
        contents.unconfirmedLayerLinks = unconfirmedLayerLinks
        return contents
    }
}

extension RepositoryLoader {
    func walk(_ dir: StoragePath, _ acc: Accumulator) async -> [WalkedFile] {
        do {
            return try await driver.withRetries { try await driver.walkFiles(dir) }
        } catch {
            let error = DriverError(error)
            if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot read \(dir.lastComponent ?? "") folder")) }
            return []
        }
    }

    /// The link files `paths` (all under `dir`) read in one batch (`StorageDriver.readEach`), in order, one element
    /// per path (nil: read it directly); for `readLink(_:expected:prefetched:)`.
    func prefetchLinks(_ paths: [StoragePath], under dir: StoragePath) async -> [Result<[UInt8], DriverError>?] {
        await prefetchLinks(paths.map { $0.components(below: dir) }, under: dir)
    }

    /// `prefetchLinks` of links named relative to `dir` (nil: not under it, read directly).
    func prefetchLinks(_ relative: [[String]?], under dir: StoragePath) async -> [Result<[UInt8], DriverError>?] {
        let names = relative.compactMap { $0 }
        guard !names.isEmpty else { return relative.map { _ in nil } }
        let results = await driver.readEach(in: dir, names, limit: LinkContent.maxSize)
        // An answer of another length cannot be paired with the names asked for: every link is then read directly.
        guard results.count == names.count else { return relative.map { _ in nil } }
        var read = results.makeIterator()
        return relative.map { $0 != nil ? read.next() : nil }
    }

    /// Reads a link file and checks it against the digest its path names. A `prefetched` result (`prefetchLinks`)
    /// stands for the read unless it failed transiently (then the link is read again, with retries).
    /// `path` is built only where it is read directly or named in a problem.
    func readLink(
        _ path: @autoclosure () -> StoragePath, expected: Digest?, prefetched: Result<[UInt8], DriverError>? = nil
    ) async -> LinkRead {
        let bytes: [UInt8]
        do {
            if let prefetched, !prefetched.isTransientFailure {
                bytes = try prefetched.get()
            } else {
                let path = path()
                bytes = try await driver.withRetries { try await driver.read(path, limit: LinkContent.maxSize) }
            }
        } catch {
            let error = DriverError(error)
            return LinkRead(content: nil, problems: [Problem.from(error, context: "cannot read link")], notFound: error.isNotFound)
        }
        switch LinkContent.parse(bytes) {
        case .failure(let e):
            return LinkRead(content: nil, problems: [Problem(.error, .invalidLink, e.description, at: path())])
        case .success(let c):
            var problems: [Problem] = []
            if !c.isCanonical {
                problems.append(Problem(.error, .nonCanonicalLink, "link holds whitespace around the digest: registry 2.8.2 rejects it", at: path()))
            }
            if let expected, c.target != expected {
                problems.append(Problem(.error, .linkTargetMismatch, "link points at \(c.target), but its path names \(expected)", at: path()))
            }
            return LinkRead(content: c, problems: problems)
        }
    }
}
