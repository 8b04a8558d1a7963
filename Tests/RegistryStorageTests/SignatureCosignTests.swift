import Crypto
import Foundation
import Testing
import _CryptoExtras
@testable import RegistryStorage

/// cosign key-based signatures over simple-signing payloads (storage-format §9).
@Suite struct SignatureCosignTests {
    static let digest = "sha256:02fee8c3220ba806531f606525eceb83f4feb654f62b207191b1c9209188dedd"
    static let payload = Array(#"{"critical":{"identity":{"docker-reference":"registry.example/demo/app"},"image":{"docker-manifest-digest":"\#(digest)"},"type":"cosign container image signature"},"optional":{"creator":"drydock","n":3}}"#.utf8)

    @Test func verifiesDERAndRawP256() throws {
        let key = P256.Signing.PrivateKey()
        let pem = key.publicKey.pemRepresentation
        let signature = try key.signature(for: Self.payload)
        let der = Base64URL.encodeStandard(Array(signature.derRepresentation))
        #expect(throws: Never.self) { try CosignVerifier.verify(payload: Self.payload, base64Signature: der, publicKeyPEM: pem).get() }
        let raw = Base64URL.encodeStandard(Array(signature.rawRepresentation))
        #expect(throws: Never.self) { try CosignVerifier.verify(payload: Self.payload, base64Signature: raw + "\n", publicKeyPEM: pem).get() }
    }

    @Test func rejectsTamperedPayloadWrongKeyAndGarbage() throws {
        let key = P256.Signing.PrivateKey()
        let pem = key.publicKey.pemRepresentation
        let sig = Base64URL.encodeStandard(Array(try key.signature(for: Self.payload).derRepresentation))
        var tampered = Self.payload
        tampered[tampered.count - 3] ^= 1
        #expect(CosignVerifier.verify(payload: tampered, base64Signature: sig, publicKeyPEM: pem).signatureFailure == .invalidSignature)
        let otherPEM = P256.Signing.PrivateKey().publicKey.pemRepresentation
        #expect(CosignVerifier.verify(payload: Self.payload, base64Signature: sig, publicKeyPEM: otherPEM).signatureFailure == .invalidSignature)
        #expect(CosignVerifier.verify(payload: Self.payload, base64Signature: "%%%", publicKeyPEM: pem).signatureFailure == .invalidBase64)
        #expect(CosignVerifier.verify(payload: Self.payload, base64Signature: "AAAA", publicKeyPEM: pem).signatureFailure == .malformedSignature)
        #expect(CosignVerifier.verify(payload: Self.payload, base64Signature: sig, publicKeyPEM: "not a key").signatureFailure
            == .invalidPublicKey(#"expected a PEM "PUBLIC KEY" for ECDSA P-256, P-384 or RSA"#))
    }

    @Test func acceptsP384WithEitherDigest() throws {
        let key = P384.Signing.PrivateKey()
        let pem = key.publicKey.pemRepresentation
        for sig in [try key.signature(for: Self.payload), try key.signature(for: SHA256.hash(data: Self.payload))] {
            let b64 = Base64URL.encodeStandard(Array(sig.derRepresentation))
            #expect(throws: Never.self) { try CosignVerifier.verify(payload: Self.payload, base64Signature: b64, publicKeyPEM: pem).get() }
        }
        let bad = Base64URL.encodeStandard(Array(try key.signature(for: Array("other".utf8)).derRepresentation))
        #expect(CosignVerifier.verify(payload: Self.payload, base64Signature: bad, publicKeyPEM: pem).signatureFailure == .invalidSignature)
    }

    @Test func parsesSimpleSigningPayload() throws {
        let parsed = try CosignVerifier.parseSimpleSigningPayload(Self.payload).get()
        #expect(parsed.dockerManifestDigest.description == Self.digest)
        #expect(parsed.type == "cosign container image signature")
        #expect(parsed.isCosignImageSignature)
        #expect(parsed.dockerReference == "registry.example/demo/app")
        #expect(parsed.optional == ["creator": "drydock"])
    }

    @Test func rejectsBadSimpleSigningPayloads() {
        func failure(_ text: String) -> CosignError? { CosignVerifier.parseSimpleSigningPayload(Array(text.utf8)).signatureFailure }
        #expect(failure("not json") != nil)
        #expect(failure("[]") == .malformedPayload("not a JSON object"))
        #expect(failure(#"{"critical":{"type":"x"}}"#) == .missingField("critical.image.docker-manifest-digest"))
        #expect(failure(#"{"critical":{"image":{"docker-manifest-digest":"sha256:abc"},"type":"x"}}"#) == .invalidDigest("sha256:abc"))
        #expect(failure(#"{"critical":{"image":{"docker-manifest-digest":"\#(Self.digest)"}}}"#) == .missingField("critical.type"))
        #expect(failure(#"{"optional":{}}"#) == .missingField("critical"))
    }
}
