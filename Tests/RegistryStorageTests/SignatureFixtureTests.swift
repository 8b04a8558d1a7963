import Crypto
import Testing
@testable import RegistryStorage

/// Real signed schema1 documents (moby fixtures) and published keys (storage-format §10).
@Suite struct SignatureFixtureTests {
    static let fixtureKid = "OIH7:HQFS:44FK:45VB:3B53:OIAG:TPL4:ATF5:6PNE:MGHN:NHQX:2GE4"
    static let payloadDigest = "sha256:02fee8c3220ba806531f606525eceb83f4feb654f62b207191b1c9209188dedd"

    @Test func fixturesAreByteExact() {
        #expect(SignatureFixtures.goodManifest.count == 3844)
        #expect(Digest.sha256(of: SignatureFixtures.goodManifest).hex == "b2adb1fb02d8bfac5617625965c475e1035f08dc84b7719f5902528dc1363845")
        #expect(Digest.sha256(of: SignatureFixtures.extraDataManifest).hex == "5b7e3f911fa204d59bf71b563cd4da13dcac6191e2c8f39a55748cdcfc29f33b")
        #expect(Digest.sha256(of: SignatureFixtures.badManifest).hex == "24bd1b4878da8faf6f83688e9224f90428c244e9cf370ed7365aa59c22945890")
    }

    @Test func goodManifestVerifies() throws {
        let parsed = try LibtrustJWS.parse(document: SignatureFixtures.goodManifest).get()
        #expect(parsed.formatLength == 3197)
        #expect(parsed.formatTail == Array("\n}".utf8))
        #expect(parsed.payloadDigest.description == Self.payloadDigest)
        #expect(parsed.indent == "   ")
        #expect(parsed.signatures.count == 1)
        let entry = try #require(parsed.signatures.first)
        #expect(entry.algorithm == "ES256")
        #expect(entry.time == "2015-09-11T04:13:48Z")
        #expect(entry.jwk?.kid == Self.fixtureKid)
        #expect(entry.keyID == Self.fixtureKid)
        #expect(String(decoding: entry.rawHeaderJSON, as: UTF8.self).hasPrefix("{\n            \"jwk\": {"))
        let results = parsed.verify()
        #expect(results == [SignatureVerification(keyID: Self.fixtureKid, algorithm: "ES256", result: .valid)])
    }

    @Test func extraDataOutsideSignedRangeIsIgnored() throws {
        let parsed = try LibtrustJWS.parse(document: SignatureFixtures.extraDataManifest).get()
        #expect(parsed.payloadDigest.description == Self.payloadDigest)
        #expect(parsed.verify().allSatisfy { $0.isValid })
        // The inserted second fsLayers (sha256:ffff…) is in the document but not in the payload.
        let payloadText = String(decoding: parsed.payload, as: UTF8.self)
        #expect(!payloadText.contains("sha256:ffff"))
        #expect(String(decoding: SignatureFixtures.extraDataManifest, as: UTF8.self).contains("sha256:ffff"))
    }

    @Test func badManifestFailsWithInvalidSignature() throws {
        let parsed = try LibtrustJWS.parse(document: SignatureFixtures.badManifest).get()
        let results = parsed.verify()
        #expect(results.count == 1)
        #expect(results[0].result == .invalid(reason: "invalid signature"))
        #expect(results[0].error?.isManifestUnverified == true)
        #expect(results[0].keyID == Self.fixtureKid)
    }

    /// The seed registry stored the payload and the signature blob separately and rebuilt the
    /// document on GET; the rebuild must reproduce the served bytes exactly.
    @Test func seedReassemblyReproducesGoodManifest() throws {
        let parsed = try LibtrustJWS.parse(document: SignatureFixtures.goodManifest).get()
        let blobs = LibtrustJWS.signatureBlobs(of: parsed)
        #expect(blobs.count == 1)
        let blob = String(decoding: blobs[0], as: UTF8.self)
        #expect(blob.hasPrefix(#"{"header":{"jwk":{"crv":"P-256","kid":"OIH7:"#))
        #expect(blob.hasSuffix(#","alg":"ES256"},"signature":"Y6xaFz9Sy-OtcnKQS1Ilq3Dh8cu4h3nBTJCpOTF1XF7vKtcxxA_xMP8-SgDo869SJ3VsvgPL9-Xn-OoYG2rb1A","protected":"eyJmb3JtYXRMZW5ndGgiOjMxOTcsImZvcm1hdFRhaWwiOiJDbjAiLCJ0aW1lIjoiMjAxNS0wOS0xMVQwNDoxMzo0OFoifQ"}"#))
        let rebuilt = try LibtrustJWS.reassemble(payload: parsed.payload, signatureBlobs: blobs).get()
        #expect(rebuilt == SignatureFixtures.goodManifest)
        // The bad fixture's signature blob does not fit the good payload's signing input.
        let bad = try LibtrustJWS.parse(document: SignatureFixtures.badManifest).get()
        let mixed = try LibtrustJWS.reassemble(payload: bad.payload, signatureBlobs: blobs).get()
        #expect(try LibtrustJWS.parse(document: mixed).get().verify().first?.isValid == false)
    }

    @Test func fixtureKeyIDFromCoordinates() throws {
        let jwk = try JWK.parse(json: Array(#"{"crv":"P-256","kty":"EC","x":"Cu_UyxwLgHzE9rvlYSmvVdqYCXY42E9eNhBb0xNv0SQ","y":"zUsjWJkeKQ5tv7S-hl1Tg71cd-CqnrtiiLxSi6N_yc8"}"#.utf8)).get()
        #expect(jwk.keyID == Self.fixtureKid)
        #expect(jwk.kid == nil)
        let key = try jwk.publicKey().get()
        #expect(LibtrustKeyID.keyID(spkiDER: key.spkiDER) == Self.fixtureKid)
        #expect(key.spkiDER == jwk.spkiDER)
        // One changed coordinate byte gives a different ID, so a stale kid is caught.
        let other = try JWK.parse(json: Array(#"{"crv":"P-256","kty":"EC","x":"Cu_VyxwLgHzE9rvlYSmvVdqYCXY42E9eNhBb0xNv0SQ","y":"zUsjWJkeKQ5tv7S-hl1Tg71cd-CqnrtiiLxSi6N_yc8"}"#.utf8)).get()
        #expect(other.keyID != Self.fixtureKid)
    }

    /// The EC P-256 private JWK from distribution's `docs/spec/auth/jwt.md`.
    static let jwtPrivateJWK = #"""
    {
        "kty": "EC",
        "crv": "P-256",
        "kid": "PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6",
        "d": "R7OnbfMaD5J2jl7GeE8ESo7CnHSBm_1N2k9IXYFrKJA",
        "x": "m7zUpx3b-zmVE5cymSs64POG9QcyEpJaYCD82-549_Q",
        "y": "dU3biz8sZ_8GPB-odm8Wxz3lNDr1xcAQQPQaOcr1fmc"
    }
    """#

    @Test func jwtSpecKeyIDAndPrivateKey() throws {
        let publicPart = try JWK.parse(json: Array(Self.jwtPrivateJWK.utf8)).get()
        #expect(publicPart.keyID == "PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6")
        let signing = try JWK.parsePrivateKey(json: Array(Self.jwtPrivateJWK.utf8)).get()
        #expect(signing.keyID == publicPart.keyID)
        #expect(signing.publicKey.jwk.key == publicPart.key)
        // A mismatching d is refused.
        let wrongD = Self.jwtPrivateJWK.replacingOccurrences(of: "R7OnbfMaD5J2", with: "S7OnbfMaD5J2")
        #expect(throws: JWSError.self) { try JWK.parsePrivateKey(json: Array(wrongD.utf8)).get() }
        // An EC public parse keeps unknown members (here `d`) and writes them back, as libtrust does.
        let written = String(decoding: publicPart.jsonBytes(), as: UTF8.self)
        #expect(written.hasPrefix(#"{"crv":"P-256","d":"R7On"#))
    }
}
