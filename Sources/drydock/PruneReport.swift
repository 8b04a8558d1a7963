import Foundation
import RegistryStorage

/// `drydock prune` output: the plan per repository, the bytes a following gc frees, and what was done.
struct PruneReport: Encodable {
    struct KeptJSON: Encodable {
        var tag: String
        var digest: String
        var pushed: Date?
        var reason: String
    }

    struct RemovedJSON: Encodable {
        var tag: String
        var digest: String
        var pushed: Date?
    }

    struct RepositoryJSON: Encodable {
        var name: String
        var order: String
        var keep: [KeptJSON]
        var remove: [RemovedJSON]
        /// Signature tags of removed manifests, which go with them.
        var removeSignatureTags: [RemovedJSON]
        var manifests: [String]
    }

    var repositories: [RepositoryJSON]
    /// What a plain `drydock gc` frees once the prune ran (shared blobs counted once).
    var bytes: Int64
    /// The same for `drydock gc --delete-untagged`.
    var bytesDeletingUntagged: Int64
    var tagsInScope: Int
    var tagsRemoved: Int
    var manifestsRemoved: Int
    var untagged: Bool
    var dryRun: Bool
    var executed = false
    var refusal: String?
    var journal: String?
    var gc: String?
    var warnings: [String]

    init(plan: RetentionPlan, deletePlan: DeletePlan?, dryRun: Bool) {
        repositories = plan.repositories.map { r in
            RepositoryJSON(
                name: r.name, order: r.order.rawValue,
                keep: r.keep.map { KeptJSON(tag: $0.tag, digest: $0.digest.description, pushed: $0.pushed, reason: $0.reason ?? "") },
                remove: r.remove.map { RemovedJSON(tag: $0.tag, digest: $0.digest.description, pushed: $0.pushed) },
                removeSignatureTags: r.removeSignatureTags.map { RemovedJSON(tag: $0.tag, digest: $0.digest.description, pushed: $0.pushed) },
                manifests: r.manifests.map(\.description))
        }
        bytes = deletePlan?.reclaimableBytes ?? 0
        bytesDeletingUntagged = deletePlan?.reclaimableBytesDeletingUntagged ?? 0
        tagsInScope = plan.candidateCount
        tagsRemoved = plan.removedTagCount
        manifestsRemoved = plan.removedManifestCount
        untagged = plan.untagged
        self.dryRun = dryRun
        warnings = plan.warnings + (deletePlan?.warnings ?? [])
    }

    static func text(_ plan: RetentionPlan, deletePlan: DeletePlan?, dryRun: Bool) -> String {
        var lines = [dryRun ? "Prune plan (nothing is changed):" : "Prune plan:"]
        let e = SafeText.escaping
        for r in plan.repositories {
            lines.append("\(e(r.name))  (order: \(r.order.rawValue); \(r.keep.count) kept, \(r.remove.count) removed of \(r.candidateCount) candidates)")
            for k in r.keep { lines.append("  keep    \(e(k.tag))  \(k.digest.short)  \(pushed(k.pushed))  \(k.reason ?? "")") }
            for t in r.remove { lines.append("  remove  \(e(t.tag))  \(t.digest.short)  \(pushed(t.pushed))") }
            for t in r.removeSignatureTags { lines.append("  remove  \(e(t.tag))  \(t.digest.short)  \(t.reason ?? "")") }
            for d in r.manifests { lines.append("  remove  manifest \(d)") }
        }
        for w in plan.warnings + (deletePlan?.warnings ?? []) { lines.append("warning: \(w)") }
        lines.append(
            "Removes \(plan.removedTagCount) of \(plan.candidateCount) tag(s) in scope in \(plan.repositories.count) repository(ies)"
                + (plan.untagged ? ", and \(plan.removedManifestCount) manifest(s) nothing reaches any more." : "."))
        if let deletePlan {
            lines.append(
                "Garbage collection would then free \(ByteCount.format(deletePlan.reclaimableBytes)) (\(deletePlan.reclaimableBlobs.count) blob(s))"
                    + (plan.untagged ? "." : "; with --delete-untagged \(ByteCount.format(deletePlan.reclaimableBytesDeletingUntagged))."))
        }
        return lines.joined(separator: "\n")
    }

    private static func pushed(_ date: Date?) -> String {
        guard let date else { return "pushed ?" }
        return "pushed " + ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
    }
}
