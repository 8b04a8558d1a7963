// MARK: - Typed reading

extension JSONDocument {
    /// A value of another type than a reader needs, like `JSONDecoder`'s type mismatch.
    struct TypeError: Error, Sendable, Equatable {
        var node: Int
        var expected: String
        /// What was there instead, when more telling than the kind of value.
        var found: String?
    }

    /// `layers[1].size: expected a 64-bit integer, found 1e400 at byte offset 123`
    func describe(_ error: TypeError) -> String {
        let path = path(to: error.node)
        let found = error.found ?? kind(error.node).name
        return "\(path.isEmpty ? "top-level value" : path): expected \(error.expected), found \(found) at byte offset \(offset(error.node))"
    }

    /// Requires an object (null is not one).
    @inline(__always) func requireObject(_ i: Int) throws(TypeError) {
        guard kind(i) == .object else { throw TypeError(node: i, expected: "an object") }
    }

    /// False for null, true for an object, an error for anything else.
    @inline(__always) func isObject(orNull i: Int) throws(TypeError) -> Bool {
        switch kind(i) {
        case .object: return true
        case .null: return false
        default: throw TypeError(node: i, expected: "an object")
        }
    }

    /// False for null, true for an array, an error for anything else.
    @inline(__always) func isArray(orNull i: Int) throws(TypeError) -> Bool {
        switch kind(i) {
        case .array: return true
        case .null: return false
        default: throw TypeError(node: i, expected: "an array")
        }
    }

    @inline(__always) func requiredString(_ i: Int) throws(TypeError) -> String {
        guard kind(i) == .string else { throw TypeError(node: i, expected: "a string") }
        return string(i)
    }

    @inline(__always) func optionalString(_ i: Int) throws(TypeError) -> String? {
        switch kind(i) {
        case .string: return string(i)
        case .null: return nil
        default: throw TypeError(node: i, expected: "a string")
        }
    }

    func optionalBool(_ i: Int) throws(TypeError) -> Bool? {
        switch kind(i) {
        case .true: return true
        case .false: return false
        case .null: return nil
        default: throw TypeError(node: i, expected: "a boolean")
        }
    }

    func optionalInt64(_ i: Int) throws(TypeError) -> Int64? {
        switch kind(i) {
        case .null: return nil
        case .number:
            switch integer(i) {
            case .value(let v): return v
            case .notInteger: throw TypeError(node: i, expected: "an integer", found: shortNumberText(i))
            case .outOfRange: throw TypeError(node: i, expected: "a 64-bit integer", found: shortNumberText(i))
            }
        default: throw TypeError(node: i, expected: "an integer")
        }
    }

    func optionalInt(_ i: Int) throws(TypeError) -> Int? {
        guard let v = try optionalInt64(i) else { return nil }
        guard let int = Int(exactly: v) else { throw TypeError(node: i, expected: "an integer of the platform's size", found: shortNumberText(i)) }
        return int
    }

    /// An array of strings (no nulls), or nil for null.
    func optionalStrings(_ i: Int) throws(TypeError) -> [String]? {
        guard try isArray(orNull: i) else { return nil }
        var out = [String]()
        out.reserveCapacity(count(i))
        for element in elements(i) { out.append(try requiredString(element)) }
        return out
    }

    /// An object of string values (no nulls), or nil for null; a duplicate key's last value wins.
    func optionalStringMap(_ i: Int) throws(TypeError) -> [String: String]? {
        guard try isObject(orNull: i) else { return nil }
        var out = [String: String](minimumCapacity: count(i))
        for key in keys(i) { out[string(key)] = try requiredString(key + 1) }
        return out
    }

    private func shortNumberText(_ i: Int) -> String {
        let text = numberText(i)
        return text.utf8.count <= 40 ? text : "\(text.prefix(40))…"
    }
}
