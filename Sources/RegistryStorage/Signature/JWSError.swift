/// Failures from parsing, verifying, signing and reassembling libtrust schema1 signatures.
/// Descriptions use libtrust's wording (storage-format §4.8), because the registry decides between
/// MANIFEST_UNVERIFIED and UNKNOWN by the exact error, and a browser should show the same text.
public enum JWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The document has no `signatures` key (`ErrMissingSignatureKey`).
    case missingSignatureKey
    /// `signatures` is empty or null. libtrust accepts that and "verifies" zero keys; we refuse,
    /// since an unsigned document must never look verified.
    case noSignatures
    /// Content to sign or reassemble does not end in `}` or has `,` before it (`ErrInvalidJSONContent`).
    case invalidJSONContent
    case malformedJSON(String)
    case illegalBase64URL
    case missingFormatLength
    case missingFormatTail
    case conflictingFormatLength
    case conflictingFormatTail
    /// formatLength beyond the document, negative, or not representable.
    case invalidFormatLength
    /// A JWK was rejected; the text is libtrust's (e.g. `JWK EC Public Key ID does not match: …`).
    case invalidJWK(String)
    case missingPublicKey
    /// ECDSA verification failure: the one failure the registry reports as MANIFEST_UNVERIFIED.
    case invalidSignature
    case signatureLength(actual: Int, expected: Int)
    case curveAlgorithmMismatch(curve: String, algorithm: String)
    case invalidRSASignature(algorithm: String)
    case unsupportedRSAAlgorithm(String)
    case invalidCertificate(String)
    case unsupportedKey(String)
    case signingFailed(String)
    /// An error with libtrust's prefix, e.g. `base64 decode error: illegal base64url string`.
    indirect case context(String, JWSError)

    public var description: String {
        switch self {
        case .missingSignatureKey: "missing signature key"
        case .noSignatures: "no signatures"
        case .invalidJSONContent: "invalid json content"
        case .malformedJSON(let what): what
        case .illegalBase64URL: "illegal base64url string"
        case .missingFormatLength: "missing formatted length"
        case .missingFormatTail: "missing formatted tail"
        case .conflictingFormatLength: "conflicting format length"
        case .conflictingFormatTail: "conflicting format tail"
        case .invalidFormatLength: "invalid format length"
        case .invalidJWK(let what): what
        case .missingPublicKey: "missing public key"
        case .invalidSignature: "invalid signature"
        case .signatureLength(let actual, let expected):
            "signature length is \(actual) octets long, should be \(expected)"
        case .curveAlgorithmMismatch(let curve, let alg):
            "unable to verify signature: EC Public Key with curve \(goQuote(curve)) does not support signature algorithm \(goQuote(alg))"
        case .invalidRSASignature(let alg): "invalid \(alg) signature: crypto/rsa: verification error"
        case .unsupportedRSAAlgorithm(let alg):
            "unable to verify Signature: RSA Digital Signature Algorithm \(goQuote(alg)) not supported"
        case .invalidCertificate(let what): what
        case .unsupportedKey(let what): what
        case .signingFailed(let what): what
        case .context(let prefix, let inner): "\(prefix): \(inner)"
        }
    }

    /// The error with any libtrust prefixes removed.
    public var root: JWSError {
        if case .context(_, let inner) = self { return inner.root }
        return self
    }

    /// Whether registry 2.x would answer MANIFEST_UNVERIFIED (rather than UNKNOWN) for this error
    /// (2.8.2 `signedmanifesthandler.go`, SEED `manifeststore.go`).
    public var isManifestUnverified: Bool {
        self == .missingSignatureKey || self == .invalidJSONContent || description == "invalid signature"
    }
}

/// Go's `%q` for the plain ASCII strings these messages carry.
func goQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// The result of checking one signature of a schema1 document.
public struct SignatureVerification: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case valid
        case invalid(reason: String)
    }

    /// libtrust key ID of the key that was tried (from the JWK or the first x5c certificate).
    public var keyID: String?
    /// The `alg` header value as written.
    public var algorithm: String
    /// Subject of the first x5c certificate, e.g. `CN=signer`.
    public var certificateSubject: String?
    /// Number of x5c entries (0 for a JWK signature). The chain itself is never validated,
    /// as libtrust's `Verify()` does not validate it either.
    public var chainLength: Int
    public var result: Outcome
    /// The structured error behind an `.invalid` result.
    public var error: JWSError?

    public init(keyID: String?, algorithm: String, certificateSubject: String? = nil, chainLength: Int = 0,
                result: Outcome, error: JWSError? = nil) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.certificateSubject = certificateSubject
        self.chainLength = chainLength
        self.result = result
        self.error = error
    }

    public var isValid: Bool { result == .valid }
}
