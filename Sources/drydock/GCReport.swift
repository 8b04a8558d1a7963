import RegistryStorage

/// `drydock gc` output. JSON keys: blobs, manifests [{repository, digest}], layerLinks, bytes, marked, ...
struct GCReport: Encodable {
    struct Ref: Encodable {
        var repository: String
        var digest: String
    }

    var dryRun: Bool
    var deleteUntagged: Bool
    var marked: Int
    var blobs: [String]
    var manifests: [Ref]
    var layerLinks: [Ref]
    var bytes: Int64
    var keptAgainstRegistry: [Ref]
    var blobsKeptAgainstRegistry: [String]
    var blockers: [String]
    var notes: [String]
    var journal: String?

    init(_ plan: GCPlan, dryRun: Bool, journal: String?) {
        self.dryRun = dryRun
        deleteUntagged = plan.deleteUntagged
        marked = plan.markedCount
        blobs = plan.blobs.map(\.digest.description)
        manifests = plan.manifests.map { Ref(repository: $0.repository, digest: $0.digest.description) }
        layerLinks = plan.layerLinks.map { Ref(repository: $0.repository, digest: $0.digest.description) }
        bytes = plan.bytes
        keptAgainstRegistry = plan.keptAgainstRegistry.map { Ref(repository: $0.repository, digest: $0.digest.description) }
        blobsKeptAgainstRegistry = plan.blobsKeptAgainstRegistry.map(\.description)
        blockers = plan.blockers
        notes = plan.notes
        self.journal = journal
    }

    static func text(_ plan: GCPlan, dryRun: Bool) -> String {
        var lines: [String] = []
        for m in plan.manifests { lines.append("manifest eligible for deletion: \(SafeText.escaping(m.repository))@\(m.digest)") }
        for b in plan.blobs { lines.append("blob eligible for deletion: \(b.digest)\(b.size.map { " (\(ByteCount.format($0)))" } ?? "")") }
        for l in plan.layerLinks { lines.append("layer link eligible for deletion: \(SafeText.escaping(l.repository)) \(l.digest)") }
        for k in plan.keptAgainstRegistry {
            lines.append("kept (registry 2.8.2 would delete it): \(SafeText.escaping(k.repository))@\(k.digest)")
        }
        lines.append("")
        lines.append(
            "\(plan.markedCount) blobs marked, \(plan.blobs.count) blobs and \(plan.manifests.count) manifests eligible for deletion, "
                + "\(plan.layerLinks.count) layer links; \(dryRun ? "would free" : "frees") \(ByteCount.format(plan.bytes)) (\(plan.bytes) bytes)")
        for n in plan.notes { lines.append("note: \(n)") }
        for b in plan.blockers { lines.append("blocked: \(b)") }
        return lines.joined(separator: "\n")
    }
}
