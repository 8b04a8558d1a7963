import Foundation

/// What an online collection would quarantine and unlink: the offline plan (`GarbageCollector.plan`, the mark at T0)
/// less everything written within the grace window, and less everything a young manifest needs.
public struct OnlineGCPlan: Sendable, Equatable {
    /// One untagged manifest of one repository (`repository@digest`).
    public struct ManifestKey: Hashable, Sendable, Comparable {
        public var repository: String
        public var digest: Digest

        public static func < (a: ManifestKey, b: ManifestKey) -> Bool { (a.repository, a.digest) < (b.repository, b.digest) }
    }

    /// T0: the mark's time. The re-scan looks for anything written since.
    public internal(set) var started: Date
    /// The candidates: `blobs` to quarantine, `manifests` to unlink, `layerLinks` of quarantined blobs to remove.
    public internal(set) var gc: GCPlan
    /// Unmarked blobs left alone because their data is younger than the grace (or its age is unknown).
    public internal(set) var youngBlobs: Int = 0
    /// Untagged manifests left alone because their revision link is younger than the grace, with what they need.
    public internal(set) var youngManifests: Int = 0
    /// What each candidate manifest references (config, layers, children): restored with it if it is restored.
    public internal(set) var manifestReferences: [ManifestKey: [Digest]] = [:]
    /// The candidate manifests whose `subject` is a given manifest of the same repository (signatures, SBOMs): a
    /// manifest restored because something needs it again brings these back too, as the offline mark keeps the
    /// referrers of what it keeps.
    public internal(set) var referrers: [ManifestKey: [Digest]] = [:]
    /// Every repository, for the cache purge (the registry keeps per-repository descriptor keys).
    public internal(set) var repositories: [String] = []

    public var isEmpty: Bool { gc.isEmpty }
}

extension OnlineGCPlan {
    /// Narrows the offline plan to what the grace allows. `age(path)` is the seconds since a file was written, nil
    /// when unknown (then the file counts as young: an online run never guesses in the unsafe direction).
    static func make(
        from plan: GCPlan, facts: [RepositoryGCFacts], started: Date, grace: Double,
        age: (StoragePath) async -> Double?
    ) async -> OnlineGCPlan {
        var out = OnlineGCPlan(started: started, gc: plan)
        out.repositories = facts.map(\.name).sorted()
        let byName = Dictionary(facts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func young(_ p: StoragePath) async -> Bool { (await age(p)).map { $0 < grace } ?? true }

        // Untagged manifests: young ones stay, and so does everything they keep alive (their children, transitively,
        // and their referrers), so a multi-arch push that has linked its children but not yet tagged its index loses
        // nothing.
        let candidates = Set(plan.manifests.map { ManifestKey(repository: $0.repository, digest: $0.digest) })
        var kept = Set<ManifestKey>()
        for m in plan.manifests where await young(StoreLayout.revisionLink(m.repositoryPath, m.digest)) {
            kept.insert(ManifestKey(repository: m.repository, digest: m.digest))
        }
        out.youngManifests = kept.count
        var changed = !kept.isEmpty
        while changed {
            changed = false
            for key in candidates where !kept.contains(key) {
                guard let r = byName[key.repository]?.revision(key.digest) else { continue }
                let keptByParent = facts.first { $0.name == key.repository }?.revisions.contains { parent in
                    kept.contains(ManifestKey(repository: key.repository, digest: parent.digest)) && parent.children.contains(key.digest)
                } ?? false
                let keptSubject = r.subject.map { kept.contains(ManifestKey(repository: key.repository, digest: $0)) } ?? false
                if keptByParent || keptSubject {
                    kept.insert(key)
                    changed = true
                }
            }
        }
        var keptBlobs = Set<Digest>()
        for key in kept {
            keptBlobs.insert(key.digest)
            if let r = byName[key.repository]?.revision(key.digest) {
                keptBlobs.formUnion(r.references)
                keptBlobs.formUnion(r.signatureLinks)
            }
        }
        out.gc.manifests = plan.manifests.filter { !kept.contains(ManifestKey(repository: $0.repository, digest: $0.digest)) }
        for m in out.gc.manifests {
            let key = ManifestKey(repository: m.repository, digest: m.digest)
            guard let r = byName[m.repository]?.revision(m.digest) else { continue }
            out.manifestReferences[key] = r.references + r.signatureLinks
            if let subject = r.subject { out.referrers[ManifestKey(repository: m.repository, digest: subject), default: []].append(m.digest) }
        }

        var blobs: [GCPlan.Blob] = []
        for b in plan.blobs where !keptBlobs.contains(b.digest) {
            if await young(StoreLayout.blobData(b.digest)) {
                out.youngBlobs += 1
            } else {
                blobs.append(b)
            }
        }
        out.gc.blobs = blobs
        out.gc.bytes = blobs.lazy.map { $0.size ?? 0 }.saturatingSum()
        let quarantined = Set(blobs.map(\.digest))
        out.gc.layerLinks = plan.layerLinks.filter { quarantined.contains($0.digest) }
        return out
    }
}
