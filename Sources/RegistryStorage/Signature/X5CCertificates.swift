import Crypto
import _CryptoExtras
import Foundation
import X509

/// Certificates for x5c-signed schema1 documents: issuing (tests and demo stores) and reading.
/// libtrust never validates x5c chains in `Verify()`, so nothing here checks trust either.
public enum X5CCertificates {
    /// Issues a certificate for `key` named `CN=<commonName>`, signed by `issuer` (self-signed when
    /// nil). Returns DER. `isAuthority` adds a CA basic constraint.
    public static func issue(commonName: String, key: SigningKey, issuer: (commonName: String, key: SigningKey)? = nil,
                             isAuthority: Bool = false) -> Result<[UInt8], JWSError> {
        guard let subjectPublic = certificatePublicKey(key), let signer = certificatePrivateKey(issuer?.key ?? key) else {
            return .failure(.unsupportedKey("nested x5c keys cannot issue certificates"))
        }
        do {
            let subject = try DistinguishedName { CommonName(commonName) }
            let issuerName = try issuer.map { i in try DistinguishedName { CommonName(i.commonName) } } ?? subject
            var serial = [UInt8]((0..<16).map { _ in UInt8.random(in: 0...255) })
            serial[0] &= 0x7F
            let now = Date()
            let extensions = isAuthority
                ? try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) }
                : Certificate.Extensions()
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(bytes: serial),
                publicKey: subjectPublic,
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
                issuer: issuerName,
                subject: subject,
                extensions: extensions,
                issuerPrivateKey: signer
            )
            return .success(try certificate.serializeAsPEM().derBytes)
        } catch {
            return .failure(.signingFailed("cannot issue certificate: \(error)"))
        }
    }

    /// Subject of a DER certificate as `CN=…` text, or nil if it does not parse.
    public static func subject(ofDER der: [UInt8]) -> String? {
        (try? Certificate(derEncoded: der))?.subject.description
    }

    /// The public key of a DER certificate, for checking x5c signatures.
    public static func publicKey(ofDER der: [UInt8]) -> Result<LibtrustPublicKey, JWSError> {
        guard let certificate = try? Certificate(derEncoded: der) else {
            return .failure(.invalidCertificate("x509: malformed certificate"))
        }
        return X5CKey.publicKey(of: certificate)
    }

    private static func certificatePublicKey(_ key: SigningKey) -> Certificate.PublicKey? {
        switch key {
        case .p256(let k): Certificate.PublicKey(k.publicKey)
        case .p384(let k): Certificate.PublicKey(k.publicKey)
        case .p521(let k): Certificate.PublicKey(k.publicKey)
        case .rsa(let k): Certificate.PublicKey(k.publicKey)
        case .x5c: nil
        }
    }

    private static func certificatePrivateKey(_ key: SigningKey) -> Certificate.PrivateKey? {
        switch key {
        case .p256(let k): Certificate.PrivateKey(k)
        case .p384(let k): Certificate.PrivateKey(k)
        case .p521(let k): Certificate.PrivateKey(k)
        case .rsa(let k): Certificate.PrivateKey(k)
        case .x5c: nil
        }
    }
}
