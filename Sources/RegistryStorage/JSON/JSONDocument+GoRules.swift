/// Reading documents that Go's `encoding/json` decoded in the registry (libtrust signatures, cosign payloads), with
/// Go's rules where they differ from the strict manifest reading.
extension JSONDocument {
    /// Nesting limit for these documents. Go allows 10000 levels; this bounds only the recursion of later walks
    /// (materializing, encoding, comparing) over hostile documents.
    static let goMaxDepth = 512

    /// Parses as Go decodes: ill-formed UTF-8 in strings reads as U+FFFD, lone surrogate escapes too, and duplicate
    /// keys are kept for `member`/`field` to resolve (the last wins).
    static func parseGo(_ bytes: [UInt8]) throws(SyntaxError) -> JSONDocument {
        try parse(bytes, maxDepth: goMaxDepth, replacingInvalidUTF8: true)
    }

    /// Go struct-field semantics: the value of the last member of `object` whose key matches `name` exactly or
    /// case-insensitively; nil when `object` is not an object.
    func field(_ object: Int, _ name: String) -> Int? {
        guard kind(object) == .object else { return nil }
        let folded = name.lowercased()
        var found: Int?
        for key in keys(object) {
            let text = string(key)
            if text == name || text.lowercased() == folded { found = key + 1 }
        }
        return found
    }

    /// The value of `object`'s last member named `key`, or nil when `object` is not an object (Go reads a
    /// `null` as an empty map).
    func mapMember(_ object: Int, _ key: String) -> Int? {
        kind(object) == .object ? member(object, key) : nil
    }
}

extension JSONDocument.Kind {
    /// The type as Go's `encoding/json` names it in errors (`cannot unmarshal number into ...`).
    var goTypeName: String {
        switch self {
        case .null: "null"
        case .false, .true: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
