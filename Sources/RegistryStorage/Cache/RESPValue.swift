/// A reply in Redis' serialization protocol, version 2 (RESP2: https://redis.io/docs/reference/protocol-spec/).
enum RESPValue: Sendable, Equatable {
    /// `+OK`
    case simpleString(String)
    /// `-ERR ...`: the server refused the command.
    case error(String)
    /// `:3`
    case integer(Int64)
    /// `$5\r\nhello`; nil for the null bulk string `$-1`.
    case bulkString([UInt8]?)
    /// `*2\r\n...`; nil for the null array `*-1`.
    case array([RESPValue]?)

    /// A short rendering for messages (never more than about 100 characters, escaped).
    var brief: String {
        switch self {
        case .simpleString(let s): "+" + Self.clip(s)
        case .error(let s): "-" + Self.clip(s)
        case .integer(let i): ":\(i)"
        case .bulkString(nil): "a null bulk string"
        case .bulkString(let bytes?): "a bulk string of \(bytes.count) bytes"
        case .array(nil): "a null array"
        case .array(let items?): "an array of \(items.count) elements"
        }
    }

    private static func clip(_ s: String) -> String {
        SafeText.escaping(s.count > 100 ? String(s.prefix(100)) + "…" : s)
    }

    /// One command as RESP2 sends it: an array of bulk strings (binary-safe: no quoting, no injection).
    static func command(_ words: [String]) -> [UInt8] {
        var out = Array("*\(words.count)\r\n".utf8)
        for word in words {
            let bytes = Array(word.utf8)
            out += Array("$\(bytes.count)\r\n".utf8)
            out += bytes
            out += [0x0D, 0x0A]
        }
        return out
    }
}
