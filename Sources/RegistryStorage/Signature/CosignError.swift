public enum CosignError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidPublicKey(String)
    case invalidBase64
    case malformedSignature
    case invalidSignature
    case malformedPayload(String)
    case missingField(String)
    case invalidDigest(String)

    public var description: String {
        switch self {
        case .invalidPublicKey(let why): "invalid public key: \(why)"
        case .invalidBase64: "signature is not valid base64"
        case .malformedSignature: "signature is neither DER nor raw r||s of the key's size"
        case .invalidSignature: "invalid signature when validating ASN.1 encoded signature"
        case .malformedPayload(let why): "malformed simple signing payload: \(why)"
        case .missingField(let name): "simple signing payload lacks \(name)"
        case .invalidDigest(let text): "invalid docker-manifest-digest \(goQuote(text))"
        }
    }
}

/// Checks cosign key-based signatures over simple-signing payloads. Certificates, Rekor bundles
/// and timestamps are out of scope: this answers only "does this key sign these bytes".
