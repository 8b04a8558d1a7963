import RegistryStorage

/// `drydock gc` output. The JSON document is written by `FoundationJSONWriter`, byte for byte what `JSONEncoder`
/// (pretty-printed, keys sorted, slashes unescaped) made of the report's fields before: keys blobs,
/// blobsKeptAgainstRegistry, blockers, bytes, deleteUntagged, dryRun, journal (real runs), keptAgainstRegistry,
/// layerLinks, manifests ({digest, repository}), marked, notes. `GCJSONOracleTests` re-encodes it to check.
enum GCReport {
    /// A manifest or layer link by repository and digest (`OnlineGCReport` encodes these).
    struct Ref: Encodable {
        var repository: String
        var digest: String
    }

    /// The document with its final line feed; digests are written from their words (a plan lists tens of thousands).
    static func json(_ plan: GCPlan, dryRun: Bool, journal: String?) -> [UInt8] {
        var w = FoundationJSONWriter()
        func refs(_ list: [(repository: String, digest: Digest)]) {
            w.beginArray()
            for r in list {
                w.beginObject()
                w.key("digest")
                w.digest(r.digest)
                w.key("repository")
                w.string(r.repository)
                w.endObject()
            }
            w.endArray()
        }
        w.beginObject()
        w.key("blobs")
        w.digests(plan.blobs.lazy.map(\.digest))
        w.key("blobsKeptAgainstRegistry")
        w.digests(plan.blobsKeptAgainstRegistry)
        w.key("blockers")
        w.strings(plan.blockers)
        w.key("bytes")
        w.int(plan.bytes)
        w.key("deleteUntagged")
        w.bool(plan.deleteUntagged)
        w.key("dryRun")
        w.bool(dryRun)
        if let journal {
            w.key("journal")
            w.string(journal)
        }
        w.key("keptAgainstRegistry")
        refs(plan.keptAgainstRegistry.map { ($0.repository, $0.digest) })
        w.key("layerLinks")
        refs(plan.layerLinks.map { ($0.repository, $0.digest) })
        w.key("manifests")
        refs(plan.manifests.map { ($0.repository, $0.digest) })
        w.key("marked")
        w.int(Int64(plan.markedCount))
        w.key("notes")
        w.strings(plan.notes)
        w.endObject()
        return w.bytes + [0x0A]
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
