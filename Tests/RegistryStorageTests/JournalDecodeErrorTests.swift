import Foundation
import Testing
@testable import RegistryStorage
import TestHarness

/// A damaged or forged journal entry is refused with a sentence that names the entry and says what is wrong in JSON
/// terms, never with Foundation's `DecodingError` dump, and with the file's own text escaped.
@Suite struct JournalDecodeErrorTests {
    static let id = "20240501T100000.000Z-0000abcd"
    static let path = StoreLayout.journalEntry(id)

    /// An entry the listing's scanner accepts, with `links` and `tail` spliced in as JSON text.
    static func entry(links: String, tail: String = "") -> String {
        #"{"version":1,"id":"\#(id)","created":"2024-05-01T10:00:00Z","operation":"delete","targets":["tag team/app:v1"],"#
            + #""links":\#(links),"blobs":[],"unrestorable":[],"removed":[],"completed":true\#(tail)}"#
    }

    /// What `drydock undo ID` says when the entry's file holds `text` ("accepted" when it reads).
    static func refusal(_ text: String, driver wrap: (InMemoryDriver) -> any StorageDriver = { $0 }) async -> String {
        let f = StoreFixture()
        f.driver.put(path, text)
        do {
            _ = try await JournalUndo(store: RegistryStore(driver: wrap(f.driver)), policy: .unrestricted).preview(id)
            return "accepted"
        } catch {
            return error.description
        }
    }

    static func expectPlain(_ message: String) {
        for dump in ["DecodingError", "CodingKeys", "Context(", "codingPath", "stringValue"] {
            #expect(!message.contains(dump), "\(message)")
        }
        #expect(!SafeText.needsEscaping(message), "\(message)")
    }

    @Test(arguments: [
        (#"[{"repository":"team/app","content":"eA=="}]"#, #"at links[0]: the field "kind" is missing"#),
        (#"[{"repository":"team/app","kind":"layer","content":"eA=="},{"repository":"team/app","kind":7,"content":"eA=="}]"#,
         "at links[1].kind: expected a string"),
        (#"[{"repository":"team/app","kind":null,"content":"eA=="}]"#, "at links[0].kind: a value is missing (null)"),
        (#"[["layer"]]"#, "at links[0]: expected an object"),
        (#"{}"#, "at links: expected a list"),
    ])
    func aFieldThatIsMissingOrOfTheWrongTypeIsNamedByItsPath(_ links: String, _ reason: String) async {
        let message = await Self.refusal(Self.entry(links: links))
        #expect(message == "journal: \(Self.path) is not a journal entry: \(reason)")
        Self.expectPlain(message)
    }

    @Test func aWrongTypeInANestedRecordIsNamedByItsPath() async {
        let message = await Self.refusal(Self.entry(links: "[]", tail: #","sweep":{"deleteUntagged":true,"done":"3"}"#))
        #expect(message == "journal: \(Self.path) is not a journal entry: at sweep.done: expected a number")
        Self.expectPlain(message)
    }

    @Test func textFromTheFileIsEscaped() async {
        let message = await Self.refusal(Self.entry(links: #"[{"repository":"team/app","kind":"\u001b]0;owned\u0007","content":"eA=="}]"#))
        #expect(message.hasPrefix("journal: \(Self.path) is not a journal entry: at links[0].kind: "), "\(message)")
        #expect(message.contains(#"\x1b]0;owned\x07"#), "\(message)")
        Self.expectPlain(message)
    }

    @Test func invalidJSONIsLocatedByItsByte() async {
        let text = Self.entry(links: "[]", tail: #","note":tru"#)
        let offset = text.utf8.count - #"tru}"#.utf8.count
        let message = await Self.refusal(text)
        #expect(message == "journal: \(Self.path) is not a journal entry: not valid JSON at byte \(offset): invalid literal, expected true")
        Self.expectPlain(message)
    }

    @Test func wellFormedJSONTheDecoderCannotReadSaysSo() async {
        let message = await Self.refusal(Self.entry(links: "[]").replacingOccurrences(of: #""version":1"#, with: #""version":1.5"#))
        #expect(message.hasPrefix("journal: \(Self.path) is not a journal entry: well-formed JSON, but the decoder refused one of its values"), "\(message)")
        Self.expectPlain(message)
    }

    @Test func nestingTooDeepIsNamedAndLocated() async throws {
        let text = Self.entry(links: String(repeating: "[", count: 70) + String(repeating: "]", count: 70))
        // Refused at the 65th container: the entry object, then 64 brackets of `links`.
        let links = try #require(text.range(of: #""links":"#)).upperBound
        let offset = text.utf8.distance(from: text.startIndex, to: links) + 63
        let message = await Self.refusal(text)
        #expect(message == "journal: \(Self.path) is not a journal entry: nested more than 64 levels deep (at byte \(offset))")
    }

    @Test func anEntryTooLargeToReadSaysSo() async {
        let message = await Self.refusal(Self.entry(links: "[]"), driver: { TooLargeDriver(base: $0) })
        #expect(message == "journal: \(Self.path) is not a journal entry: \(300 << 20) bytes is too large (the limit is \(Journal.maxEntrySize) bytes)")
    }

    /// The online collector names a damaged entry among what it skipped, in the same words.
    @Test func theOnlineCollectorSkipsADamagedEntryWithAPlainReason() async throws {
        let (f, _, _, _) = OnlineGCTests.store()
        let first = OnlineGCTests.collector(f)
        let id = try #require(try await first.run(try await first.plan()).journalID)
        let path = StoreLayout.journalEntry(id)
        let written = try #require(f.driver.contents(path))
        var json = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? [String: Any])
        var quarantine = try #require(json["quarantine"] as? [[String: Any]])
        quarantine[0]["state"] = 7
        json["quarantine"] = quarantine
        f.driver.put(path, Array(try JSONSerialization.data(withJSONObject: json)))

        let next = OnlineGCTests.collector(f, age: 7300)
        let r = try await next.run(try await next.plan())
        let line = try #require(r.skipped.first { $0.contains(id) }, "\(r.skipped)")
        #expect(line == "journal entry \(id): journal: \(path) is not a journal entry: at quarantine[0].state: expected a string")
        Self.expectPlain(line)
    }
}

/// Says every read is over its limit, as a driver does for a file larger than the limit.
private final class TooLargeDriver: ForwardingDriver, @unchecked Sendable {
    let base: any StorageDriver
    init(base: any StorageDriver) { self.base = base }
    func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] {
        throw DriverError.tooLarge(path, size: 300 << 20, limit: Int64(limit))
    }
}
