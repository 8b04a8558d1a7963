import Crypto
import _CryptoExtras
import Foundation

public enum CosignVerifier {
    public static let simpleSigningType = "cosign container image signature"

    /// Verifies the standard-base64 `signature` annotation over the layer blob. ECDSA P-256 with
    /// SHA-256; P-384 with SHA-384 (or SHA-256, which older cosign used for every curve); RSA
    /// PKCS#1 v1.5 with SHA-256. Signatures may be ASN.1 DER (what cosign writes) or raw r‖s.
    public static func verify(payload: [UInt8], base64Signature: String, publicKeyPEM: String) -> Result<Void, CosignError> {
        let trimmed = base64Signature.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let signature = Base64URL.decodeStandard(trimmed), !signature.isEmpty else { return .failure(.invalidBase64) }
        let pem = publicKeyPEM.trimmingCharacters(in: .whitespacesAndNewlines)
        if let key = try? P256.Signing.PublicKey(pemRepresentation: pem) {
            let sig = (try? P256.Signing.ECDSASignature(derRepresentation: signature))
                ?? (signature.count == 64 ? try? P256.Signing.ECDSASignature(rawRepresentation: signature) : nil)
            guard let sig else { return .failure(.malformedSignature) }
            return key.isValidSignature(sig, for: payload) ? .success(()) : .failure(.invalidSignature)
        }
        if let key = try? P384.Signing.PublicKey(pemRepresentation: pem) {
            let sig = (try? P384.Signing.ECDSASignature(derRepresentation: signature))
                ?? (signature.count == 96 ? try? P384.Signing.ECDSASignature(rawRepresentation: signature) : nil)
            guard let sig else { return .failure(.malformedSignature) }
            let ok = key.isValidSignature(sig, for: SHA384.hash(data: payload))
                || key.isValidSignature(sig, for: SHA256.hash(data: payload))
            return ok ? .success(()) : .failure(.invalidSignature)
        }
        if let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) {
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let ok = key.isValidSignature(sig, for: SHA256.hash(data: payload), padding: .insecurePKCS1v1_5)
            return ok ? .success(()) : .failure(.invalidSignature)
        }
        return .failure(.invalidPublicKey("expected a PEM \"PUBLIC KEY\" for ECDSA P-256, P-384 or RSA"))
    }

    /// Reads a simple-signing payload with Go decoding rules (field names case-insensitive,
    /// duplicate keys last-wins).
    public static func parseSimpleSigningPayload(_ bytes: [UInt8]) -> Result<SimpleSigningPayload, CosignError> {
        let root: JSONValue
        switch LibtrustJWS.decodeJSON(bytes) {
        case .success(let d): root = d.value(d.root)
        case .failure(let e): return .failure(.malformedPayload(e.description))
        }
        guard case .object = root else { return .failure(.malformedPayload("not a JSON object")) }
        guard let critical = root.field("critical"), case .object = critical else {
            return .failure(.missingField("critical"))
        }
        guard case .string(let digestText)? = critical.field("image")?.field("docker-manifest-digest") else {
            return .failure(.missingField("critical.image.docker-manifest-digest"))
        }
        guard case .success(let digest) = Digest.parse(digestText) else { return .failure(.invalidDigest(digestText)) }
        guard case .string(let type)? = critical.field("type") else { return .failure(.missingField("critical.type")) }
        var reference: String?
        if case .string(let r)? = critical.field("identity")?.field("docker-reference") { reference = r }
        var optional = [String: String]()
        if case .object(let members)? = root.field("optional") {
            for m in members {
                if case .string(let s) = m.value { optional[m.key] = s }
            }
        }
        return .success(SimpleSigningPayload(dockerManifestDigest: digest, type: type, dockerReference: reference, optional: optional))
    }
}
