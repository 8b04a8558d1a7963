import Crypto
import Testing
import _CryptoExtras
@testable import RegistryStorage

/// base64url, key IDs, JWK rules and the Go-compatible JSON writer.
@Suite struct SignatureEncodingTests {
    @Test func base64URLDecodeRules() {
        #expect(Base64URL.decode("Cn0") == .success(Array("\n}".utf8)))
        #expect(Base64URL.decode("eyJhIjoxfQ") == .success(Array(#"{"a":1}"#.utf8)))
        // Debian's libtrust 9cbd2a1 strips newlines and spaces first.
        #expect(Base64URL.decode("eyJh\nIjox fQ") == .success(Array(#"{"a":1}"#.utf8)))
        #expect(Base64URL.decode("abcde") == .failure(.illegalBase64URL))
        #expect(Base64URL.decode("ab+/") == .failure(.illegalBase64URL))
        #expect(Base64URL.decode("ab=c") == .failure(.illegalBase64URL))
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.encodeStandard([0xFB, 0xFF]) == "+/8=")
        #expect(Base64URL.decodeStandard("+/8=") == [0xFB, 0xFF])
        #expect(Base64URL.decodeStandard("+/8") == nil)
    }

    @Test func keyIDLayout() {
        let id = LibtrustKeyID.keyID(spkiDER: [1, 2, 3])
        let groups = id.split(separator: ":")
        #expect(groups.count == 12)
        #expect(groups.allSatisfy { $0.count == 4 })
        #expect(id.allSatisfy { $0 == ":" || ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
        #expect(Base64URL.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test func rsaSPKIMatchesSwiftCrypto() throws {
        let key = try SignatureSamples.rsaKey().publicKey
        let jwk = LibtrustPublicKey.rsa(key).jwk
        #expect(jwk.spkiDER == Array(key.derRepresentation))
        #expect(jwk.keyID == LibtrustKeyID.keyID(spkiDER: Array(key.derRepresentation)))
        // Round trip through JSON keeps the same key and ID.
        let reparsed = try JWK.parse(json: jwk.jsonBytes()).get()
        #expect(reparsed.keyID == jwk.keyID)
        #expect(reparsed.kid == jwk.keyID)
        let text = SignatureSamples.text(jwk.jsonBytes())
        #expect(text.hasPrefix(#"{"e":"AQAB","kid":""#))
        // Fail: a public RSA JWK carrying "d" is refused.
        let withD = Array(text.replacingOccurrences(of: #"{"e":"#, with: #"{"d":"AQAB","e":"#).utf8)
        #expect(JWK.parse(json: withD).signatureFailure == .invalidJWK("JWK RSA Public Key cannot contain private exponent"))
    }

    @Test func ecSPKIMatchesSwiftCrypto() {
        let p384 = P384.Signing.PrivateKey().publicKey
        #expect(LibtrustPublicKey.p384(p384).jwk.spkiDER == Array(p384.derRepresentation))
        let p521 = P521.Signing.PrivateKey().publicKey
        #expect(LibtrustPublicKey.p521(p521).jwk.spkiDER == Array(p521.derRepresentation))
    }

    @Test func ecJWKRules() throws {
        let jwk = LibtrustPublicKey.p256(P256.Signing.PrivateKey().publicKey).jwk
        let good = SignatureSamples.text(jwk.jsonBytes())
        #expect(try JWK.parse(json: Array(good.utf8)).get().key == jwk.key)
        guard case .ec(_, let x, _) = jwk.key else { Issue.record("expected EC"); return }
        let shortX = good.replacingOccurrences(of: Base64URL.encode(x), with: Base64URL.encode(x.dropFirst()))
        #expect(JWK.parse(json: Array(shortX.utf8)).signatureFailure
            == .invalidJWK("JWK EC Public Key x-coordinate: invalid number of octets: got 31, should be 32"))
        let p999 = good.replacingOccurrences(of: "P-256", with: "P-999")
        #expect(JWK.parse(json: Array(p999.utf8)).signatureFailure == .invalidJWK(#"JWK EC Public Key curve identifier not supported: "P-999""#))
        #expect(JWK.parse(json: Array(#"{"kty":"OKP"}"#.utf8)).signatureFailure == .invalidJWK(#"JWK Public Key type not supported: "OKP""#))
        #expect(JWK.parse(json: Array(#"{"crv":"P-256"}"#.utf8)).signatureFailure == .invalidJWK(#"JWK Public Key type: "kty" value not specified"#))
        let numericKid = good.replacingOccurrences(of: "\"kid\":\"\(jwk.keyID)\"", with: "\"kid\":7")
        #expect(JWK.parse(json: Array(numericKid.utf8)).signatureFailure == .invalidJWK(#"JWK EC Public Key ID: "kid" value must be a string"#))
    }

    @Test func extendedJWKFieldsAreKeptSorted() throws {
        let jwk = LibtrustPublicKey.p256(P256.Signing.PrivateKey().publicKey).jwk
        var text = SignatureSamples.text(jwk.jsonBytes())
        text.removeLast()
        text += #","use":"sig","zz":[1.50,1e-7,{"b":1,"a":"<&>"}],"alg":"ES256"}"#
        let parsed = try JWK.parse(json: Array(text.utf8)).get()
        let written = SignatureSamples.text(parsed.jsonBytes())
        #expect(written.hasPrefix(#"{"alg":"ES256","crv":"P-256","kid":""#))
        #expect(written.hasSuffix(#","use":"sig","x":"\#(Base64URL.encode(xOf(jwk)))","y":"\#(Base64URL.encode(yOf(jwk)))","zz":[1.5,1e-7,{"a":"\u003c\u0026\u003e","b":1}]}"#))
    }

    func xOf(_ jwk: JWK) -> [UInt8] { if case .ec(_, let x, _) = jwk.key { return x }; return [] }
    func yOf(_ jwk: JWK) -> [UInt8] { if case .ec(_, _, let y) = jwk.key { return y }; return [] }

    @Test func goNumberFormatting() {
        let cases: [(String, String)] = [
            ("1", "1"), ("3197", "3197"), ("1.0", "1"), ("12.50", "12.5"), ("-0", "-0"), ("0.000001", "0.000001"),
            ("1e-7", "1e-7"), ("1e20", "100000000000000000000"), ("1e21", "1e+21"), ("123456789.125", "123456789.125"),
            ("1.5e300", "1.5e+300"), ("0.1", "0.1"), ("-2.5e-8", "-2.5e-8"),
        ]
        for (input, expected) in cases {
            #expect(GoJSONWriter.goFloat(input) == expected, "\(input)")
        }
    }

    @Test func goStringEscapes() {
        var out = [UInt8]()
        GoJSONWriter.writeString("a\"\\\n\t\r\u{1}<>&\u{2028}é", into: &out)
        #expect(SignatureSamples.text(out) == #""a\"\\\n\t\r\u0001\u003c\u003e\u0026\u2028é""#)
    }

    @Test func goIndentLayout() throws {
        let document = try JSONDocument.parseGo(Array(#"{"b":[],"a":{"x":[1,{}]}}"#.utf8))
        let value = document.value(document.root).asGoInterface
        #expect(SignatureSamples.text(GoJSONWriter.marshal(value)) == #"{"a":{"x":[1,{}]},"b":[]}"#)
        let indented = SignatureSamples.text(GoJSONWriter.marshalIndent(value, prefix: "> ", indent: "\t"))
        #expect(indented == "{\n> \t\"a\": {\n> \t\t\"x\": [\n> \t\t\t1,\n> \t\t\t{}\n> \t\t]\n> \t},\n> \t\"b\": []\n> }")
    }

    /// The signature code reads with Go's rules: surrogate pairs joined, lone surrogates and ill-formed UTF-8 as
    /// U+FFFD, the last duplicate key wins, and a value's bytes (the raw `header`) are found again exactly.
    @Test func jsonReaderEdgeCases() throws {
        let text = Array(#"{"a":"\ud83d\ude00","b":"\ud800", "c" : [ 1, {"d":null} ] }"#.utf8)
        let document = try JSONDocument.parseGo(text)
        #expect(document.value(document.root) == .object([
            .init(key: "a", value: .string("😀")),
            .init(key: "b", value: .string("\u{FFFD}")),
            .init(key: "c", value: .array([.number("1"), .object([.init(key: "d", value: .null)])])),
        ]))
        let ranges = document.keys(document.root).map { document.byteRange($0 + 1) }
        #expect(ranges == [5..<19, 24..<32, 40..<57])
        #expect(SignatureSamples.text(Array(text[40..<57])) == #"[ 1, {"d":null} ]"#)
        #expect(document.byteRange(document.root) == 0..<text.count)
        #expect(LibtrustJWS.decodeJSON(Array("{\"a\":\"\u{1}\"}".utf8)).signatureFailure != nil)
        #expect(LibtrustJWS.decodeJSON(Array("01".utf8)).signatureFailure != nil)
        #expect(LibtrustJWS.decodeJSON(Array("[1,]".utf8)).signatureFailure != nil)
        #expect(LibtrustJWS.decodeJSON(Array("-".utf8)).signatureFailure != nil)
        let duplicate = try JSONDocument.parseGo(Array(#"{"a":1,"A":2,"a":3}"#.utf8))
        #expect(duplicate.member(duplicate.root, "a").map(duplicate.numberText) == "3")
        #expect(duplicate.field(duplicate.root, "A").map(duplicate.numberText) == "3")
        let invalid = try JSONDocument.parseGo(Array("{\"a\":\"x".utf8) + [0xFF] + Array("y\"}".utf8))
        #expect(invalid.value(invalid.root) == .object([.init(key: "a", value: .string("x\u{FFFD}y"))]))
        #expect(throws: JSONDocument.SyntaxError.self) { try JSONDocument.parse(Array("\"".utf8) + [0xFF] + Array("\"".utf8)) }
    }

    @Test func indentDetection() {
        #expect(LibtrustJWS.detectIndent(Array("{\n   \"a\": 1\n}".utf8)) == "   ")
        #expect(LibtrustJWS.detectIndent(Array("{\n\t\"a\": 1\n}".utf8)) == "\t")
        #expect(LibtrustJWS.detectIndent(Array("{\"a\":1}".utf8)) == "")
        #expect(LibtrustJWS.detectIndent(Array("{\n}".utf8)) == "")
    }

    @Test func currentTimeIsRFC3339() {
        let t = LibtrustJWS.currentTime()
        #expect(t.count == 20)
        #expect(t.hasSuffix("Z"))
        #expect(Array(t)[10] == "T")
    }
}
