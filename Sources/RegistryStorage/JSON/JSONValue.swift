/// A JSON value as a plain tree: built from a `JSONDocument` when a whole value is wanted at once, or by hand for
/// `GoJSONWriter` to write (members in the order given; `goMap` sorts them as Go writes a map).
package indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order, duplicates kept.
    case object([Member])

    package struct Member: Sendable, Equatable {
        package var key: String
        package var value: JSONValue

        package init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    static func parse(_ bytes: [UInt8], maxDepth: Int = JSONShape.maxDepth) throws(JSONDocument.SyntaxError) -> JSONValue {
        let document = try JSONDocument.parse(bytes, maxDepth: maxDepth)
        return document.value(document.root)
    }

    /// The last member named `key` of an object (Go map semantics: the last duplicate wins).
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// Go struct-field semantics: the last member whose key matches `name` exactly or case-insensitively.
    func field(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let folded = name.lowercased()
        return members.last { $0.key == name || $0.key.lowercased() == folded }?.value
    }

    /// The type as Go's `encoding/json` names it in errors (`cannot unmarshal number into ...`).
    var goTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONDocument {
    /// Value `i` as a tree (recursion is bounded by the parse depth limit).
    func value(_ i: Int) -> JSONValue {
        switch kind(i) {
        case .null: .null
        case .false: .bool(false)
        case .true: .bool(true)
        case .number: .number(numberText(i))
        case .string: .string(string(i))
        case .array: .array(elements(i).map { value($0) })
        case .object: .object(keys(i).map { JSONValue.Member(key: string($0), value: value($0 + 1)) })
        }
    }
}
