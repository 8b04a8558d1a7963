/// Finds signatures and other attached artifacts of schema2/OCI manifests (storage-format §9): cosign companion tags,
/// OCI 1.1 referrers through `subject`, and the referrers fallback tag. The registry indexes none of these, so we
/// build the lookups once per repository.
package struct SignatureDiscovery {
    package static let cosignAnnotation = "dev.cosignproject.cosign/signature"
    static let cosignCertificateAnnotation = "dev.sigstore.cosign/certificate"
    static let cosignArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json"

    let driver: any StorageDriver
    let repo: RepositoryContents
    let cosignKeyPEM: String?
    /// subject digest -> revisions that name it as `subject`.
    private let bySubject: [Digest: [ManifestRevision]]
    /// signed digest -> (suffix, tag name, tag target) of cosign companion tags.
    private let cosignTags: [Digest: [(suffix: String, tag: String, target: Digest)]]
    /// subject digest -> the fallback tag's index.
    private let fallbackTags: [Digest: (tag: String, target: Digest)]

    init(driver: any StorageDriver, repo: RepositoryContents, cosignKeyPEM: String?) {
        self.driver = driver
        self.repo = repo
        self.cosignKeyPEM = cosignKeyPEM
        var bySubject: [Digest: [ManifestRevision]] = [:]
        for r in repo.revisions { if let s = r.manifest?.subject?.digest { bySubject[s, default: []].append(r) } }
        self.bySubject = bySubject
        var cosign: [Digest: [(String, String, Digest)]] = [:]
        var fallback: [Digest: (String, Digest)] = [:]
        for tag in repo.tags {
            guard let target = tag.current else { continue }
            let (base, suffix) = SignatureDiscovery.split(tag.name)
            guard let signed = SignatureDiscovery.digest(fromTag: base) else { continue }
            if let suffix, ["sig", "att", "sbom"].contains(suffix) {
                cosign[signed, default: []].append((suffix, tag.name, target))
            } else if suffix == nil {
                fallback[signed] = (tag.name, target)
            }
        }
        self.cosignTags = cosign.mapValues { $0.map { (suffix: $0.0, tag: $0.1, target: $0.2) } }
        self.fallbackTags = fallback.mapValues { (tag: $0.0, target: $0.1) }
    }

    /// `sha256-<hex>` back to a digest (the tag form of `sha256:<hex>`).
    static func digest(fromTag base: String) -> Digest? {
        guard let dash = base.firstIndex(of: "-") else { return nil }
        return Digest(base[..<dash] + ":" + base[base.index(after: dash)...])
    }

    private static func split(_ tag: String) -> (String, String?) {
        guard let dot = tag.lastIndex(of: ".") else { return (tag, nil) }
        return (String(tag[..<dot]), String(tag[tag.index(after: dot)...]))
    }

    func discover(_ r: ManifestRevision) async -> ([SignatureStatus], [Referrer]) {
        var signatures: [SignatureStatus] = []
        var referrers: [Referrer] = []
        for companion in cosignTags[r.digest] ?? [] {
            let artifact = repo.revision(companion.target)
            referrers.append(Referrer(digest: companion.target, artifactType: artifact?.manifest?.effectiveArtifactType, via: .cosignTag, tag: companion.tag))
            switch companion.suffix {
            case "sig":
                signatures.append(await cosignSignature(artifact, signed: r.digest, source: "tag \(companion.tag)"))
            case "att":
                let count = artifact?.manifest?.layers.count ?? 0
                signatures.append(SignatureStatus(kind: .cosign, status: .signedUnverified, detail: "cosign attestation (\(count) statement(s)), not verified", source: "tag \(companion.tag)"))
            default:
                break  // an SBOM is an attached artifact, not a signature
            }
        }
        var viaSubject = bySubject[r.digest] ?? []
        if let fallback = fallbackTags[r.digest], let index = repo.revision(fallback.target)?.manifest {
            for child in index.children {
                guard let d = child.digest else { continue }
                referrers.append(Referrer(digest: d, artifactType: child.artifactType, via: .fallbackTag, tag: fallback.tag))
                if let rev = repo.revision(d), !viaSubject.contains(where: { $0.digest == d }) { viaSubject.append(rev) }
            }
        }
        for artifact in viaSubject {
            let type = artifact.manifest?.effectiveArtifactType
            if !referrers.contains(where: { $0.digest == artifact.digest }) {
                referrers.append(Referrer(digest: artifact.digest, artifactType: type, via: .subject, tag: nil))
            }
            switch type {
            case MediaType.notarySignature?:
                signatures.append(SignatureStatus(kind: .notation, status: .signedUnverified, detail: "notation signature \(artifact.digest.short), not verified", source: "referrer \(artifact.digest)"))
            case SignatureDiscovery.cosignArtifactType?:
                signatures.append(await cosignSignature(artifact, signed: r.digest, source: "referrer \(artifact.digest)"))
            case let t? where t.contains("signature"):
                signatures.append(SignatureStatus(kind: .referrer, status: .signedUnverified, detail: "referrer of type \(SafeText.escaping(t)), not verified", source: "referrer \(artifact.digest)"))
            default:
                break
            }
        }
        return (signatures, referrers)
    }

    /// A cosign simple-signing signature manifest: verified when a public key was given, else reported as found.
    private func cosignSignature(_ artifact: ManifestRevision?, signed: Digest, source: String) async -> SignatureStatus {
        guard let m = artifact?.manifest else {
            return SignatureStatus(kind: .cosign, status: .invalid, detail: "cosign signature manifest is missing or unreadable", source: source)
        }
        let layers = m.layers.filter { $0.mediaType == MediaType.cosignSimpleSigning }
        guard !layers.isEmpty else {
            return SignatureStatus(kind: .cosign, status: .signedUnverified, detail: "cosign artifact without simple-signing layers, not verified", source: source)
        }
        guard let key = cosignKeyPEM else {
            let keyless = layers.contains { $0.annotation(SignatureDiscovery.cosignCertificateAnnotation) != nil }
            return SignatureStatus(kind: .cosign, status: .signedUnverified, detail: "\(layers.count) cosign signature(s)\(keyless ? " (keyless, with certificate)" : ""), not verified: pass --key to verify", source: source)
        }
        var failures: [String] = []
        var valid = 0
        for layer in layers {
            guard let d = layer.digest, let signature = layer.annotation(SignatureDiscovery.cosignAnnotation) else {
                failures.append("layer without a signature annotation")
                continue
            }
            let payload: [UInt8]
            do {
                payload = try await driver.withRetries { try await driver.read(StoreLayout.blobData(d), limit: 1 << 20) }
            } catch {
                failures.append("payload \(d.short) unreadable: \(DriverError(error))")
                continue
            }
            if case .failure(let e) = CosignVerifier.verify(payload: payload, base64Signature: signature, publicKeyPEM: key) {
                failures.append("\(d.short): \(e)")
                continue
            }
            switch CosignVerifier.parseSimpleSigningPayload(payload) {
            case .failure(let e):
                failures.append("\(d.short): payload \(e)")
            case .success(let p) where p.dockerManifestDigest != signed:
                failures.append("\(d.short): signs \(p.dockerManifestDigest), not this manifest")
            case .success:
                valid += 1
            }
        }
        if failures.isEmpty {
            return SignatureStatus(kind: .cosign, status: .valid, algorithm: "ECDSA", detail: "\(valid) cosign signature(s) valid for the given key", source: source)
        }
        return SignatureStatus(kind: .cosign, status: .invalid, detail: failures.joined(separator: "; "), source: source)
    }
}
