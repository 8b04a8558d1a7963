import Foundation
import RegistryStorage

/// `drydock verify` output, as text and as the documented JSON.
struct VerifyReport: Encodable {
    struct CheckJSON: Encodable {
        var name: String
        var status: String
        var detail: String
    }

    struct SignatureJSON: Encodable {
        var kind: String
        var status: String
        var keyIds: [String]
        var algorithm: String?
        var detail: String
        var source: String?

        init(_ s: SignatureStatus) {
            kind = s.kind.rawValue
            status = s.status.rawValue
            keyIds = s.keyIDs
            algorithm = s.algorithm
            detail = s.detail
            source = s.source
        }
    }

    struct ReferrerJSON: Encodable {
        var digest: String
        var artifactType: String?
        var via: String
        var tag: String?
    }

    struct ManifestJSON: Encodable {
        var repository: String
        var digest: String
        var mediaType: String?
        var ok: Bool
        var checks: [CheckJSON]
        var signature: SignatureJSON
        var signatures: [SignatureJSON]
        var referrers: [ReferrerJSON]
    }

    struct FindingJSON: Encodable {
        var severity: String
        var kind: String
        var repository: String?
        var message: String
        var path: String?
        var size: Int64?
    }

    struct StoreJSON: Encodable {
        var findings: [FindingJSON]
    }

    struct SummaryJSON: Encodable {
        var manifests: Int
        var ok: Int
        var failed: Int
        var warnings: Int
        var errorFindings: Int
        var warningFindings: Int
        var infoFindings: Int
        var orphanBlobBytes: Int64
        var staleUploadBytes: Int64
        var ok_: Bool

        enum CodingKeys: String, CodingKey {
            case manifests, ok, failed, warnings, errorFindings, warningFindings, infoFindings, orphanBlobBytes, staleUploadBytes
            case ok_ = "passed"
        }
    }

    var manifests: [ManifestJSON]
    var store: StoreJSON
    var summary: SummaryJSON

    private let verifications: [ManifestVerification]
    private let findings: [StoreFinding]

    enum CodingKeys: String, CodingKey { case manifests, store, summary }

    init(manifests verifications: [ManifestVerification], findings: [StoreFinding]) {
        self.verifications = verifications
        self.findings = findings
        manifests = verifications.map { v in
            ManifestJSON(
                repository: v.repository, digest: v.digest.description, mediaType: v.mediaType, ok: v.ok,
                checks: v.checks.map { CheckJSON(name: $0.name.rawValue, status: $0.status.rawValue, detail: $0.detail) },
                signature: SignatureJSON(v.signature), signatures: v.signatures.map(SignatureJSON.init),
                referrers: v.referrers.map { ReferrerJSON(digest: $0.digest.description, artifactType: $0.artifactType, via: $0.via.rawValue, tag: $0.tag) })
        }
        store = StoreJSON(findings: findings.map {
            FindingJSON(severity: $0.severity.rawValue, kind: $0.kind.rawValue, repository: $0.repository, message: $0.message, path: $0.path?.description, size: $0.size)
        })
        let failed = verifications.filter { !$0.ok }.count
        let errors = findings.filter { $0.severity == .error }.count
        summary = SummaryJSON(
            manifests: verifications.count, ok: verifications.count - failed, failed: failed,
            warnings: verifications.filter { $0.ok && $0.worst == .warning }.count,
            errorFindings: errors, warningFindings: findings.filter { $0.severity == .warning }.count,
            infoFindings: findings.filter { $0.severity == .info }.count,
            orphanBlobBytes: findings.bytes(of: .orphanBlob),
            staleUploadBytes: findings.bytes(of: .staleUpload),
            ok_: failed == 0 && errors == 0)
    }

    var ok: Bool { summary.ok_ }

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text() -> String {
        var lines: [String] = []
        for v in verifications {
            let mark = v.ok ? (v.worst == .warning ? "!" : "✓") : "✗"
            let format = v.mediaType.map { ManifestFormat(mediaType: $0)?.shortName ?? $0 } ?? "unreadable"
            lines.append("\(mark) \(SafeText.escaping(v.repository))@\(v.digest)  \(format)  \(v.signature.status.mark)")
            for c in v.checks where c.status == .fail || c.status == .warning {
                lines.append("    \(c.status.mark) \(c.name.rawValue): \(c.detail)")
            }
            if v.signature.status == .invalid { lines.append("    ✗ signature (\(v.signature.kind.rawValue)): \(v.signature.detail)") }
        }
        if !findings.isEmpty { lines.append("Store findings:") }
        for f in findings.sorted(by: { $0.severity > $1.severity }) {
            let size = f.size.map { " (\(ByteCount.format($0)))" } ?? ""
            let repo = f.repository.map { "\(SafeText.escaping($0)): " } ?? ""
            lines.append("  \(f.severity.rawValue) \(f.kind.rawValue): \(repo)\(f.message)\(size)")
        }
        let s = summary
        // Errors are counted per repository as `ls` counts them (its PROBLEMS column): a failed manifest check is an
        // error of that repository, not only a failed manifest, so "0 errors" never stands beside an `ls` error.
        var errorsByRepository: [String: Int] = [:]
        for v in verifications { errorsByRepository[v.repository, default: 0] += v.checks.filter { $0.status == .fail }.count }
        for f in findings where f.severity == .error { errorsByRepository[f.repository ?? "(store)", default: 0] += 1 }
        let failing = errorsByRepository.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        let errors = failing.reduce(0) { $0 + $1.value }
        if !failing.isEmpty {
            lines.append("Errors by repository: " + failing.map { "\(SafeText.escaping($0.key)) \($0.value)" }.joined(separator: ", "))
        }
        lines.append(
            "\(s.manifests) manifests: \(s.ok) ok (\(s.warnings) with warnings), \(s.failed) failed; \(errors) error\(errors == 1 ? "" : "s") in \(failing.count) repositor\(failing.count == 1 ? "y" : "ies");"
                + " store findings: \(s.errorFindings) errors, \(s.warningFindings) warnings, \(s.infoFindings) info"
                + " (orphan blobs \(ByteCount.format(s.orphanBlobBytes)), stale uploads \(ByteCount.format(s.staleUploadBytes)))")
        return lines.joined(separator: "\n")
    }
}

extension ManifestFormat {
    init?(mediaType: String) {
        guard let f = ManifestFormat.allCases.first(where: { $0.mediaType == mediaType }) else { return nil }
        self = f
    }
}
