import Foundation

/// A signed schema1 document, split as libtrust's `ParsePrettySignature` splits it (storage-format §4.3).
public struct ParsedSchema1JWS: Sendable, Equatable {
    /// The signed bytes: document `[0, formatLength)` + `formatTail`. Digest and revision blob use these.
    public var payload: [UInt8]
    public var formatLength: Int
    public var formatTail: [UInt8]
    public var signatures: [JWSSignatureEntry]

    /// sha256 of the payload: the manifest's digest in every era (storage-format §4.10).
    public var payloadDigest: Digest { Digest.sha256(of: payload) }

    /// libtrust's indent detection on the payload (whitespace between `{\n` and the first `"`).
    public var indent: String { LibtrustJWS.detectIndent(payload) }

    /// Checks every signature, in order, never stopping at the first failure (libtrust's `Verify()`
    /// stops; a browser wants all verdicts). The x5c chain is not validated, as in `Verify()`.
    public func verify() -> [SignatureVerification] {
        let encodedPayload = Array(Base64URL.encode(payload).utf8)
        return signatures.map { entry in
            let input = Array(entry.protectedHeader.utf8) + [UInt8(ascii: ".")] + encodedPayload
            return LibtrustJWS.verify(entry, signingInput: input)
        }
    }
}
