/// A repository's revisions: their links, manifest blobs and image configs.
extension RepositoryLoader {
    /// The registry's own revision links; seed-era placements under `_layers` come after (`addSeedRevisions`).
    func loadRevisions(_ links: inout ManifestLinks, repo: StoragePath, _ acc: Accumulator) async -> [Digest: ManifestRevision] {
        var revisions: [Digest: ManifestRevision] = [:]
        // A walk proved each link exists; a light load then takes its target from its path (a request saved per
        // revision on an object store). Folder scans must read it: only the read shows the link is there.
        let trustWalkedLinks = !detail.readsEveryLink && !links.scanned
        let sorted = links.revisions.sorted(by: { $0.key < $1.key })
        // Read relative to `_manifests/revisions/` in one batch: a short path walk per link. One result per link,
        // zipped with it: paired by construction, not by an index kept alongside.
        let revisionsDir = StoreLayout.revisionsDirectory(repo)
        let prefetched = trustWalkedLinks
            ? sorted.map { _ in nil }
            : await prefetchLinks(sorted.map { d, walked in walked.map { $0.components(below: revisionsDir) } ?? StoreLayout.revisionLinkInRevisions(d) }, under: revisionsDir)
        let revisionLinks = Array(zip(sorted, prefetched))
        for start in stride(from: 0, to: revisionLinks.count, by: Self.manifestBatch) {
            let chunk = revisionLinks[start..<min(start + Self.manifestBatch, revisionLinks.count)]
            do {
                // A link's target is known from its bytes alone, so the chunk's manifest blobs are read in one batch
                // (and let go before the configs are read).
                let manifests = await prefetchManifestBlobs(chunk.compactMap { link, ahead in
                    trustWalkedLinks ? link.key : ahead.flatMap { try? $0.get() }.flatMap { try? LinkContent.parse($0).get().target }
                })
                for ((d, path), ahead) in chunk {
                    await loadRevisionLink(d, path: path, ahead: ahead, trusted: trustWalkedLinks, manifests: manifests, &links, &revisions, repo: repo, acc)
                }
            }
            if detail.readsConfigs { await loadConfigs(of: chunk.map(\.0.key), in: &revisions) }
        }
        return revisions
    }

    /// The image configs of the revisions `ds` (loaded without them), their blobs read in one batch like manifests'.
    private func loadConfigs(of ds: [Digest], in revisions: inout [Digest: ManifestRevision]) async {
        let manifests = ds.compactMap { d in revisions[d]?.manifest.map { (d, $0) } }
        let configs = await prefetchBlobs(manifests.compactMap { Self.configToRead($0.1) }, limit: ImageConfig.maxSize)
        for (d, m) in manifests {
            let (config, problems) = await loadConfig(m, fetched: Self.configToRead(m).flatMap { configs[$0] })
            revisions[d]?.config = config
            revisions[d]?.problems += problems
        }
    }

    /// Manifest blobs read per batch (`prefetchManifestBlobs`), then image configs: each batch opens `blobs/sha256/`
    /// once, and holds at most this many blobs of up to 4 MiB in memory.
    static let manifestBatch = 16

    /// One revision of `loadRevisions`: its link read (or trusted), its manifest loaded from `manifests` where read.
    private func loadRevisionLink(
        _ d: Digest, path walked: StoragePath?, ahead: Result<[UInt8], DriverError>?, trusted: Bool,
        manifests: [Digest: Result<[UInt8], DriverError>], _ links: inout ManifestLinks,
        _ revisions: inout [Digest: ManifestRevision], repo: StoragePath, _ acc: Accumulator
    ) async {
        if trusted {
            revisions[d] = await loadRevision(
                d, target: d, placement: .revisions, problems: [], fetched: manifests[d], loadsConfig: false, acc)
            return
        }
        let read = await readLink(walked ?? StoreLayout.revisionLink(repo, d), expected: d, prefetched: ahead)
        guard let target = read.content?.target else {
            if read.notFound && links.scanned {
                // A folder without a link is no revision (the full walk never sees one); it may hold seed-era signatures.
                links.revisions[d] = nil
                await scanSignatures(repo, d, into: &links, acc)
            } else {
                acc.problems += read.problems
            }
            return
        }
        revisions[d] = await loadRevision(
            d, target: target, placement: .revisions, problems: read.problems, fetched: manifests[target], loadsConfig: false, acc)
        if links.scanned, revisions[d]?.manifest?.schema1 != nil {
            await scanSignatures(repo, d, into: &links, acc)
        }
    }

    /// The sha256 manifest blobs `targets` read in one batch (`prefetchBlobs`).
    func prefetchManifestBlobs(_ targets: [Digest]) async -> [Digest: Result<[UInt8], DriverError>] {
        await prefetchBlobs(targets, limit: ManifestParser.maxManifestSize)
    }

    /// The sha256 blobs `targets` read in one batch relative to `blobs/sha256/` (`StorageDriver.readEach`: three
    /// path components per blob instead of five from the store's root), when the load reads them from the store at
    /// all: not when it stats every blob first, nor where a content or facts cache may answer instead. Blobs not
    /// asked for or not answered are read one by one, as before.
    func prefetchBlobs(_ targets: [Digest], limit: Int) async -> [Digest: Result<[UInt8], DriverError>] {
        guard !detail.statsEveryBlob, cache == nil, !(readsFacts && facts != nil) else { return [:] }
        var unique: [Digest] = []
        for t in targets where t.algorithm == .sha256 && !unique.contains(t) { unique.append(t) }
        guard !unique.isEmpty else { return [:] }
        let results = await driver.readEach(
            in: StoreLayout.blobAlgorithmDirectory(.sha256), unique.map(StoreLayout.blobDataInAlgorithmDirectory),
            limit: limit)
        guard results.count == unique.count else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(unique, results))
    }

    /// Every blob the revisions' manifests reference. Built in place: a flattened array of every reference first
    /// costs more than the manifests themselves.
    static func blobReferences(of revisions: [Digest: ManifestRevision]) -> Set<Digest> {
        var referenced = Set<Digest>()
        for revision in revisions.values {
            revision.manifest?.forEachBlobReference { if let d = $0.digest { referenced.insert(d) } }
        }
        return referenced
    }

    /// Seed-era placements (storage-format §1.6): `_layers` links no revision references whose blob is a manifest.
    func addSeedRevisions(
        _ layerLinks: [LayerLink], referenced: Set<Digest>, links: ManifestLinks, repo: StoragePath,
        into revisions: inout [Digest: ManifestRevision], _ acc: Accumulator
    ) async {
        for link in layerLinks {
            guard var target = link.target else { continue }
            if revisions[link.digest] != nil {
                revisions[link.digest]?.placement.insert(.layers)
            } else if !referenced.contains(link.digest) {
                if !detail.readsEveryLink {
                    // A light scan assumed the link's target from its path; a candidate manifest is worth the read.
                    let read = await readLink(StoreLayout.layerLink(repo, link.digest), expected: link.digest)
                    guard let readTarget = read.content?.target else {
                        // No link in the folder is no link (the registry's blob delete leaves the folder); one that
                        // cannot be read may name a seed-era manifest, which blocks a collection.
                        if !read.notFound { acc.problems += read.problems }
                        continue
                    }
                    target = readTarget
                }
                if let seed = await seedRevision(link.digest, target: target, hinted: links.revisionFolders.contains(link.digest), acc) {
                    revisions[link.digest] = seed
                }
            }
        }
    }

    /// `fetched`: the manifest blob's read from a batch (`prefetchManifestBlobs`), standing for the read unless it
    /// failed transiently (then the blob is read again, with retries).
    func loadRevision(
        _ d: Digest, target: Digest, placement: LinkPlacement, problems: [Problem],
        fetched: Result<[UInt8], DriverError>? = nil, loadsConfig: Bool = true, _ acc: Accumulator
    ) async -> ManifestRevision {
        // A light load reads the blob without a stat first: the read tells presence and size too.
        var prefetched: [UInt8]?
        var extracted: Manifest?
        let state: BlobState
        if detail.statsEveryBlob {
            state = await blobs.state(of: target)
        } else if let (size, m) = await cachedManifestFacts(d, target: target) {
            (state, extracted) = (.present(size: size), m)
        } else if let (cachedState, cached) = await cachedManifest(target) {
            (state, prefetched) = (cachedState, cached)
        } else {
            (state, prefetched) = await readManifestBlob(target, fetched: fetched)
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
            if let extracted {
                // Recorded only from bytes that hashed to `d` (below), schema1 never: the content digest is `d`.
                revision.contentDigest = d
                revision.manifest = extracted
            } else {
                do {
                    let bytes: [UInt8]
                    if let prefetched {
                        bytes = prefetched
                    } else {
                        bytes = try await driver.withRetries {
                            try await driver.read(StoreLayout.blobData(target), limit: ManifestParser.maxManifestSize)
                        }
                    }
                    revision.contentDigest = RepositoryLoader.contentDigest(of: bytes, as: d)
                    if let cache {
                        // Hashed once: where the bytes hashed to the blob's own name, the cache need not hash them again.
                        if d == target, revision.contentDigest == d { cache.record(d, hashedBytes: bytes) } else { cache.record(target, bytes) }
                    }
                    switch ManifestParser.parse(bytes) {
                    case .success(let m):
                        revision.manifest = m
                        if let payload = m.schema1?.signedPayload { revision.contentDigest = d.recomputed(over: payload) }
                        if d == target, revision.contentDigest == d { facts?.record(d, size: Int64(bytes.count), manifest: m) }
                    case .failure(let e):
                        let code: Problem.Code = if case .unrecognizedMediaType = e { .manifestUnknownType } else { .manifestUnparsable }
                        revision.problems.append(Problem(.error, code, e.description, at: StoreLayout.blobData(target)))
                    }
                } catch {
                    let error = DriverError(error)
                    revision.problems.append(Problem.from(error, context: "cannot read manifest"))
                }
            }
        case .missing:
            revision.problems.append(Problem(.error, .blobMissing, "manifest blob \(target) is missing", at: StoreLayout.blobData(target)))
        case .notRegular(let kind):
            revision.problems.append(Problem(.error, .blobNotRegular, "manifest blob data is a \(kind)", at: StoreLayout.blobData(target)))
        case .unreadable(let why):
            revision.problems.append(Problem(.error, .unreadable, "cannot stat manifest blob: \(SafeText.escaping(why))", at: StoreLayout.blobData(target)))
        }
        if let m = revision.manifest {
            // A negative size is reported and not taken: the blob is looked at instead, as for an absent one.
            let negative = ManifestParser.negativeSizes(in: m)
            if !negative.isEmpty {
                revision.problems.append(Problem(
                    .warning, .manifestInvalidSize,
                    "\(negative.joined(separator: "; ")); no blob has a negative size (registry 2.8.2 accepts it unchecked)",
                    at: StoreLayout.blobData(target)))
            }
            var toStat: [Digest] = []
            m.forEachBlobReference { ref in
                guard let r = ref.digest else { return }
                if let size = ref.validSize { acc.declaredSizes[r] = size }
                // Without a declared size (schema1 layers) or with a negative one, only the stored one can tell.
                if detail.statsEveryBlob || ref.validSize == nil { toStat.append(r) }
            }
            for r in toStat { acc.blobStates[r] = await blobs.state(of: r) }
            if detail.readsConfigs {
                // `loadRevisions` loads configs after each batch of revisions, their blobs read in a batch too.
                if loadsConfig {
                    let (config, configProblems) = await loadConfig(m)
                    revision.config = config
                    revision.problems += configProblems
                }
            } else if let s1 = m.schema1 {
                revision.config = ImageConfig.fromSchema1(s1)
            }
        }
        return revision
    }

    /// Reads a manifest blob in one go (or takes a batch's read of it); a too-large one is reported by size without
    /// reading it.
    func readManifestBlob(_ target: Digest, fetched: Result<[UInt8], DriverError>? = nil) async -> (BlobState, [UInt8]?) {
        do {
            let bytes: [UInt8]
            if let fetched, !fetched.isTransientFailure {
                bytes = try fetched.get()
            } else {
                bytes = try await driver.withRetries {
                    try await driver.read(StoreLayout.blobData(target), limit: ManifestParser.maxManifestSize)
                }
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

    /// The image config blob `loadConfig` reads for `m`: a config of a known type, not declared over the size limit.
    static func configToRead(_ m: Manifest) -> Digest? {
        guard m.schema1 == nil, let config = m.config, let d = config.digest,
            config.mediaType == nil || config.mediaType == MediaType.dockerConfig || config.mediaType == MediaType.ociConfig,
            (config.size ?? 0) <= Int64(ImageConfig.maxSize)
        else { return nil }
        return d
    }

    /// `fetched`: the config blob's read from a batch (`prefetchBlobs`), taken as `readManifestBlob` takes one.
    func loadConfig(_ m: Manifest, fetched: Result<[UInt8], DriverError>? = nil) async -> (ImageConfig?, [Problem]) {
        if let s1 = m.schema1 { return (ImageConfig.fromSchema1(s1), []) }
        guard let d = Self.configToRead(m) else { return (nil, []) }
        if let c = await cachedConfigFacts(d) { return (c, []) }
        do {
            let bytes: [UInt8]
            var verified = false
            if let cached = await cachedBlob(d) {
                (bytes, verified) = (cached, true)
            } else {
                if let fetched, !fetched.isTransientFailure {
                    bytes = try fetched.get()
                } else {
                    bytes = try await driver.withRetries { try await driver.read(StoreLayout.blobData(d), limit: ImageConfig.maxSize) }
                }
                // Hashed once, for both caches; nothing to hash when neither is kept.
                if cache != nil || facts != nil, d.recomputed(over: bytes) == d {
                    verified = true
                    cache?.record(d, hashedBytes: bytes)
                }
            }
            switch ImageConfig.parse(bytes) {
            case .success(let c):
                if verified { facts?.record(d, size: Int64(bytes.count), imageConfig: c) }
                return (c, [])
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

    static func contentDigest(of bytes: [UInt8], as d: Digest) -> Digest { d.recomputed(over: bytes) }
}
