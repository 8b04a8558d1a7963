import Foundation
import Testing
@testable import RegistryStorage

/// The hand-written RFC 3339 reader agrees with Foundation's formatter on what both read, and falls back to it.
@Suite struct TimestampTests {
    static func formatter() -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }

    @Test(arguments: [
        "2024-05-01T10:00:00Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "1999-12-31T23:59:59+01:00",
        "2038-01-19T03:14:08-05:30", "2024-05-01T10:00:00.123Z", "2016-02-29T12:00:00.5+00:00", "1900-03-01T00:00:00Z",
    ])
    func agreesWithTheFormatter(_ text: String) throws {
        let fast = try #require(ImageConfig.parseRFC3339(text))
        let plain = ISO8601DateFormatter()
        let reference = try #require(Self.formatter().date(from: text) ?? plain.date(from: text))
        #expect(abs(fast.timeIntervalSince(reference)) < 0.001, "\(text)")
    }

    @Test func nanosecondsAsGoWritesThem() throws {
        let d = try #require(ImageConfig.parseTimestamp("2024-05-01T10:00:00.123456789Z"))
        #expect(abs(d.timeIntervalSince1970 - 1_714_557_600.123456789) < 0.000_001)
    }

    @Test(arguments: ["", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T25:00:00Z", "2024-05-01T10:00:00", "2024-05-01T10:00:00Zjunk",
                      "2024-05-01T10:00:00.Z", "２０２４-05-01T10:00:00Z", "2024-05-01T10:00:00+0100"])
    func rejectsWhatIsNotRFC3339(_ text: String) {
        #expect(ImageConfig.parseRFC3339(text) == nil)
    }
}
