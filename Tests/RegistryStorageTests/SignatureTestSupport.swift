import Crypto
import Foundation
import _CryptoExtras
@testable import RegistryStorage

/// Shared material for the signature tests: sample payloads, keys, and document surgery.
enum SignatureSamples {
    /// An indented schema1 payload as docker 1.x produced (3-space indent, ends `\n}`).
    static let indentedPayload = Array("""
    {
       "schemaVersion": 1,
       "name": "demo/app",
       "tag": "latest",
       "architecture": "amd64",
       "fsLayers": [
          {
             "blobSum": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
          }
       ],
       "history": [
          {
             "v1Compatibility": "{\\"id\\":\\"af340544ed62de0680f441c71fa1a80cb084678fed42bae393e543faea3a572c\\"}"
          }
       ]
    }
    """.utf8)

    /// A compact payload as skopeo pushed it (no indent, ends `"schemaVersion":1}`).
    static let compactPayload = Array(#"{"name":"demo/app","tag":"v1","architecture":"amd64","fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],"history":[{"v1Compatibility":"{}"}],"schemaVersion":1}"#.utf8)

    static let fixedTime = "2024-01-02T03:04:05Z"

    static func sign(_ payload: [UInt8], _ keys: [SigningKey]) throws -> [UInt8] {
        try LibtrustJWS.sign(payload: payload, with: keys, time: fixedTime).get()
    }

    static func parse(_ document: [UInt8]) throws -> ParsedSchema1JWS {
        try LibtrustJWS.parse(document: document).get()
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Replaces the first occurrence of `old` in the document (which must contain it).
    static func replacing(_ old: String, with new: String, in document: [UInt8]) -> [UInt8] {
        let t = text(document)
        guard let r = t.range(of: old) else { return document }
        return Array(t.replacingCharacters(in: r, with: new).utf8)
    }

    /// Flips one bit of byte `index` of a document.
    static func flipping(_ index: Int, in document: [UInt8]) -> [UInt8] {
        var d = document
        d[index] ^= 0x01
        return d
    }

    /// A protected header (base64url) with the given JSON.
    static func protected(_ json: String) -> String { Base64URL.encode(Array(json.utf8)) }

    static func rsaKey() throws -> _RSA.Signing.PrivateKey {
        try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }
}

extension Result {
    /// The failure, for `#expect(result.signatureFailure == …)`.
    var signatureFailure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
