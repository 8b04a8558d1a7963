import Foundation

/// One element of a schema1 document's `signatures` array.
public struct JWSSignatureEntry: Sendable, Equatable {
    /// The header's `alg`, as written.
    public var algorithm: String
    /// The `protected` string exactly as in the document (base64url); part of the signing input.
    public var protectedHeader: String
    /// The `signature` string as in the document (base64url).
    public var signature: String
    public var jwk: JWK?
    /// Why the header's `jwk` was rejected. libtrust fails the whole parse here; we keep parsing so
    /// that every signature gets its own verdict, and `verify()` reports this one as invalid.
    public var jwkError: JWSError?
    /// x5c certificates, DER, first is the signer. An entry that is not valid base64 is empty here.
    public var x5c: [[UInt8]]
    /// x5c entries as written (standard base64), kept for faithful re-serialization.
    public var x5cEncoded: [String]
    /// The `header` object's bytes exactly as they appear in the document (empty if absent).
    public var rawHeaderJSON: [UInt8]
    /// The decoded protected header JSON (`formatLength`, `formatTail`, `time`).
    public var protectedJSON: [UInt8]
    /// The protected header's `time`, informational only.
    public var time: String?
    /// The header's `jwk` value as parsed, for re-serializing a key we could not interpret.
    var jwkValue: JSONValue?

    /// The key ID of the signing key when it is known without verifying (from the JWK).
    public var keyID: String? { jwk?.keyID }

    package init(
        algorithm: String, protectedHeader: String, signature: String, jwk: JWK?, jwkError: JWSError?, x5c: [[UInt8]],
        x5cEncoded: [String], rawHeaderJSON: [UInt8], protectedJSON: [UInt8], time: String?, jwkValue: JSONValue? = nil
    ) {
        self.algorithm = algorithm
        self.protectedHeader = protectedHeader
        self.signature = signature
        self.jwk = jwk
        self.jwkError = jwkError
        self.x5c = x5c
        self.x5cEncoded = x5cEncoded
        self.rawHeaderJSON = rawHeaderJSON
        self.protectedJSON = protectedJSON
        self.time = time
        self.jwkValue = jwkValue
    }
}
