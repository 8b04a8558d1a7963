import Crypto
import Foundation
import Testing
@testable import RegistryStorage

/// Tampered copies of a freshly signed document. Every test first checks the untouched
/// document passes, then that the tampered one fails with libtrust's reason.
@Suite struct SignatureTamperTests {
    typealias S = SignatureSamples
    let key = SigningKey.p256(P256.Signing.PrivateKey())
    let document: [UInt8]

    init() throws {
        document = try S.sign(S.indentedPayload, [key])
    }

    func firstResult(_ doc: [UInt8]) throws -> SignatureVerification {
        try #require(try S.parse(doc).verify().first)
    }

    var signatureText: String { (try? S.parse(document).signatures.first?.signature) ?? "" }
    var protectedText: String { (try? S.parse(document).signatures.first?.protectedHeader) ?? "" }

    @Test func baselineVerifies() throws {
        #expect(try firstResult(document).isValid)
    }

    @Test func payloadByteFlipped() throws {
        #expect(try firstResult(document).isValid)
        let tampered = S.replacing("\"amd64\"", with: "\"amd65\"", in: document)
        let result = try firstResult(tampered)
        #expect(result.result == .invalid(reason: "invalid signature"))
        #expect(result.error?.isManifestUnverified == true)
    }

    @Test func signatureByteFlipped() throws {
        #expect(try firstResult(document).isValid)
        var raw = try Base64URL.decode(signatureText).get()
        raw[10] ^= 0x80
        let tampered = S.replacing(signatureText, with: Base64URL.encode(raw), in: document)
        #expect(try firstResult(tampered).error == .invalidSignature)
    }

    @Test func truncatedSignature() throws {
        #expect(try firstResult(document).isValid)
        // 86 characters -> 84 decode to 63 bytes; 85 is not a legal base64url length.
        let short = S.replacing(signatureText, with: String(signatureText.dropLast(2)), in: document)
        #expect(try firstResult(short).result == .invalid(reason: "signature length is 63 octets long, should be 64"))
        let illegal = S.replacing(signatureText, with: String(signatureText.dropLast(1)), in: document)
        #expect(try firstResult(illegal).error == .illegalBase64URL)
    }

    @Test func wrongKid() throws {
        #expect(try firstResult(document).isValid)
        let other = SigningKey.p256(P256.Signing.PrivateKey()).keyID
        let tampered = S.replacing(key.keyID, with: other, in: document)
        let parsed = try S.parse(tampered)
        #expect(parsed.signatures.first?.jwk == nil)
        let result = try #require(parsed.verify().first)
        #expect(result.result == .invalid(reason: "error unmarshalling public key: JWK EC Public Key ID does not match: \(other)"))
        // Seed reassembly refuses such a blob, as libtrust's parser did.
        let blobs = LibtrustJWS.signatureBlobs(of: parsed)
        #expect(LibtrustJWS.reassemble(payload: parsed.payload, signatureBlobs: blobs).signatureFailure?.root
            == .invalidJWK("JWK EC Public Key ID does not match: \(other)"))
    }

    @Test func algorithmCurveMismatch() throws {
        #expect(try firstResult(document).isValid)
        let tampered = S.replacing("\"alg\": \"ES256\"", with: "\"alg\": \"ES384\"", in: document)
        let result = try firstResult(tampered)
        #expect(result.result == .invalid(reason: #"unable to verify signature: EC Public Key with curve "P-256" does not support signature algorithm "ES384""#))
        #expect(result.error?.isManifestUnverified == false)
    }

    @Test func missingPublicKey() throws {
        let parsed = try S.parse(document)
        let jwkText = S.text(try #require(parsed.signatures.first?.jwk).jsonBytes())
        #expect(!jwkText.isEmpty)
        // Drop the whole "jwk" member from the header.
        let text = S.text(document)
        let start = try #require(text.range(of: "\"jwk\": {"))
        let end = try #require(text.range(of: "},\n", range: start.upperBound..<text.endIndex))
        let stripped = Array(text.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "").utf8)
        #expect(try firstResult(stripped).result == .invalid(reason: "missing public key"))
    }

    @Test func missingFormatTail() throws {
        #expect(LibtrustJWS.parse(document: document).signatureFailure == nil)
        let noTail = S.protected(#"{"formatLength":10,"time":"2024-01-02T03:04:05Z"}"#)
        let tampered = S.replacing(protectedText, with: noTail, in: document)
        #expect(LibtrustJWS.parse(document: tampered).signatureFailure == .missingFormatTail)
        let noLength = S.protected(#"{"formatTail":"Cn0"}"#)
        #expect(LibtrustJWS.parse(document: S.replacing(protectedText, with: noLength, in: document)).signatureFailure == .missingFormatLength)
    }

    @Test func conflictingFormatBetweenSignatures() throws {
        let two = try S.sign(S.indentedPayload, [key, .p384(P384.Signing.PrivateKey())])
        let parsed = try S.parse(two)
        #expect(parsed.verify().allSatisfy { $0.isValid })
        let second = try #require(parsed.signatures.last?.protectedHeader)
        let length = parsed.formatLength
        let longer = S.protected("{\"formatLength\":\(length + 1),\"formatTail\":\"Cn0\",\"time\":\"x\"}")
        #expect(LibtrustJWS.parse(document: S.replacing(second, with: longer, in: two)).signatureFailure == .conflictingFormatLength)
        let otherTail = S.protected("{\"formatLength\":\(length),\"formatTail\":\"fQ\",\"time\":\"x\"}")
        #expect(LibtrustJWS.parse(document: S.replacing(second, with: otherTail, in: two)).signatureFailure == .conflictingFormatTail)
    }

    @Test(arguments: ["99999999", "-5", "1e300", "9.3e18"])
    func invalidFormatLength(length: String) throws {
        let hostile = S.protected("{\"formatLength\":\(length),\"formatTail\":\"Cn0\"}")
        let tampered = S.replacing(protectedText, with: hostile, in: document)
        #expect(LibtrustJWS.parse(document: tampered).signatureFailure == .invalidFormatLength)
    }

    @Test func fractionalFormatLengthTruncatesAsGo() throws {
        let parsed = try S.parse(document)
        let header = S.protected("{\"formatLength\":\(parsed.formatLength).9,\"formatTail\":\"Cn0\"}")
        #expect(try S.parse(S.replacing(protectedText, with: header, in: document)).payload == parsed.payload)
    }

    @Test func verificationNeverStopsEarly() throws {
        let other = SigningKey.p256(P256.Signing.PrivateKey())
        let two = try S.sign(S.indentedPayload, [key, other])
        let parsed = try S.parse(two)
        let firstSig = try #require(parsed.signatures.first?.signature)
        var raw = try Base64URL.decode(firstSig).get()
        raw[0] ^= 1
        let results = try S.parse(S.replacing(firstSig, with: Base64URL.encode(raw), in: two)).verify()
        #expect(results.map { $0.isValid } == [false, true])
        #expect(results.map { $0.keyID } == parsed.signatures.map { $0.keyID })
    }

    @Test func structuralErrors() {
        func failure(_ text: String) -> JWSError? { LibtrustJWS.parse(document: Array(text.utf8)).signatureFailure }
        #expect(failure(#"{"schemaVersion":1}"#) == .missingSignatureKey)
        #expect(failure(#"{"schemaVersion":1,"signatures":[]}"#) == .noSignatures)
        #expect(failure(#"{"schemaVersion":1,"signatures":null}"#) == .noSignatures)
        #expect(failure(#"{"schemaVersion":1,"signatures":{}}"#) != nil)
        #expect(failure(#"{"schemaVersion":1,"signatures":[{"signature":5}]}"#) != nil)
        #expect(failure(#"{"schemaVersion":1,"signatures":[{"protected":"a"}]}"#)?.root == .illegalBase64URL)
        #expect(failure("[1,2]") != nil)
        #expect(failure(#"{"a":1} trailing"#) != nil)
        #expect(failure("") != nil)
        #expect(failure(String(repeating: "[", count: 100_000)) != nil)
        #expect(failure("{\"signatures\":[" + String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000) + "]}") != nil)
    }

    @Test func rsaUnknownAlgorithm() throws {
        let rsaDoc = try S.sign(S.compactPayload, [.rsa(try S.rsaKey())])
        #expect(try firstResult(rsaDoc).isValid)
        let tampered = S.replacing(#""alg":"RS256""#, with: #""alg":"RS999""#, in: rsaDoc)
        #expect(try firstResult(tampered).result == .invalid(reason: #"unable to verify Signature: RSA Digital Signature Algorithm "RS999" not supported"#))
    }
}
