import Crypto
import _CryptoExtras
import Foundation
import X509

/// A private key for signing schema1 documents the way libtrust does.
public enum SigningKey: Sendable {
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    case p521(P521.Signing.PrivateKey)
    /// Signs RS256: libtrust's JSONSignature always asks for SHA-256.
    case rsa(_RSA.Signing.PrivateKey)
    /// Sign with `key` but publish `chain` (DER certificates, signer first) as x5c instead of a JWK.
    indirect case x5c(SigningKey, chain: [[UInt8]])

    public var publicKey: LibtrustPublicKey {
        switch self {
        case .p256(let k): .p256(k.publicKey)
        case .p384(let k): .p384(k.publicKey)
        case .p521(let k): .p521(k.publicKey)
        case .rsa(let k): .rsa(k.publicKey)
        case .x5c(let inner, _): inner.publicKey
        }
    }

    public var keyID: String { publicKey.keyID }

    /// Produces the JWS signature bytes and the `alg` value for a signing input.
    func sign(_ input: [UInt8]) throws -> (signature: [UInt8], algorithm: String) {
        switch self {
        case .p256(let k): return (Array(try k.signature(for: input).rawRepresentation), "ES256")
        case .p384(let k): return (Array(try k.signature(for: input).rawRepresentation), "ES384")
        case .p521(let k): return (Array(try k.signature(for: input).rawRepresentation), "ES512")
        case .rsa(let k):
            let sig = try k.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
            return (Array(sig.rawRepresentation), "RS256")
        case .x5c(let inner, _): return try inner.sign(input)
        }
    }
}

extension LibtrustJWS {
    /// Signs `payload` as libtrust's `NewJSONSignature` + `Sign`/`SignWithChain` + `PrettySignature`
    /// do, one signature per key, and returns the pretty document.
    public static func sign(payload: [UInt8], with keys: [SigningKey], time: String = LibtrustJWS.currentTime()) -> Result<[UInt8], JWSError> {
        let layout: ContentLayout
        switch analyzeContent(payload) {
        case .success(let l): layout = l
        case .failure(let e): return .failure(e)
        }
        guard !keys.isEmpty else { return .failure(.noSignatures) }
        let tail = Array(payload[layout.formatLength...])
        let protectedJSON = GoJSONWriter.marshal(.goMap([
            ("formatLength", .number(String(layout.formatLength))),
            ("formatTail", .string(Base64URL.encode(tail))),
            ("time", .string(time)),
        ]))
        let protected = Base64URL.encode(protectedJSON)
        let input = Array((protected + "." + Base64URL.encode(payload)).utf8)
        var entries = [JWSSignatureEntry]()
        for key in keys {
            var entry = JWSSignatureEntry(algorithm: "", protectedHeader: protected, signature: "", jwk: nil, jwkError: nil,
                                          x5c: [], x5cEncoded: [], rawHeaderJSON: [], protectedJSON: protectedJSON, time: time)
            if case .x5c(let inner, let chain) = key {
                if case .x5c = inner { return .failure(.signingFailed("nested x5c signing keys are not supported")) }
                guard let first = chain.first else { return .failure(.signingFailed("x5c chain is empty")) }
                guard let cert = try? Certificate(derEncoded: first) else {
                    return .failure(.invalidCertificate("x5c certificate is not valid DER"))
                }
                guard case .success(let certKey) = X5CKey.publicKey(of: cert), certKey.spkiDER == inner.publicKey.spkiDER else {
                    return .failure(.signingFailed("the first x5c certificate does not hold the signing key's public key"))
                }
                entry.x5c = chain
                entry.x5cEncoded = chain.map { Base64URL.encodeStandard($0) }
            } else {
                entry.jwk = key.publicKey.jwk
            }
            do {
                let (signature, algorithm) = try key.sign(input)
                entry.signature = Base64URL.encode(signature)
                entry.algorithm = algorithm
            } catch {
                return .failure(.signingFailed("error producing signature: \(error)"))
            }
            entries.append(entry)
        }
        return .success(prettyDocument(payload: payload, formatLength: layout.formatLength, indent: layout.indent, entries: entries))
    }

    /// Now as RFC 3339 UTC with whole seconds, as libtrust writes `time`.
    public static func currentTime() -> String {
        let seconds = Int(Date().timeIntervalSince1970)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rem = seconds - days * 86400
        // Civil-from-days (proleptic Gregorian), to avoid locale-dependent formatters.
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60))Z"
    }
}

extension JWK {
    /// Parses a private JWK (EC with `d`, or RSA with `d`, `p`, `q`) into a signing key, e.g. a
    /// `compatibility.schema1.signingkeyfile` in JWK form. The public part is checked as for `parse`.
    public static func parsePrivateKey(json: [UInt8]) -> Result<SigningKey, JWSError> {
        guard case .success(let document) = LibtrustJWS.decodeJSON(json), case let value = document.value(document.root), case .object = value else {
            return .failure(.invalidJWK("decoding JWK Private Key JSON data: not a JSON object"))
        }
        func param(_ name: String, _ context: String) -> Result<[UInt8], JWSError> {
            guard case .string(let text)? = value[name] else {
                return .failure(.invalidJWK("\(context): \(goQuote(name)) value not specified"))
            }
            guard case .success(let bytes) = Base64URL.decode(text) else {
                return .failure(.invalidJWK("\(context): invalid base64 URL encoding: illegal base64url string"))
            }
            return .success(bytes)
        }
        // Strip private members so the public parser (which rejects RSA `d`) sees only the public key.
        guard case .object(let members) = value else { return .failure(.invalidJWK("not a JSON object")) }
        let privateNames: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth"]
        let publicPart = JSONValue.object(members.filter { !privateNames.contains($0.key) })
        let jwk: JWK
        switch JWK.parse(value: publicPart) {
        case .success(let k): jwk = k
        case .failure(let e): return .failure(e)
        }
        switch jwk.key {
        case .ec(let curve, _, _):
            let d: [UInt8]
            switch param("d", "JWK EC Private Key") {
            case .success(let b): d = b
            case .failure(let e): return .failure(e)
            }
            let key: SigningKey
            do {
                switch curve {
                case .p256: key = .p256(try P256.Signing.PrivateKey(rawRepresentation: d))
                case .p384: key = .p384(try P384.Signing.PrivateKey(rawRepresentation: d))
                case .p521: key = .p521(try P521.Signing.PrivateKey(rawRepresentation: d))
                }
            } catch {
                return .failure(.invalidJWK("JWK EC Private Key d-param: invalid number of octets: got \(d.count), should be \(curve.coordinateLength)"))
            }
            guard key.publicKey.jwk.key == jwk.key else {
                return .failure(.invalidJWK("JWK EC Private Key: d does not match x and y"))
            }
            return .success(key)
        case .rsa(let n, let e):
            var parts = [[UInt8]]()
            for (name, context) in [("d", "JWK RSA Private Key exponent"), ("p", "JWK RSA Private Key prime factor"),
                                    ("q", "JWK RSA Private Key prime factor")] {
                switch param(name, context) {
                case .success(let b): parts.append(b)
                case .failure(let err): return .failure(err)
                }
            }
            do {
                return .success(.rsa(try _RSA.Signing.PrivateKey(n: n, e: e, d: parts[0], p: parts[1], q: parts[2])))
            } catch {
                return .failure(.invalidJWK("JWK RSA Private Key: \(error)"))
            }
        }
    }
}
