import Crypto
import _CryptoExtras
import Foundation

/// A public key that can check libtrust JWS signatures (storage-format §4.5).
public enum LibtrustPublicKey: Sendable {
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)
    case p521(P521.Signing.PublicKey)
    case rsa(_RSA.Signing.PublicKey)

    /// DER SubjectPublicKeyInfo, the input of the key ID.
    public var spkiDER: [UInt8] {
        switch self {
        case .p256(let k): Array(k.derRepresentation)
        case .p384(let k): Array(k.derRepresentation)
        case .p521(let k): Array(k.derRepresentation)
        case .rsa(let k): Array(k.derRepresentation)
        }
    }

    public var keyID: String { LibtrustKeyID.keyID(spkiDER: spkiDER) }

    /// The JWK libtrust would write for this key (no extra fields).
    public var jwk: JWK {
        switch self {
        case .p256(let k): JWK.ec(.p256, x963: Array(k.x963Representation))
        case .p384(let k): JWK.ec(.p384, x963: Array(k.x963Representation))
        case .p521(let k): JWK.ec(.p521, x963: Array(k.x963Representation))
        case .rsa(let k):
            // getKeyPrimitives only fails for keys BoringSSL could not have produced.
            if let p = try? k.getKeyPrimitives() {
                JWK(key: .rsa(modulus: Array(p.modulus.drop { $0 == 0 }), exponent: Array(p.publicExponent.drop { $0 == 0 })))
            } else {
                JWK(key: .rsa(modulus: [], exponent: []))
            }
        }
    }

    /// libtrust's `Verify(data, alg, signature)`: returns nil when the signature is good, else
    /// the error libtrust would report.
    public func verify(signingInput: [UInt8], algorithm: String, signature: [UInt8]) -> JWSError? {
        switch self {
        case .p256(let k):
            return ecCheck(.p256, algorithm, signature) {
                guard let s = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
                return k.isValidSignature(s, for: signingInput)
            }
        case .p384(let k):
            return ecCheck(.p384, algorithm, signature) {
                guard let s = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
                return k.isValidSignature(s, for: signingInput)
            }
        case .p521(let k):
            return ecCheck(.p521, algorithm, signature) {
                guard let s = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
                return k.isValidSignature(s, for: signingInput)
            }
        case .rsa(let k):
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let ok: Bool
            switch algorithm {
            case "RS256": ok = k.isValidSignature(sig, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
            case "RS384": ok = k.isValidSignature(sig, for: SHA384.hash(data: signingInput), padding: .insecurePKCS1v1_5)
            case "RS512": ok = k.isValidSignature(sig, for: SHA512.hash(data: signingInput), padding: .insecurePKCS1v1_5)
            default: return .unsupportedRSAAlgorithm(algorithm)
            }
            return ok ? nil : .invalidRSASignature(algorithm: algorithm)
        }
    }

    /// EC keys accept only their own curve's algorithm and an exact r‖s length.
    private func ecCheck(_ curve: JWK.Curve, _ algorithm: String, _ signature: [UInt8], _ check: () -> Bool) -> JWSError? {
        guard algorithm == curve.algorithm else {
            return .curveAlgorithmMismatch(curve: curve.rawValue, algorithm: algorithm)
        }
        guard signature.count == 2 * curve.coordinateLength else {
            return .signatureLength(actual: signature.count, expected: 2 * curve.coordinateLength)
        }
        return check() ? nil : .invalidSignature
    }

    /// Reads a DER SubjectPublicKeyInfo (EC P-256/384/521 or RSA).
    public static func fromSPKI(_ der: [UInt8]) -> Result<LibtrustPublicKey, JWSError> {
        if let k = try? P256.Signing.PublicKey(derRepresentation: der) { return .success(.p256(k)) }
        if let k = try? P384.Signing.PublicKey(derRepresentation: der) { return .success(.p384(k)) }
        if let k = try? P521.Signing.PublicKey(derRepresentation: der) { return .success(.p521(k)) }
        if let k = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: der) { return .success(.rsa(k)) }
        return .failure(.unsupportedKey("public key type is not supported"))
    }
}
