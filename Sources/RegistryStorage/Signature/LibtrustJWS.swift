import Crypto
import _CryptoExtras
import Foundation
import X509

public enum LibtrustJWS {
    /// Parses a signed schema1 document in libtrust's "pretty signature" form.
    public static func parse(document: [UInt8]) -> Result<ParsedSchema1JWS, JWSError> {
        let json: JSONDocument
        switch decodeJSON(document) {
        case .success(let d): json = d
        case .failure(let e): return .failure(.context("error unmarshalling content", e))
        }
        let root = json.root
        guard json.kind(root) == .object else {
            return .failure(.context("error unmarshalling content", .malformedJSON("document is a JSON \(json.kind(root).goTypeName), not an object")))
        }
        guard let signaturesValue = json.member(root, "signatures") else { return .failure(.missingSignatureKey) }
        let blocks: [Int]
        switch json.kind(signaturesValue) {
        case .array: blocks = Array(json.elements(signaturesValue))
        case .null: blocks = []
        default:
            return .failure(.context("error unmarshalling signatures", .malformedJSON("signatures is a JSON \(json.kind(signaturesValue).goTypeName), not an array")))
        }
        guard !blocks.isEmpty else { return .failure(.noSignatures) }

        var formatLength = 0
        var formatTail = [UInt8]()
        var entries = [JWSSignatureEntry]()
        for block in blocks {
            let entry: JWSSignatureEntry
            switch parseEntry(json, block) {
            case .success(let e): entry = e
            case .failure(let e): return .failure(e)
            }
            let protectedBytes: [UInt8]
            switch Base64URL.decode(entry.protectedHeader) {
            case .success(let b): protectedBytes = b
            case .failure(let e): return .failure(.context("base64 decode error", e))
            }
            let header: JSONDocument
            switch decodeJSON(protectedBytes) {
            case .success(let d): header = d
            case .failure(let e): return .failure(.context("error unmarshalling protected header", e))
            }
            let headerKind = header.kind(header.root)
            guard headerKind == .object || headerKind == .null else {
                return .failure(.context("error unmarshalling protected header", .malformedJSON("protected header is a JSON \(headerKind.goTypeName)")))
            }
            guard let lengthValue = header.mapMember(header.root, "formatLength"), header.kind(lengthValue) == .number else {
                return .failure(.missingFormatLength)
            }
            guard let length = goInt(header.numberText(lengthValue)) else { return .failure(.invalidFormatLength) }
            guard let tailValue = header.mapMember(header.root, "formatTail"), header.kind(tailValue) == .string else {
                return .failure(.missingFormatTail)
            }
            let tailText = header.string(tailValue)
            let tail: [UInt8]
            switch Base64URL.decode(tailText) {
            case .success(let b): tail = b
            case .failure(let e): return .failure(.context("base64 decode error on tail", e))
            }
            // libtrust treats 0 / empty as "not yet set", so only non-empty values can conflict.
            if formatLength == 0 {
                formatLength = length
            } else if formatLength != length {
                return .failure(.conflictingFormatLength)
            }
            if formatTail.isEmpty {
                formatTail = tail
            } else if formatTail != tail {
                return .failure(.conflictingFormatTail)
            }
            var withTime = entry
            withTime.protectedJSON = protectedBytes
            if let t = header.mapMember(header.root, "time"), header.kind(t) == .string { withTime.time = header.string(t) }
            entries.append(withTime)
        }
        // libtrust checks only the upper bound; a negative length would crash it.
        guard formatLength >= 0, formatLength <= document.count else { return .failure(.invalidFormatLength) }
        let payload = Array(document[0..<formatLength]) + formatTail
        return .success(ParsedSchema1JWS(payload: payload, formatLength: formatLength, formatTail: formatTail, signatures: entries))
    }

    /// Go's `json.Unmarshal` as libtrust calls it, its errors as `JWSError`.
    static func decodeJSON(_ bytes: [UInt8]) -> Result<JSONDocument, JWSError> {
        do {
            return .success(try JSONDocument.parseGo(bytes))
        } catch {
            return .failure(.malformedJSON(error.description))
        }
    }

    /// Go's `int(float64)` for a JSON number, refusing what Go could not represent.
    static func goInt(_ literal: String) -> Int? {
        guard let d = Double(literal), d.isFinite else { return nil }
        let t = d.rounded(.towardZero)
        guard t >= -9.0e18, t <= 9.0e18 else { return nil }
        return Int(t)
    }

    /// Decodes one signature block with Go struct rules: fields matched case-insensitively,
    /// null leaves a field empty, any other type mismatch fails the whole parse.
    static func parseEntry(_ json: JSONDocument, _ blockIndex: Int) -> Result<JWSSignatureEntry, JWSError> {
        func mismatch(_ what: String) -> Result<JWSSignatureEntry, JWSError> {
            .failure(.context("error unmarshalling signatures", .malformedJSON(what)))
        }
        func string(_ v: JSONValue?) -> String?? {
            switch v {
            case nil, .null?: return .some(nil)
            case .string(let s)?: return .some(s)
            default: return nil
            }
        }
        let block = json.value(blockIndex)
        if case .object = block {} else if block != .null {
            return mismatch("signature entry is a JSON \(block.goTypeName), not an object")
        }
        var entry = JWSSignatureEntry(algorithm: "", protectedHeader: "", signature: "", jwk: nil, jwkError: nil,
                                      x5c: [], x5cEncoded: [], rawHeaderJSON: [], protectedJSON: [], time: nil)
        guard let sig = string(block.field("signature")) else { return mismatch("\"signature\" is not a string") }
        guard let prot = string(block.field("protected")) else { return mismatch("\"protected\" is not a string") }
        entry.signature = sig ?? ""
        entry.protectedHeader = prot ?? ""
        guard let headerIndex = json.field(blockIndex, "header") else { return .success(entry) }
        entry.rawHeaderJSON = Array(json.bytes[json.byteRange(headerIndex)])
        let header = json.value(headerIndex)
        if header == .null { return .success(entry) }
        guard case .object = header else { return mismatch("\"header\" is a JSON \(header.goTypeName), not an object") }
        guard let alg = string(header.field("alg")) else { return mismatch("\"alg\" is not a string") }
        entry.algorithm = alg ?? ""
        switch header.field("x5c") {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                switch item {
                case .string(let s): entry.x5cEncoded.append(s)
                case .null: entry.x5cEncoded.append("")
                default: return mismatch("\"x5c\" holds a JSON \(item.goTypeName), not a string")
                }
            }
            entry.x5c = entry.x5cEncoded.map { Base64URL.decodeStandard($0) ?? [] }
        case let other?: return mismatch("\"x5c\" is a JSON \(other.goTypeName), not an array")
        }
        // Go hands a RawMessage to the JWK parser even for `null`, which then fails on the missing kty.
        if let jwkValue = header.field("jwk") {
            entry.jwkValue = jwkValue
            switch JWK.parse(value: jwkValue) {
            case .success(let k): entry.jwk = k
            case .failure(let e): entry.jwkError = .context("error unmarshalling public key", e)
            }
        }
        return .success(entry)
    }

    /// libtrust's `Verify()` for one signature: key from x5c[0] if present, else from the JWK.
    static func verify(_ entry: JWSSignatureEntry, signingInput: [UInt8]) -> SignatureVerification {
        var result = SignatureVerification(keyID: entry.jwk?.keyID, algorithm: entry.algorithm,
                                           chainLength: entry.x5cEncoded.count, result: .valid)
        func fail(_ e: JWSError) -> SignatureVerification {
            result.result = .invalid(reason: e.description)
            result.error = e
            return result
        }
        if let e = entry.jwkError { return fail(e) }
        let key: LibtrustPublicKey
        if let first = entry.x5cEncoded.first {
            guard let der = Base64URL.decodeStandard(first) else {
                return fail(.invalidCertificate("illegal base64 data in x5c certificate"))
            }
            let certificate: Certificate
            do {
                certificate = try Certificate(derEncoded: der)
            } catch {
                return fail(.invalidCertificate("x509: malformed certificate: \(error)"))
            }
            result.certificateSubject = certificate.subject.description
            switch X5CKey.publicKey(of: certificate) {
            case .success(let k): key = k
            case .failure(let e): return fail(e)
            }
            result.keyID = key.keyID
        } else if let jwk = entry.jwk {
            switch jwk.publicKey() {
            case .success(let k): key = k
            // libtrust's big-number ECDSA simply fails for a point off the curve.
            case .failure(let e): return fail(jwk.keyType == "EC" ? .invalidSignature : e)
            }
        } else {
            return fail(.missingPublicKey)
        }
        let signature: [UInt8]
        switch Base64URL.decode(entry.signature) {
        case .success(let s): signature = s
        case .failure(let e): return fail(e)
        }
        if let e = key.verify(signingInput: signingInput, algorithm: entry.algorithm, signature: signature) {
            return fail(e)
        }
        return result
    }

    /// libtrust's `detectJSONIndent`: bytes between a leading `{\n` and the first `"`.
    static func detectIndent(_ content: [UInt8]) -> String {
        guard content.count > 2, content[0] == UInt8(ascii: "{"), content[1] == 0x0A,
              let quote = content[1...].firstIndex(of: UInt8(ascii: "\"")), quote > 1 else { return "" }
        return String(decoding: content[2..<quote], as: UTF8.self)
    }
}
