import Foundation
import RegistryStorage

/// How values from the store are shown. Everything that came from the store passes through `safe`.
enum Format {
    static func safe(_ s: String) -> String { SafeText.escaping(s) }

    static func size(_ bytes: Int64?) -> String { bytes.map(ByteCount.format) ?? "-" }

    /// `2024-01-02 03:04` from an RFC 3339 time as written in the config.
    static func created(_ s: String?) -> String {
        guard let s, !s.isEmpty else { return "-" }
        return safe(String(s.prefix(16)).replacingOccurrences(of: "T", with: " "))
    }

    static func digestShort(_ d: Digest?) -> String { d.map(\.short) ?? "-" }

    static func platform(_ c: ImageConfig?) -> String? {
        guard let c, c.os != nil || c.architecture != nil else { return nil }
        return safe(Platform(architecture: c.architecture, os: c.os, variant: c.variant).description)
    }

    /// The platform(s) of a manifest: its config's, or an index's children's.
    static func platforms(_ rev: ManifestRevision?) -> String {
        guard let rev else { return "-" }
        if let m = rev.manifest, m.format.isIndex {
            let ps = m.children.compactMap { $0.platform.map { safe($0.description) } }
            return ps.isEmpty ? "-" : ps.joined(separator: ",")
        }
        return platform(rev.config) ?? "-"
    }

    /// A short name for a media type: the manifest format's, a friendly one for common blobs, else the type without
    /// its `application/vnd.` prefix.
    static func mediaType(_ t: String?) -> String {
        guard let t else { return "-" }
        if let f = ManifestFormat.allCases.first(where: { $0.mediaType == t }) { return f.shortName }
        switch t {
        case MediaType.dockerConfig: return "docker config"
        case MediaType.ociConfig: return "oci config"
        case MediaType.ociEmpty: return "oci empty"
        case MediaType.dockerLayer: return "docker layer (gzip)"
        case MediaType.dockerForeignLayer: return "docker foreign layer"
        case MediaType.schema1Layer: return "v1 layer (tar)"
        case "application/vnd.oci.image.layer.v1.tar+gzip": return "oci layer (gzip)"
        case "application/vnd.oci.image.layer.v1.tar+zstd": return "oci layer (zstd)"
        case "application/vnd.oci.image.layer.v1.tar": return "oci layer (tar)"
        default: break
        }
        for prefix in ["application/vnd.", "application/"] where t.hasPrefix(prefix) {
            return safe(String(t.dropFirst(prefix.count)))
        }
        return safe(t)
    }

    /// "3 (1 untagged)"
    static func manifestCount(_ total: Int, untagged: Int) -> String {
        untagged > 0 ? "\(total) (\(untagged) untagged)" : "\(total)"
    }

    static func plural(_ n: Int, _ word: String) -> String {
        guard n != 1 else { return "\(n) \(word)" }
        if word.hasSuffix("y"), let before = word.dropLast().last, !"aeiou".contains(before) {
            return "\(n) \(word.dropLast())ies"
        }
        return "\(n) \(word)s"
    }
}

/// Verification and signature marks: text first (✓ ! ✗ ·), colour second.
enum Marks {
    static func role(_ status: CheckStatus) -> ColorRole {
        switch status {
        case .pass: .ok
        case .notApplicable: .muted
        case .warning: .warning
        case .fail: .error
        }
    }

    /// The overall status of one manifest: its worst check, or a failure when a signature is invalid.
    static func status(_ v: ManifestVerification) -> CheckStatus {
        v.signature.status == .invalid ? .fail : v.worst
    }

    static func verify(_ state: AppState, _ repo: String, _ digest: Digest?) -> StyledText {
        guard let digest else { return .role("-", .muted) }
        if let v = state.verification(repo, digest) {
            let s = status(v)
            return StyledText(s.mark, .role(role(s)))
        }
        return state.verification.done.contains(repo) ? .role("-", .muted) : .role("…", .muted)
    }

    /// The status as a word the filter finds (`/failed`): `ok`, `warning`, `failed`; nil before verification.
    static func word(_ state: AppState, _ repo: String, _ digest: Digest?) -> String? {
        guard let digest, let v = state.verification(repo, digest) else { return nil }
        return word(status(v))
    }

    static func word(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "ok"
        case .notApplicable: "n/a"
        case .warning: "warning"
        case .fail: "failed"
        }
    }

    static func signature(_ state: AppState, _ repo: String, _ digest: Digest?) -> StyledText {
        guard let digest else { return .role("-", .muted) }
        guard let v = state.verification(repo, digest) else {
            return state.verification.done.contains(repo) ? .role("-", .muted) : .role("…", .muted)
        }
        let role: ColorRole =
            switch v.signature.status {
            case .valid: .ok
            case .invalid: .error
            case .signedUnverified: .warning
            case .stripped, .unsigned: .muted
            }
        return StyledText(signatureWord(v.signature.status, keyGiven: state.verificationKeyGiven), .role(role))
    }

    /// The SIGNED column: the core's mark, except "signed ?", which says why it is not verified.
    static func signatureWord(_ status: SignatureState, keyGiven: Bool) -> String {
        guard status == .signedUnverified else { return status.mark }
        return keyGiven ? "signed, unverified" : "signed, no key"
    }

    /// The detail screen's headline for a signature that is there but not verified.
    static func unverifiedSignature(keyGiven: Bool) -> String {
        keyGiven
            ? "signed, not verified: the key given does not verify this kind of signature"
            : "signed, not verified: no key given (drydock STORE --key PEM verifies cosign signatures)"
    }

    /// A repository's worst status over its manifests' verification and the problems found reading it.
    static func repository(_ state: AppState, _ name: String) -> StyledText {
        guard let summary = state.summaries[name] else { return .role("…", .muted) }
        var worst: CheckStatus?
        switch summary.worstProblem {
        case .error?: worst = .fail
        case .warning?: worst = .warning
        default: break
        }
        let revisions = state.repositories[name]?.revisions ?? []
        if let v = revisions.compactMap({ state.verification(name, $0.digest).map(status) }).max() {
            worst = max(worst ?? v, v)
        }
        let verified = state.verification.done.contains(name)
        guard let status = worst else {
            return verified ? .role("· n/a", .muted) : .role("… checking", .muted)
        }
        let word = word(status)
        let suffix = verified || status == .fail ? "" : " …"
        return StyledText("\(status.mark) \(word)\(suffix)", .role(role(status)))
    }
}
