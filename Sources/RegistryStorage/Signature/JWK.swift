import Crypto
import _CryptoExtras
import Foundation

/// A libtrust JSON Web Key (storage-format §4.6). Holds the raw key numbers; a crypto key is made on demand
/// with `publicKey()`, so a JWK that names a point off its curve still parses and reports
/// "invalid signature" at verification, as libtrust does.
public struct JWK: Sendable, Equatable {
    public enum Curve: String, Sendable, CaseIterable {
        case p256 = "P-256"
        case p384 = "P-384"
        case p521 = "P-521"

        /// Byte length of each coordinate and of r and s.
        public var coordinateLength: Int {
            switch self {
            case .p256: 32
            case .p384: 48
            case .p521: 66
            }
        }

        /// The only JWS algorithm libtrust accepts for keys on this curve.
        public var algorithm: String {
            switch self {
            case .p256: "ES256"
            case .p384: "ES384"
            case .p521: "ES512"
            }
        }

        /// DER of the namedCurve OID.
        var oidDER: [UInt8] {
            switch self {
            case .p256: [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
            case .p384: [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]
            case .p521: [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23]
            }
        }
    }

    public enum Key: Sendable, Equatable {
        /// Coordinates exactly `curve.coordinateLength` bytes each, big-endian.
        case ec(curve: Curve, x: [UInt8], y: [UInt8])
        /// Minimal big-endian modulus and exponent.
        case rsa(modulus: [UInt8], exponent: [UInt8])
    }

    public var key: Key
    /// The `kid` as written, when present (always equal to `keyID` after a successful parse).
    public var kid: String?
    /// Members libtrust does not interpret; it keeps them and writes them back out.
    var extended: [JSONValue.Member] = []

    init(key: Key, kid: String? = nil) {
        self.key = key
        self.kid = kid
    }

    static func ec(_ curve: Curve, x963: [UInt8]) -> JWK {
        let n = curve.coordinateLength
        guard x963.count == 1 + 2 * n else { return JWK(key: .ec(curve: curve, x: [], y: [])) }
        return JWK(key: .ec(curve: curve, x: Array(x963[1...n]), y: Array(x963[(n + 1)...])))
    }

    public var keyType: String {
        if case .ec = key { return "EC" }
        return "RSA"
    }

    /// DER SubjectPublicKeyInfo built from the key numbers, as Go's `x509.MarshalPKIXPublicKey`.
    public var spkiDER: [UInt8] {
        switch key {
        case .ec(let curve, let x, let y):
            let ecPublicKeyOID: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
            let algorithm = DER.tlv(0x30, ecPublicKeyOID + curve.oidDER)
            return DER.tlv(0x30, algorithm + DER.tlv(0x03, [0x00, 0x04] + x + y))
        case .rsa(let n, let e):
            return DER.rsaSPKI(modulus: n, exponent: e)
        }
    }

    /// The libtrust key ID computed from the key (not the `kid` text).
    public var keyID: String { LibtrustKeyID.keyID(spkiDER: spkiDER) }

    /// A crypto key for verification.
    public func publicKey() -> Result<LibtrustPublicKey, JWSError> {
        switch key {
        case .ec(let curve, let x, let y):
            let x963 = [0x04] + x + y
            switch curve {
            case .p256: if let k = try? P256.Signing.PublicKey(x963Representation: x963) { return .success(.p256(k)) }
            case .p384: if let k = try? P384.Signing.PublicKey(x963Representation: x963) { return .success(.p384(k)) }
            case .p521: if let k = try? P521.Signing.PublicKey(x963Representation: x963) { return .success(.p521(k)) }
            }
            return .failure(.invalidJWK("JWK EC Public Key: point is not on curve \(curve.rawValue)"))
        case .rsa(let n, let e):
            // The unsafe initializer admits 1024-bit keys, which libtrust-era signers produced.
            guard let k = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: spkiDER) else {
                return .failure(.invalidJWK("JWK RSA Public Key: unsupported key (\(n.count * 8)-bit modulus, \(e.count)-byte exponent)"))
            }
            return .success(.rsa(k))
        }
    }

    // MARK: Parsing

    /// Parses a public JWK as libtrust's `UnmarshalPublicKeyJWK` does.
    public static func parse(json: [UInt8]) -> Result<JWK, JWSError> {
        switch LibtrustJWS.decodeJSON(json) {
        case .success(let d): return parse(value: d.value(d.root))
        case .failure(let e): return .failure(.invalidJWK("decoding JWK Public Key JSON data: \(e)"))
        }
    }

    static func parse(value: JSONValue) -> Result<JWK, JWSError> {
        var map: [String: JSONValue]
        switch value {
        case .null: map = [:] // Go leaves its map empty for null
        case .object(let members):
            map = [:]
            for m in members { map[m.key] = m.value }
        default:
            return .failure(.invalidJWK("decoding JWK Public Key JSON data: json: cannot unmarshal \(value.goTypeName) into Go value of type map[string]interface {}"))
        }
        do {
            let kty = try take(&map, "kty", "JWK Public Key type")
            var jwk: JWK
            switch kty {
            case "EC": jwk = try parseEC(&map)
            case "RSA": jwk = try parseRSA(&map)
            default: throw JWSError.invalidJWK("JWK Public Key type not supported: \(goQuote(kty))")
            }
            jwk.extended = map.map { JSONValue.Member(key: $0.key, value: $0.value.asGoInterface) }
                .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            return .success(jwk)
        } catch let e as JWSError {
            return .failure(e)
        } catch {
            return .failure(.invalidJWK("\(error)"))
        }
    }

    /// libtrust's `stringFromMap`, which also removes the key so leftovers become extended fields.
    private static func take(_ map: inout [String: JSONValue], _ key: String, _ context: String) throws(JWSError) -> String {
        guard let v = map.removeValue(forKey: key) else {
            throw .invalidJWK("\(context): \(goQuote(key)) value not specified")
        }
        guard case .string(let s) = v else { throw .invalidJWK("\(context): \(goQuote(key)) value must be a string") }
        return s
    }

    private static func checkKid(_ map: inout [String: JSONValue], _ jwk: inout JWK, _ context: String) throws(JWSError) {
        guard map["kid"] != nil else { return }
        let kid = try take(&map, "kid", "\(context) ID")
        guard kid == jwk.keyID else { throw .invalidJWK("\(context) ID does not match: \(kid)") }
        jwk.kid = kid
    }

    private static func parseEC(_ map: inout [String: JSONValue]) throws(JWSError) -> JWK {
        let crvName = try take(&map, "crv", "JWK EC Public Key curve identifier")
        guard let curve = Curve(rawValue: crvName) else {
            throw .invalidJWK("JWK EC Public Key curve identifier not supported: \(goQuote(crvName))")
        }
        func coordinate(_ name: String) throws(JWSError) -> [UInt8] {
            let context = "JWK EC Public Key \(name)-coordinate"
            let text = try take(&map, name, context)
            guard case .success(let bytes) = Base64URL.decode(text) else {
                throw .invalidJWK("\(context): invalid base64 URL encoding: illegal base64url string")
            }
            guard bytes.count == curve.coordinateLength else {
                throw .invalidJWK("\(context): invalid number of octets: got \(bytes.count), should be \(curve.coordinateLength)")
            }
            return bytes
        }
        let x = try coordinate("x")
        let y = try coordinate("y")
        var jwk = JWK(key: .ec(curve: curve, x: x, y: y))
        try checkKid(&map, &jwk, "JWK EC Public Key")
        return jwk
    }

    private static func parseRSA(_ map: inout [String: JSONValue]) throws(JWSError) -> JWK {
        func param(_ name: String, _ context: String) throws(JWSError) -> [UInt8] {
            let text = try take(&map, name, context)
            guard case .success(let bytes) = Base64URL.decode(text) else {
                throw .invalidJWK("\(context): invalid base64 URL encoding: illegal base64url string")
            }
            return Array(bytes.drop { $0 == 0 })
        }
        let n = try param("n", "JWK RSA Public Key modulus")
        let e = try param("e", "JWK RSA Public Key exponent")
        // libtrust reads e into a 32-bit integer; longer values would crash it.
        guard e.count <= 4 else { throw .invalidJWK("JWK RSA Public Key exponent: exponent is longer than 4 bytes") }
        var jwk = JWK(key: .rsa(modulus: n, exponent: e))
        try checkKid(&map, &jwk, "JWK RSA Public Key")
        guard map["d"] == nil else { throw .invalidJWK("JWK RSA Public Key cannot contain private exponent") }
        return jwk
    }

    // MARK: Output

    /// The JSON value libtrust's `MarshalJSON` writes: extended fields plus the key, kid recomputed,
    /// all keys sorted.
    var goValue: JSONValue {
        var entries = extended.map { ($0.key, $0.value) }
        entries.append(("kty", .string(keyType)))
        entries.append(("kid", .string(keyID)))
        switch key {
        case .ec(let curve, let x, let y):
            entries.append(("crv", .string(curve.rawValue)))
            entries.append(("x", .string(Base64URL.encode(x))))
            entries.append(("y", .string(Base64URL.encode(y))))
        case .rsa(let n, let e):
            entries.append(("n", .string(Base64URL.encode(n))))
            entries.append(("e", .string(Base64URL.encode(e.isEmpty ? [0] : e))))
        }
        return .goMap(entries)
    }

    /// Compact JSON as libtrust writes it.
    public func jsonBytes() -> [UInt8] { GoJSONWriter.marshal(goValue) }

    public static func == (a: JWK, b: JWK) -> Bool {
        a.key == b.key && a.kid == b.kid && a.extended.map(\.key) == b.extended.map(\.key)
            && a.extended.map(\.value) == b.extended.map(\.value)
    }
}
