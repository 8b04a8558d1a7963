import Crypto
import _CryptoExtras
import X509

/// Public keys from x5c certificates.
enum X5CKey {
    static func publicKey(of certificate: Certificate) -> Result<LibtrustPublicKey, JWSError> {
        let spki = certificate.publicKey
        if let k = P256.Signing.PublicKey(spki) { return .success(.p256(k)) }
        if let k = P384.Signing.PublicKey(spki) { return .success(.p384(k)) }
        if let k = P521.Signing.PublicKey(spki) { return .success(.p521(k)) }
        if let k = _RSA.Signing.PublicKey(spki) { return .success(.rsa(k)) }
        return .failure(.unsupportedKey("public key type in x5c certificate is not supported"))
    }
}
