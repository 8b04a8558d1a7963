import Foundation

/// Runs every check on the manifests of a repository, and the store-level findings.
public struct Verifier: Sendable {
    public let store: RegistryStore
    public let options: VerificationOptions
    public let hasher: BlobHasher

    public init(store: RegistryStore, options: VerificationOptions, hasher: BlobHasher? = nil) {
        self.store = store
        self.options = options
        self.hasher = hasher ?? BlobHasher(driver: store.driver)
    }

    /// Verifies every revision of `repo`; with `options.deep`, re-hashes their blobs too.
    public func verify(_ repo: RepositoryContents, progress: @escaping @Sendable (VerificationProgress) -> Void = { _ in }) async -> [ManifestVerification] {
        await verify(repo, revisions: repo.revisions, deep: options.deep, progress: progress)
    }

    /// Verifies some revisions of `repo` (the whole repository is still consulted for signatures and referrers).
    public func verify(
        _ repo: RepositoryContents, revisions: [ManifestRevision], progress: @escaping @Sendable (VerificationProgress) -> Void = { _ in }
    ) async -> [ManifestVerification] {
        await verify(repo, revisions: revisions, deep: options.deep, progress: progress)
    }

    /// Verifies the given revisions and re-hashes every blob they reference (the TUI's `v`).
    public func deepVerify(
        _ repo: RepositoryContents, digests: [Digest], progress: @escaping @Sendable (VerificationProgress) -> Void
    ) async -> [ManifestVerification] {
        let wanted = Set(digests)
        return await verify(repo, revisions: repo.revisions.filter { wanted.contains($0.digest) }, deep: true, progress: progress)
    }

    func verify(
        _ given: RepositoryContents, revisions requested: [ManifestRevision], deep: Bool,
        progress: @escaping @Sendable (VerificationProgress) -> Void
    ) async -> [ManifestVerification] {
        // The checks need every link read and every blob stat'ed: a lighter load (the browser's index) is read again.
        var repo = given
        var revisions = requested
        if given.detail != .full {
            repo = await store.load(given.entry, detail: .full)
            let wanted = Set(requested.map(\.digest))
            revisions = repo.revisions.filter { wanted.contains($0.digest) }
        }
        let checks = ManifestChecks(repo: repo)
        let discovery = SignatureDiscovery(driver: store.driver, repo: repo, cosignKeyPEM: options.cosignPublicKeyPEM)
        let schema1 = Schema1SignatureCheck(driver: store.driver)
        var hashed: [Digest: BlobHasher.Outcome] = [:]
        if deep {
            let blobs = revisions.flatMap { $0.manifest?.blobReferences.compactMap(\.digest) ?? [] }
            let present = blobs.filter { repo.blobStates[$0]?.isPresent == true }
            hashed = await hasher.hashAll(present, sizes: repo.blobStates.compactMapValues(\.size), progress: progress)
        }
        var out: [ManifestVerification] = []
        for r in revisions {
            var results = checks.run(r, skipLayers: options.skipLayers)
            var signatures: [SignatureStatus] = []
            var referrers: [Referrer] = []
            if let m = r.manifest, let s1 = m.schema1 {
                let (check, status) = await schema1.run(r, s1)
                results.append(check)
                signatures.append(status)
            } else {
                results.append(CheckResult(.signature, .notApplicable, "schema1 only; see signature status"))
                (signatures, referrers) = await discovery.discover(r)
            }
            results.append(deep ? ManifestVerification.deepCheck(r, hashed: hashed) : CheckResult(.deepIntegrity, .notApplicable, "not run (use --deep or v)"))
            // Always in `CheckName` order, so reports line up manifest by manifest.
            results.sort { CheckName.allCases.firstIndex(of: $0.name)! < CheckName.allCases.firstIndex(of: $1.name)! }
            let summary = signatures.max { $0.status < $1.status }
                ?? SignatureStatus(kind: .referrer, status: .unsigned, detail: "no signature found (no cosign tag, no signing referrer)")
            out.append(
                ManifestVerification(
                    repository: repo.name, digest: r.digest, mediaType: r.manifest?.format.mediaType, checks: results,
                    signature: summary, signatures: signatures, referrers: referrers))
        }
        return out
    }

    /// Store-level facts: dangling tags and bad links (errors), orphan blobs and stale uploads (information).
    public func storeFindings(_ repos: [RepositoryContents], listing: Catalog.Listing, now: Date = Date()) async -> [StoreFinding] {
        var findings: [StoreFinding] = listing.problems.map { StoreFinding($0.severity, .unreadable, $0.message, path: $0.path) }
        for repo in repos {
            for p in repo.allProblems {
                let kind: StoreFinding.Kind
                switch p.code {
                case .danglingTag: kind = .danglingTag
                case .invalidLink, .nonCanonicalLink, .linkTargetMismatch: kind = .badLink
                case .unreadable, .notARegularFile, .symlinkLeavesRoot, .vanished: kind = .unreadable
                // Per-manifest problems are reported by the manifest's own checks.
                case .blobMissing, .blobNotRegular, .manifestTooLarge, .manifestUnparsable, .manifestUnknownType: continue
                default: kind = .other
                }
                findings.append(StoreFinding(p.severity, kind, p.message, repository: repo.name, path: p.path))
            }
            for u in repo.uploads {
                guard let age = u.age(now: now), age > options.staleUploadAge else { continue }
                let days = Int(age / 86_400)
                findings.append(
                    StoreFinding(.info, .staleUpload, "upload \(SafeText.escaping(u.id)) started \(days) day(s) ago and never finished", repository: repo.name, path: u.path, size: u.size))
            }
        }
        findings += await orphanBlobs(repos)
        return findings
    }

    /// Blobs no manifest of any repository references: what garbage collection would sweep.
    func orphanBlobs(_ repos: [RepositoryContents]) async -> [StoreFinding] {
        var referenced = Set<Digest>()
        for repo in repos {
            referenced.formUnion(repo.referencedBlobs)
            for r in repo.revisions { referenced.formUnion(r.signatureLinks) }
        }
        let files: [WalkedFile]
        do {
            files = try await store.driver.withRetries { try await store.driver.walkFiles(StoreLayout.blobs) }
        } catch {
            let e = DriverError(error)
            if e.isNotFound { return [] }
            return [StoreFinding(.warning, .unreadable, "cannot list blobs: \(e)", path: StoreLayout.blobs)]
        }
        var out: [StoreFinding] = []
        for f in files {
            guard case .blobData(let d)? = StoreEntry(f.path), !referenced.contains(d) else { continue }
            let size = f.size >= 0 ? f.size : (try? await store.driver.stat(f.path).size)
            out.append(StoreFinding(.info, .orphanBlob, "blob \(d) is referenced by no manifest", path: f.path, size: size))
        }
        return out
    }
}

extension ManifestVerification {
    static func deepCheck(_ r: ManifestRevision, hashed: [Digest: BlobHasher.Outcome]) -> CheckResult {
        guard let m = r.manifest else { return CheckResult(.deepIntegrity, .notApplicable, "manifest could not be read") }
        let blobs = m.blobReferences.compactMap(\.digest)
        guard !blobs.isEmpty else { return CheckResult(.deepIntegrity, .notApplicable, "no blobs to hash") }
        var bad: [String] = []
        var intact = 0
        for d in Set(blobs).sorted() {
            switch hashed[d] {
            case .intact?: intact += 1
            case .corrupted(let actual)?: bad.append("\(d.short) is corrupted: its data hashes to \(actual)")
            case .unreadable(let why)?: bad.append("\(d.short) unreadable: \(SafeText.escaping(why))")
            case .missing?, nil: bad.append("\(d.short) has no data to hash")
            }
        }
        if bad.isEmpty { return CheckResult(.deepIntegrity, .pass, "\(intact) blob(s) re-hashed, all intact") }
        return CheckResult(.deepIntegrity, .fail, bad.joined(separator: "; "))
    }
}
