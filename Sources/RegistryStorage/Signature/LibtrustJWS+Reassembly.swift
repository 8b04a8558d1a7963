/// Writing libtrust documents: the "pretty signature" layout (`PrettySignature`), the per-signature
/// blobs seed-era registries stored, and the seed-era reassembly of payload + blobs (storage-format §4.10).
extension LibtrustJWS {
    /// Seed-era (registry 2.0–2.4) GET: rebuilds the document from the stored payload and the
    /// separately stored signature blobs, as `NewJSONSignature(payload, blobs...)` +
    /// `PrettySignature("signatures")` did. formatLength is recomputed from the payload.
    public static func reassemble(payload: [UInt8], signatureBlobs: [[UInt8]]) -> Result<[UInt8], JWSError> {
        let layout: ContentLayout
        switch analyzeContent(payload) {
        case .success(let l): layout = l
        case .failure(let e): return .failure(e)
        }
        var entries = [JWSSignatureEntry]()
        for blob in signatureBlobs {
            let json: JSONDocument
            switch decodeJSON(blob) {
            case .success(let d): json = d
            case .failure(let e): return .failure(.context("error unmarshalling signature blob", e))
            }
            let entry: JWSSignatureEntry
            switch parseEntry(json, json.root) {
            case .success(let e): entry = e
            case .failure(let e): return .failure(e)
            }
            // The seed registry dereferenced the header unconditionally (it would crash without one).
            guard let header = json.field(json.root, "header"), json.kind(header) != .null else {
                return .failure(.malformedJSON("signature blob has no header"))
            }
            if let e = entry.jwkError { return .failure(e) }
            entries.append(entry)
        }
        guard !entries.isEmpty else { return .failure(.noSignatures) }
        return .success(prettyDocument(payload: payload, formatLength: layout.formatLength, indent: layout.indent, entries: entries))
    }

    /// The compact JSON blob the seed registry stored per signature (`JSONSignature.Signatures()`):
    /// `{"header":{…},"signature":"…","protected":"…"}`, sorted by key ID then signature.
    public static func signatureBlobs(of document: ParsedSchema1JWS) -> [[UInt8]] {
        sortedForOutput(document.signatures).map { GoJSONWriter.marshal(signatureValue($0)) }
    }

    /// Where the signed range ends, found as libtrust's `NewJSONSignature` finds it (storage-format §4.3).
    package struct ContentLayout {
        package var formatLength: Int
        package var indent: String
    }

    package static func analyzeContent(_ content: [UInt8]) -> Result<ContentLayout, JWSError> {
        switch decodeJSON(content) {
        case .success(let json) where json.kind(json.root) == .object: break
        case .success(let json):
            return .failure(.malformedJSON("json: cannot unmarshal \(json.kind(json.root).goTypeName) into Go value of type map[string]interface {}"))
        case .failure(let e): return .failure(e)
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        guard let close = content.lastIndex(where: { !isSpace($0) }), content[close] == UInt8(ascii: "}") else {
            return .failure(.invalidJSONContent)
        }
        guard let last = content[..<close].lastIndex(where: { !isSpace($0) }), content[last] != UInt8(ascii: ",") else {
            return .failure(.invalidJSONContent)
        }
        return .success(ContentLayout(formatLength: last + 1, indent: detectIndent(content)))
    }

    /// Go's `jsSignature` marshalled: header (jwk, alg, x5c), signature, protected (omitted if empty).
    static func signatureValue(_ entry: JWSSignatureEntry) -> JSONValue {
        var header = [(String, JSONValue)]()
        if let jwk = entry.jwk {
            header.append(("jwk", jwk.goValue))
        } else if let raw = entry.jwkValue, raw != .null {
            header.append(("jwk", raw.asGoInterface))
        }
        header.append(("alg", .string(entry.algorithm)))
        if !entry.x5cEncoded.isEmpty {
            header.append(("x5c", .array(entry.x5cEncoded.map { .string($0) })))
        }
        var fields: [(String, JSONValue)] = [("header", .goStruct(header)), ("signature", .string(entry.signature))]
        if !entry.protectedHeader.isEmpty { fields.append(("protected", .string(entry.protectedHeader))) }
        return .goStruct(fields)
    }

    /// libtrust sorts by key ID, then signature string. It would crash on an x5c-only signature
    /// when there are several (nil JWK); we sort those under an empty key ID instead.
    static func sortedForOutput(_ entries: [JWSSignatureEntry]) -> [JWSSignatureEntry] {
        entries.sorted { a, b in
            let ka = a.jwk?.keyID ?? "", kb = b.jwk?.keyID ?? ""
            if ka != kb { return Array(ka.utf8).lexicographicallyPrecedes(Array(kb.utf8)) }
            return Array(a.signature.utf8).lexicographicallyPrecedes(Array(b.signature.utf8))
        }
    }

    /// `PrettySignature`: payload up to formatLength, then the signatures member, then `}`.
    /// With an indent the array is pretty-printed using it as both prefix and step.
    package static func prettyDocument(payload: [UInt8], formatLength: Int, indent: String, entries: [JWSSignatureEntry]) -> [UInt8] {
        let array = JSONValue.array(sortedForOutput(entries).map(signatureValue))
        var out = Array(payload[0..<min(max(formatLength, 0), payload.count)])
        out.append(UInt8(ascii: ","))
        if indent.isEmpty {
            out.append(contentsOf: Array("\"signatures\":".utf8))
            out.append(contentsOf: GoJSONWriter.marshal(array))
        } else {
            out.append(0x0A)
            out.append(contentsOf: Array(indent.utf8))
            out.append(contentsOf: Array("\"signatures\": ".utf8))
            out.append(contentsOf: GoJSONWriter.marshalIndent(array, prefix: indent, indent: indent))
            out.append(0x0A)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
