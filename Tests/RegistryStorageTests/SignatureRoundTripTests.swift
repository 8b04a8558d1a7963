import Crypto
import Testing
import _CryptoExtras
@testable import RegistryStorage

/// Sign with each supported key kind, then parse and verify; each case also checks that a
/// changed payload byte is caught.
@Suite struct SignatureRoundTripTests {
    typealias S = SignatureSamples

    /// `tail` is the formatTail libtrust cuts from the payload: the last newline and brace of an indented
    /// payload, the brace alone of a compact one.
    static func roundTrip(_ key: SigningKey, algorithm: String, payload: [UInt8] = S.indentedPayload,
                          tail: String = "\n}") throws {
        let document = try S.sign(payload, [key])
        let parsed = try S.parse(document)
        #expect(parsed.payload == payload)
        #expect(parsed.formatTail == Array(tail.utf8))
        #expect(parsed.signatures.first?.time == S.fixedTime)
        let results = parsed.verify()
        #expect(results.count == 1)
        #expect(results.first?.isValid == true)
        #expect(results.first?.algorithm == algorithm)
        #expect(results.first?.keyID == key.keyID)

        // Fail: one byte inside the signed range changed ("demo" -> "eemo").
        let nameOffset = S.text(document).utf8.count - S.text(document).drop { $0 != "d" }.utf8.count
        let tampered = S.flipping(nameOffset, in: document)
        let bad = try S.parse(tampered).verify()
        #expect(bad.first?.isValid == false)
    }

    @Test func p256() throws { try Self.roundTrip(.p256(P256.Signing.PrivateKey()), algorithm: "ES256") }
    @Test func p384() throws { try Self.roundTrip(.p384(P384.Signing.PrivateKey()), algorithm: "ES384") }
    @Test func p521() throws { try Self.roundTrip(.p521(P521.Signing.PrivateKey()), algorithm: "ES512") }

    @Test func rsa2048SignsRS256() throws {
        let key = try S.rsaKey()
        try Self.roundTrip(.rsa(key), algorithm: "RS256")
        let document = try S.sign(S.indentedPayload, [.rsa(key)])
        let jwk = try #require(try S.parse(document).signatures.first?.jwk)
        guard case .rsa(_, let e) = jwk.key else { Issue.record("expected an RSA JWK"); return }
        #expect(e == [0x01, 0x00, 0x01])
        #expect(S.text(document).contains("\"e\": \"AQAB\""))
        // Fail: the payload is not the signed one.
        let wrong = S.replacing("\"latest\"", with: "\"lat3st\"", in: document)
        let results = try S.parse(wrong).verify()
        #expect(results.first?.result == .invalid(reason: "invalid RS256 signature: crypto/rsa: verification error"))
        #expect(results.first?.error?.isManifestUnverified == false)
    }

    @Test func compactPayload() throws {
        try Self.roundTrip(.p256(P256.Signing.PrivateKey()), algorithm: "ES256", payload: S.compactPayload, tail: "}")
        let document = try S.sign(S.compactPayload, [.p256(P256.Signing.PrivateKey())])
        #expect(S.text(document).contains(#""schemaVersion":1,"signatures":[{"header":{"jwk":{"crv":"P-256","kid":""#))
        #expect(try S.parse(document).formatTail == Array("}".utf8))
    }

    @Test func x5cChain() throws {
        let caKey = SigningKey.p384(P384.Signing.PrivateKey())
        let leafKey = SigningKey.p256(P256.Signing.PrivateKey())
        let caDER = try X5CCertificates.issue(commonName: "drydock test CA", key: caKey, isAuthority: true).get()
        let leafDER = try X5CCertificates.issue(commonName: "drydock signer", key: leafKey,
                                                issuer: (commonName: "drydock test CA", key: caKey)).get()
        #expect(X5CCertificates.subject(ofDER: leafDER) == "CN=drydock signer")

        let document = try S.sign(S.indentedPayload, [.x5c(leafKey, chain: [leafDER, caDER])])
        #expect(!S.text(document).contains("\"jwk\""))
        let parsed = try S.parse(document)
        #expect(parsed.signatures.first?.x5c == [leafDER, caDER])
        #expect(parsed.verify() == [SignatureVerification(keyID: leafKey.keyID, algorithm: "ES256",
                                                          certificateSubject: "CN=drydock signer", chainLength: 2, result: .valid)])

        // Fail: the CA certificate (a P-384 key) first in the chain does not fit the ES256 signature.
        let swapped = S.replacing(Base64URL.encodeStandard(leafDER), with: Base64URL.encodeStandard(caDER), in: document)
        let results = try S.parse(swapped).verify()
        #expect(results.first?.certificateSubject == "CN=drydock test CA")
        #expect(results.first?.error == .curveAlgorithmMismatch(curve: "P-384", algorithm: "ES256"))

        // Fail: signing refuses a chain whose first certificate holds another key.
        #expect(LibtrustJWS.sign(payload: S.indentedPayload, with: [.x5c(caKey, chain: [leafDER])]).signatureFailure != nil)
    }

    @Test func x5cSelfSignedRSA() throws {
        let key = SigningKey.rsa(try S.rsaKey())
        let der = try X5CCertificates.issue(commonName: "rsa signer", key: key).get()
        let document = try S.sign(S.compactPayload, [.x5c(key, chain: [der])])
        let results = try S.parse(document).verify()
        #expect(results.first?.isValid == true)
        #expect(results.first?.chainLength == 1)
        #expect(results.first?.certificateSubject == "CN=rsa signer")
        // Fail: garbage in place of the certificate.
        let broken = S.replacing(Base64URL.encodeStandard(der), with: "AAAA", in: document)
        #expect(try S.parse(broken).verify().first?.isValid == false)
    }

    @Test func severalSignaturesSortedByKeyID() throws {
        let keys: [SigningKey] = [.p256(P256.Signing.PrivateKey()), .p384(P384.Signing.PrivateKey()), .p521(P521.Signing.PrivateKey())]
        let parsed = try S.parse(try S.sign(S.indentedPayload, keys))
        let ids = parsed.signatures.compactMap(\.keyID)
        #expect(ids == keys.map(\.keyID).sorted())
        #expect(parsed.verify().map { $0.isValid } == [true, true, true])
        #expect(LibtrustJWS.sign(payload: S.indentedPayload, with: []).signatureFailure == .noSignatures)
    }

    /// Seed era: the payload and each signature were stored apart and rebuilt on GET.
    @Test(arguments: ["indented", "compact"])
    func seedReassembly(layout: String) throws {
        let payload = layout == "indented" ? S.indentedPayload : S.compactPayload
        let keys: [SigningKey] = [.p256(P256.Signing.PrivateKey()), .rsa(try S.rsaKey())]
        let document = try S.sign(payload, keys)
        let blobs = LibtrustJWS.signatureBlobs(of: try S.parse(document))
        #expect(blobs.count == 2)
        #expect(blobs.allSatisfy { S.text($0).hasPrefix(#"{"header":{"jwk":{"#) })
        // Blob order as stored on disk does not matter: reassembly sorts.
        let rebuilt = try LibtrustJWS.reassemble(payload: payload, signatureBlobs: blobs.reversed()).get()
        #expect(rebuilt == document)
        let parsed = try S.parse(rebuilt)
        #expect(parsed.payload == payload)
        #expect(parsed.verify().map { $0.isValid } == [true, true])

        // Fail: a stored blob made for another payload of the same length does not verify here.
        let other = try S.sign(S.replacing("demo/app", with: "demo/ap2", in: payload), [.p256(P256.Signing.PrivateKey())])
        let foreign = LibtrustJWS.signatureBlobs(of: try S.parse(other))
        let mixed = try LibtrustJWS.reassemble(payload: payload, signatureBlobs: blobs + foreign).get()
        #expect(try S.parse(mixed).verify().filter { $0.isValid }.count == 2)
        #expect(LibtrustJWS.reassemble(payload: payload, signatureBlobs: []).signatureFailure == .noSignatures)
        #expect(LibtrustJWS.reassemble(payload: Array("[1]".utf8), signatureBlobs: blobs).signatureFailure != nil)
    }
}
