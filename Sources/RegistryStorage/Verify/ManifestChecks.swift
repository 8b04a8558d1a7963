/// The push-time checks of registry 2.8.2 (storage-format §5) and the browser-only ones, run on what a repository
/// stores.
/// Pure: everything comes from the loaded `RepositoryContents`; nothing is read here.
public struct ManifestChecks: Sendable {
    public let repo: RepositoryContents
    /// Digests linked in `_layers` whose link is readable (the registry's "exists in this repository" for blobs).
    private let linked: Set<Digest>

    public init(repo: RepositoryContents) {
        self.repo = repo
        self.linked = Set(repo.layerLinks.filter { $0.target != nil }.map(\.digest))
    }

    public func run(_ r: ManifestRevision, skipLayers: Bool) -> [CheckResult] {
        var out = [contentDigest(r), format(r)]
        guard let m = r.manifest else {
            out += [CheckName.repositoryName, .historyLength, .referencedBlobs, .children, .sizes].map {
                CheckResult($0, .notApplicable, "manifest could not be read")
            }
            return out
        }
        out.append(repositoryName(m))
        out.append(historyLength(m))
        out.append(skipLayers ? CheckResult(.referencedBlobs, .notApplicable, "skipped (--skip-layers)") : referencedBlobs(m))
        out.append(children(m))
        out.append(sizes(m))
        return out
    }

    func contentDigest(_ r: ManifestRevision) -> CheckResult {
        guard let computed = r.contentDigest else {
            return CheckResult(.contentDigest, .fail, "stored manifest could not be read: \(blobText(r.blob))")
        }
        if computed == r.digest {
            let what = r.manifest?.schema1 != nil ? "sha256 of the payload" : "sha256 of the stored bytes"
            return CheckResult(.contentDigest, .pass, "\(what) matches")
        }
        return CheckResult(.contentDigest, .fail, "stored content hashes to \(computed), not \(r.digest)")
    }

    func format(_ r: ManifestRevision) -> CheckResult {
        if let m = r.manifest {
            return CheckResult(.format, .pass, m.format.mediaType)
        }
        let why = r.problems.first { [.manifestUnparsable, .manifestUnknownType, .manifestTooLarge].contains($0.code) }
        if let why { return CheckResult(.format, .fail, why.message) }
        return CheckResult(.format, .notApplicable, "manifest blob not readable: \(blobText(r.blob))")
    }

    func repositoryName(_ m: Manifest) -> CheckResult {
        guard let s1 = m.schema1 else { return CheckResult(.repositoryName, .notApplicable, "only schema1 names its repository") }
        if s1.name == repo.name { return CheckResult(.repositoryName, .pass, "name matches the repository") }
        return CheckResult(
            .repositoryName, .warning,
            "manifest name \"\(SafeText.escaping(s1.name))\" is not the repository \"\(SafeText.escaping(repo.name))\": the 2015 registry refused this on push; 2.8.2 no longer checks it")
    }

    func historyLength(_ m: Manifest) -> CheckResult {
        guard let s1 = m.schema1 else { return CheckResult(.historyLength, .notApplicable, "only schema1 has history entries") }
        if s1.historyCount == s1.fsLayers.count {
            return CheckResult(.historyLength, .pass, "\(s1.fsLayers.count) layers, \(s1.historyCount) history entries")
        }
        return CheckResult(.historyLength, .fail, "mismatched history and fslayer cardinality (\(s1.historyCount) vs \(s1.fsLayers.count))")
    }

    /// 2.8.2's rules per reference: foreign/URL-bearing layers are not looked up; manifest-typed references must be
    /// manifests here; everything else must be linked in `_layers` with data present.
    func referencedBlobs(_ m: Manifest) -> CheckResult {
        guard !m.format.isIndex else { return CheckResult(.referencedBlobs, .notApplicable, "an index references manifests, not blobs") }
        var failures: [String] = []
        var notes: [String] = []
        var checked = 0
        for ref in m.references {
            guard let d = ref.digest else {
                failures.append("\"\(SafeText.escaping(ref.digestText))\" is not a valid digest")
                continue
            }
            if !ref.urls.isEmpty {
                notes.append("\(d.short) has URLs (foreign layer): not looked up, as the registry does not")
                continue
            }
            checked += 1
            if let t = ref.mediaType, MediaType.manifestTypes.contains(t), repo.revision(d) == nil {
                failures.append("\(d) is typed as a manifest but is not stored in this repository")
                continue
            }
            if !linked.contains(d) {
                failures.append("\(d) is not linked in _layers")
            } else if let state = repo.blobStates[d], !state.isPresent {
                failures.append("\(d) is linked but its data is \(blobText(state))")
            }
        }
        if !failures.isEmpty {
            return CheckResult(.referencedBlobs, .fail, failures.joined(separator: "; "))
        }
        let detail = "all \(checked) referenced blobs linked and present" + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
        return CheckResult(.referencedBlobs, notes.isEmpty ? .pass : .warning, detail)
    }

    func children(_ m: Manifest) -> CheckResult {
        guard m.format.isIndex else { return CheckResult(.children, .notApplicable, "not an index") }
        var missing: [String] = []
        for child in m.children {
            guard let d = child.digest else {
                missing.append("\"\(SafeText.escaping(child.digestText))\" is not a valid digest")
                continue
            }
            guard let rev = repo.revision(d) else {
                missing.append("\(d) (\(child.platform?.description ?? "no platform")) is not a manifest in this repository")
                continue
            }
            if !rev.blob.isPresent { missing.append("\(d) is linked but its data is \(blobText(rev.blob))") }
        }
        if missing.isEmpty { return CheckResult(.children, .pass, "all \(m.children.count) child manifests present") }
        return CheckResult(.children, .fail, missing.joined(separator: "; "))
    }

    func sizes(_ m: Manifest) -> CheckResult {
        let described = (m.format.isIndex ? m.children : m.references).filter { $0.size != nil && $0.digest != nil }
        guard !described.isEmpty else {
            return CheckResult(.sizes, .notApplicable, m.schema1 != nil ? "schema1 does not record sizes" : "no sized references")
        }
        var wrong: [String] = []
        var compared = 0
        for ref in described {
            guard let d = ref.digest, let declared = ref.size else { continue }
            if declared < 0 {
                wrong.append("\(d.short) declares a negative size \(declared)")
                continue
            }
            guard let stored = repo.blobStates[d]?.size ?? repo.revision(d)?.blob.size else { continue }
            compared += 1
            if stored != declared { wrong.append("\(d.short) declares \(declared) bytes, stores \(stored)") }
        }
        if !wrong.isEmpty { return CheckResult(.sizes, .fail, wrong.joined(separator: "; ")) }
        if compared == 0 { return CheckResult(.sizes, .notApplicable, "no referenced data present to compare") }
        return CheckResult(.sizes, .pass, "\(compared) sizes match the stored data")
    }

    private func blobText(_ state: BlobState) -> String {
        switch state {
        case .present: "present"
        case .missing: "missing"
        case .notRegular(let kind): "a \(kind)"
        case .unreadable(let why): "unreadable (\(SafeText.escaping(why)))"
        }
    }
}
