import RegistryStorage

/// `drydock rm` output.
struct RemoveReport: Encodable {
    struct RemovalJSON: Encodable {
        var repository: String
        var kind: String
        var path: String
        var reason: String
    }

    struct TagJSON: Encodable {
        var repository: String
        var tag: String
        var digest: String?
    }

    struct ManifestJSON: Encodable {
        var repository: String
        var digest: String
    }

    struct BrokenPullJSON: Encodable {
        var repository: String
        var manifest: String
        var index: String
        var platform: String?
        var tags: [String]
    }

    var dryRun: Bool
    var executed: Bool
    var refusal: String?
    var journal: String?
    var removals: [RemovalJSON] = []
    var lostTags: [TagJSON] = []
    var untaggedManifests: [ManifestJSON] = []
    var orphanedChildren: [ManifestJSON] = []
    /// Tags that would stop pulling (index children removed while the index stays): refused without --force.
    var brokenPulls: [BrokenPullJSON] = []
    var warnings: [String] = []
    var reclaimableBytes: Int64 = 0
    var reclaimableBytesDeletingUntagged: Int64 = 0
    var reclaimableBlobs: [String] = []

    init(plan: DeletePlan?, refusal: String?, dryRun: Bool) {
        self.dryRun = dryRun
        self.executed = !dryRun && refusal == nil && plan != nil
        self.refusal = refusal
        guard let plan else { return }
        removals = plan.removals.map { RemovalJSON(repository: $0.repository, kind: Self.kind($0.kind), path: $0.path.description, reason: $0.reason) }
        lostTags = plan.lostTags.map { TagJSON(repository: $0.repository, tag: $0.tag, digest: $0.digest?.description) }
        untaggedManifests = plan.untaggedManifests.map { ManifestJSON(repository: $0.repository, digest: $0.digest.description) }
        orphanedChildren = plan.orphanedChildren.map { ManifestJSON(repository: $0.repository, digest: $0.digest.description) }
        brokenPulls = plan.brokenPulls.map {
            BrokenPullJSON(repository: $0.repository, manifest: $0.manifest.description, index: $0.index.description, platform: $0.platform, tags: $0.tags)
        }
        warnings = plan.warnings
        reclaimableBytes = plan.reclaimableBytes
        reclaimableBytesDeletingUntagged = plan.reclaimableBytesDeletingUntagged
        reclaimableBlobs = plan.reclaimableBlobs.map(\.description)
    }

    static func kind(_ k: DeletePlan.Removal.Kind) -> String {
        switch k {
        case .tag: "tag"
        case .revisionLink: "manifest-link"
        case .layerLink: "layer-link"
        case .repositoryData: "repository-data"
        case .repositoryFolder: "repository"
        case .upload: "upload"
        }
    }

    static func text(_ plan: DeletePlan, dryRun: Bool, force: Bool = false) -> String {
        var lines = ["\(dryRun ? "Dry run, nothing is changed. " : "")Plan: " + plan.targets.map(\.description).joined(separator: "; ")]
        if plan.breaksPulls {
            lines.append("BREAKS PULLS: these kept tags would stop pulling for the platform shown (the index still lists the deleted child):")
            for b in plan.brokenPulls {
                lines.append("  \(b.description): child \(b.manifest) of index \(b.index.short)")
            }
            lines.append(force ? "--force given: the delete runs anyway." : "Refused without --force (delete or untag the index instead).")
        }
        lines.append("Removes:")
        for r in plan.removals { lines.append("  \(SafeText.escaping(r.path.description))  (\(r.reason))") }
        if !plan.lostTags.isEmpty {
            lines.append("Tags that lose their target:")
            for t in plan.lostTags {
                lines.append("  \(SafeText.escaping(t.repository)):\(SafeText.escaping(t.tag))\(t.digest.map { " (was \($0))" } ?? "")")
            }
        }
        if !plan.untaggedManifests.isEmpty {
            lines.append("Manifests nothing reaches any more (gc --delete-untagged would remove them):")
            for m in plan.untaggedManifests { lines.append("  \(SafeText.escaping(m.repository))@\(m.digest)") }
        }
        if !plan.orphanedChildren.isEmpty {
            lines.append("Index children left behind, referenced by nothing (--delete-children deletes them too):")
            for m in plan.orphanedChildren { lines.append("  \(SafeText.escaping(m.repository))@\(m.digest)") }
        }
        for w in plan.warnings { lines.append("warning: \(w)") }
        lines.append(
            "Garbage collection would then free \(ByteCount.format(plan.reclaimableBytes)) (\(plan.reclaimableBlobs.count) blob(s)); "
                + "with --delete-untagged \(ByteCount.format(plan.reclaimableBytesDeletingUntagged)).")
        if dryRun, let refusal = plan.refusal { lines.append("note: a real run would be refused: \(refusal)") }
        return lines.joined(separator: "\n")
    }
}
