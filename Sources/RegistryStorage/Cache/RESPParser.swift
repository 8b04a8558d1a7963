/// Reads RESP2 replies from bytes a server sent, refusing anything a hostile or broken server could use to make
/// Drydock allocate without bound, recurse deeply or misread: unknown type bytes, lines without CRLF, lengths
/// that are not plain decimal numbers, bulk strings and arrays over the limits, nesting deeper than `maxDepth`.
///
/// The commands Drydock sends (AUTH, SELECT, PING, DEL, SREM) are answered by `+OK`, `-ERR`, `:n` and `+PONG`;
/// the limits leave generous room above that.
struct RESPParser {
    var maxLineBytes = 4096
    var maxBulkBytes = 64 * 1024
    var maxArrayElements = 1024
    var maxDepth = 4

    /// The first complete reply at the start of `bytes` and how many bytes it took; nil when more bytes are needed.
    func parse(_ bytes: ArraySlice<UInt8>) throws(RedisError) -> (value: RESPValue, consumed: Int)? {
        var cursor = bytes.startIndex
        guard let value = try value(in: bytes, at: &cursor, depth: 0) else { return nil }
        return (value, cursor - bytes.startIndex)
    }

    private func value(in bytes: ArraySlice<UInt8>, at cursor: inout Int, depth: Int) throws(RedisError) -> RESPValue? {
        guard cursor < bytes.endIndex else { return nil }
        let type = bytes[cursor]
        guard let line = try line(in: bytes, from: cursor + 1) else { return nil }
        let text = bytes[(cursor + 1)..<line.end]
        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let string = String(validating: text, as: UTF8.self) else {
                throw .protocolError("the server sent a status line that is not UTF-8")
            }
            cursor = line.next
            return type == UInt8(ascii: "+") ? .simpleString(string) : .error(string)
        case UInt8(ascii: ":"):
            guard let number = Self.integer(text) else {
                throw .protocolError("the server sent an integer reply that is not a number")
            }
            cursor = line.next
            return .integer(number)
        case UInt8(ascii: "$"):
            guard let length = Self.integer(text), length >= -1 else {
                throw .protocolError("the server sent a bulk string with an invalid length")
            }
            if length == -1 {
                cursor = line.next
                return .bulkString(nil)
            }
            guard length <= maxBulkBytes else {
                throw .protocolError("the server announced a bulk string of \(length) bytes (more than \(maxBulkBytes) are refused)")
            }
            let start = line.next
            let end = start + Int(length)
            guard end + 2 <= bytes.endIndex else { return nil }
            guard bytes[end] == 0x0D, bytes[end + 1] == 0x0A else {
                throw .protocolError("the server sent a bulk string not followed by CRLF")
            }
            cursor = end + 2
            return .bulkString(Array(bytes[start..<end]))
        case UInt8(ascii: "*"):
            guard let count = Self.integer(text), count >= -1 else {
                throw .protocolError("the server sent an array with an invalid length")
            }
            if count == -1 {
                cursor = line.next
                return .array(nil)
            }
            guard count <= maxArrayElements else {
                throw .protocolError("the server announced an array of \(count) elements (more than \(maxArrayElements) are refused)")
            }
            guard depth < maxDepth else {
                throw .protocolError("the server sent arrays nested more than \(maxDepth) levels deep")
            }
            var items: [RESPValue] = []
            var position = line.next
            for _ in 0..<count {
                guard let item = try value(in: bytes, at: &position, depth: depth + 1) else { return nil }
                items.append(item)
            }
            cursor = position
            return .array(items)
        default:
            throw .protocolError("the server sent a reply starting with byte 0x\(String(type, radix: 16)), which is not RESP2")
        }
    }

    /// The end of the line starting at `start` (index of its CR) and the index after its LF; nil when incomplete.
    private func line(in bytes: ArraySlice<UInt8>, from start: Int) throws(RedisError) -> (end: Int, next: Int)? {
        var index = start
        while index < bytes.endIndex {
            if bytes[index] == 0x0D {
                guard index + 1 < bytes.endIndex else { return nil }
                guard bytes[index + 1] == 0x0A else { throw .protocolError("the server sent a CR not followed by LF") }
                return (index, index + 2)
            }
            if bytes[index] == 0x0A { throw .protocolError("the server sent a line ending in LF without CR") }
            if index - start >= maxLineBytes {
                throw .protocolError("the server sent a line longer than \(maxLineBytes) bytes")
            }
            index += 1
        }
        if index - start > maxLineBytes {
            throw .protocolError("the server sent a line longer than \(maxLineBytes) bytes")
        }
        return nil
    }

    /// A RESP integer: an optional minus sign and 1 to 19 decimal digits that fit in Int64.
    static func integer(_ text: ArraySlice<UInt8>) -> Int64? {
        var digits = text
        var negative = false
        if digits.first == UInt8(ascii: "-") {
            negative = true
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 19, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var value: Int64 = 0
        for digit in digits {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = shifted.addingReportingOverflow(Int64(digit - 0x30))
            if overflow1 || overflow2 { return nil }
            value = added
        }
        return negative ? -value : value
    }
}
