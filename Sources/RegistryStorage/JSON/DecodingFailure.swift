import Foundation

/// Why `JSONDecoder` refused a file, as a short sentence fit to print: where the decoder stopped and what was wrong,
/// in JSON terms (`at links[3]: the field "kind" is missing`), the file's text escaped. Foundation's own description
/// is a dump of coding keys and contexts (`keyNotFound(CodingKeys(stringValue: ...), Context(codingPath: ...`).
enum DecodingFailure {
    /// `json` is the text that was decoded: given, a syntax error is located by its byte, which Foundation's error
    /// (on Linux) does not give.
    static func reason(_ error: any Error, json: [UInt8]? = nil) -> String {
        guard let error = error as? DecodingError else { return SafeText.escapedPrefix(String(describing: type(of: error)), maxLength: 80) }
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.reduce("") { out, key in
                if let i = key.intValue { return out + "[\(i)]" }
                return out + (out.isEmpty ? "" : ".") + key.stringValue
            }
            return text.isEmpty ? "the top level" : SafeText.escapedPrefix(text, maxLength: 200)
        }
        func detail(_ context: DecodingError.Context) -> String {
            // The decoder's own sentence, cut short: it can quote the file.
            SafeText.escapedPrefix(context.debugDescription, maxLength: 200)
        }
        if case .keyNotFound(let key, let context) = error {
            return "at \(path(context.codingPath)): the field \"\(SafeText.escapedPrefix(key.stringValue, maxLength: 80))\" is missing"
        }
        if case .valueNotFound(_, let context) = error { return "at \(path(context.codingPath)): a value is missing (null)" }
        if case .typeMismatch(let type, let context) = error { return "at \(path(context.codingPath)): expected \(typeName(type))" }
        if case .dataCorrupted(let context) = error {
            // Foundation reports every syntax error (and some unreadable numbers) at the top level, without a place.
            if context.codingPath.isEmpty, let json { return syntaxReason(json) ?? "at the top level: \(detail(context))" }
            return "at \(path(context.codingPath)): \(detail(context))"
        }
        return "unreadable"
    }

    /// Where `json` stops being JSON, by the strict reader; nil when it is well-formed.
    private static func syntaxReason(_ json: [UInt8]) -> String? {
        do {
            _ = try JSONDocument.parse(json)
        } catch {
            if error.isTooDeep { return "nested more than \(JSONShape.maxDepth) levels deep (at byte \(error.offset))" }
            return "not valid JSON at byte \(error.offset): \(SafeText.escaping(error.message))"
        }
        return "well-formed JSON, but the decoder refused one of its values (a number it cannot represent, or an unpaired surrogate escape)"
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is any BinaryInteger.Type, is any BinaryFloatingPoint.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "a \(type)"
        }
    }
}
