import Testing
@testable import RegistryStorage

/// The RESP2 reader on well-formed, partial and hostile input (what a broken or malicious server could send).
@Suite struct RESPParserTests {
    let parser = RESPParser()

    func parse(_ text: String) throws(RedisError) -> (value: RESPValue, consumed: Int)? {
        try parser.parse(Array(text.utf8)[...])
    }

    func error(_ bytes: [UInt8]) -> RedisError? {
        do {
            _ = try parser.parse(bytes[...])
            return nil
        } catch {
            return error
        }
    }

    func error(_ text: String) -> RedisError? { error(Array(text.utf8)) }

    @Test func wellFormedReplies() throws {
        #expect(try parse("+OK\r\n")?.value == .simpleString("OK"))
        #expect(try parse("+OK\r\n")?.consumed == 5)
        #expect(try parse("-WRONGPASS invalid username-password pair\r\n")?.value == .error("WRONGPASS invalid username-password pair"))
        #expect(try parse(":42\r\n")?.value == .integer(42))
        #expect(try parse(":-7\r\n")?.value == .integer(-7))
        #expect(try parse("$5\r\nhello\r\n")?.value == .bulkString(Array("hello".utf8)))
        #expect(try parse("$0\r\n\r\n")?.value == .bulkString([]))
        #expect(try parse("$-1\r\n")?.value == .bulkString(nil))
        #expect(try parse("*-1\r\n")?.value == .array(nil))
        #expect(try parse("*2\r\n:1\r\n$1\r\nx\r\n")?.value == .array([.integer(1), .bulkString([0x78])]))
        // Binary-safe bulk strings: CRLF inside counts as data.
        #expect(try parse("$4\r\na\r\nb\r\n")?.value == .bulkString(Array("a\r\nb".utf8)))
    }

    @Test func pipelinedRepliesAreReadOneAtATime() throws {
        let bytes = Array(":1\r\n:0\r\n+OK\r\n".utf8)
        let first = try #require(try parser.parse(bytes[...]))
        #expect(first.value == .integer(1))
        let second = try #require(try parser.parse(bytes[first.consumed...]))
        #expect(second.value == .integer(0))
        let third = try #require(try parser.parse(bytes[(first.consumed + second.consumed)...]))
        #expect(third.value == .simpleString("OK"))
    }

    @Test func incompleteRepliesAskForMoreBytes() throws {
        for partial in ["", "+", "+OK", "+OK\r", ":12", "$5\r\nhel", "$5\r\nhello", "$5\r\nhello\r", "*2\r\n:1\r\n", "*1\r\n*1\r\n"] {
            #expect(try parse(partial) == nil, "\(partial.debugDescription)")
        }
    }

    @Test func hugeAnnouncedLengthsAreRefusedWithoutWaiting() {
        // A server announcing gigabytes must not make us allocate or wait for them.
        #expect(error("$2147483647\r\n") == .protocolError("the server announced a bulk string of 2147483647 bytes (more than 65536 are refused)"))
        #expect(error("*9223372036854775807\r\n") == .protocolError("the server announced an array of 9223372036854775807 elements (more than 1024 are refused)"))
        // Beyond Int64, or not a number at all.
        #expect(error("$99999999999999999999\r\n") == .protocolError("the server sent a bulk string with an invalid length"))
        #expect(error("*-2\r\n") == .protocolError("the server sent an array with an invalid length"))
        #expect(error("$-5\r\n") == .protocolError("the server sent a bulk string with an invalid length"))
        #expect(error("$+5\r\nhello\r\n") == .protocolError("the server sent a bulk string with an invalid length"))
        #expect(error("$ 5\r\nhello\r\n") == .protocolError("the server sent a bulk string with an invalid length"))
    }

    @Test func deepArraysAreRefused() {
        let deep = String(repeating: "*1\r\n", count: 10_000) + ":1\r\n"
        #expect(error(deep) == .protocolError("the server sent arrays nested more than 4 levels deep"))
        // Within the limit it parses.
        let shallow = String(repeating: "*1\r\n", count: 4) + ":1\r\n"
        #expect(error(shallow) == nil)
    }

    @Test func garbageIsRefused() {
        #expect(error("HTTP/1.1 400 Bad Request\r\n") == .protocolError("the server sent a reply starting with byte 0x48, which is not RESP2"))
        #expect(error([0x00, 0xFF, 0x0D, 0x0A]) == .protocolError("the server sent a reply starting with byte 0x0, which is not RESP2"))
        #expect(error(":12a\r\n") == .protocolError("the server sent an integer reply that is not a number"))
        #expect(error(":\r\n") == .protocolError("the server sent an integer reply that is not a number"))
        #expect(error("+OK\rX") == .protocolError("the server sent a CR not followed by LF"))
        #expect(error("+OK\n") == .protocolError("the server sent a line ending in LF without CR"))
        #expect(error("$3\r\nabcXY") == .protocolError("the server sent a bulk string not followed by CRLF"))
        #expect(error([UInt8(ascii: "+"), 0xC3, 0x28, 0x0D, 0x0A]) == .protocolError("the server sent a status line that is not UTF-8"))
    }

    @Test func endlessLinesAreRefused() {
        let long = "+" + String(repeating: "a", count: 10_000)
        #expect(error(long) == .protocolError("the server sent a line longer than 4096 bytes"))
        #expect(error(long + "\r\n") == .protocolError("the server sent a line longer than 4096 bytes"))
    }

    @Test func commandsAreBinarySafeArraysOfBulkStrings() {
        #expect(RESPValue.command(["DEL", "blobs::sha256:ab"]) == Array("*2\r\n$3\r\nDEL\r\n$16\r\nblobs::sha256:ab\r\n".utf8))
        // A value with CRLF cannot smuggle a second command: its length says where it ends.
        #expect(RESPValue.command(["AUTH", "x\r\nFLUSHALL"]) == Array("*2\r\n$4\r\nAUTH\r\n$11\r\nx\r\nFLUSHALL\r\n".utf8))
        #expect(RESPValue.command(["AUTH", "pässword"]) == Array("*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n".utf8))
    }

    @Test func briefRenderingsAreShortAndEscaped() {
        #expect(RESPValue.error(String(repeating: "e", count: 500)).brief.count < 110)
        #expect(!RESPValue.simpleString("\u{1B}[2J").brief.contains("\u{1B}"))
    }
}
