import Foundation
import Testing
@testable import RegistryStorage

/// `blobs/` over S3 listed as independent key ranges at once (`S3Driver+KeyRanges`): the same objects in the same
/// order as one sequence of pages, with fewer pages in a row.
@Suite struct S3KeyRangeTests {
    static func driver(_ s3: FakeS3, limit: Int = 32) -> S3Driver {
        S3Driver(
            location: S3Location(bucket: s3.bucket, rootDirectory: "/", region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:9")!),
            credentials: nil, transport: s3, maxConcurrentRequests: limit)
    }

    static let v2 = "docker/registry/v2/"

    /// `count` blob keys (`data` files of distinct digests), plus a few keys outside the hex names.
    static func fill(_ s3: FakeS3, blobs count: Int) -> Set<String> {
        var keys = Set<String>()
        for i in 0..<count {
            let d = Digest.sha256(of: Array("blob \(i)".utf8))
            keys.insert("\(v2)blobs/sha256/\(d.hex.prefix(2))/\(d.hex)/data")
        }
        // Other algorithms and stray keys sort before and after `sha256/`: they must be listed too, once.
        keys.insert("\(v2)blobs/md5/aa/x/data")
        keys.insert("\(v2)blobs/sha512/ab/\(String(repeating: "ab", count: 64))/data")
        keys.insert("\(v2)blobs/sha256/zz/stray")
        for k in keys { s3.put(k, "x") }
        s3.put("\(v2)repositories/app/_layers/x", "y")  // not below blobs/
        return keys
    }

    @Test func aLargePrefixIsListedInRangesWithTheSameObjectsInTheSameOrder() async throws {
        let s3 = FakeS3(pageLimit: 50, latency: .milliseconds(5))
        let keys = Self.fill(s3, blobs: 1200)
        let driver = Self.driver(s3)
        let walked = try await driver.walkFiles(StoragePath(trusted: ["blobs"]))
        let expected = keys.sorted(by: FakeS3.byteOrder).map { String($0.dropFirst(Self.v2.count)) }
        #expect(walked.map(\.path.description) == expected)
        // One sequence would be 25 pages in a row; the first page, then 16 ranges of about 1-2 pages each at once.
        let lists = s3.requests.filter { $0.method == "GET" }.count
        #expect(lists >= 1 + S3Driver.maxKeyRanges && lists <= 25 + 1 + S3Driver.maxKeyRanges, "\(lists) listings")
        #expect(s3.requests.dropFirst().filter { $0.url.query?.contains("start-after") ?? false }.count >= S3Driver.maxKeyRanges)
        #expect(s3.state.withLock { $0.peakInFlight } > 1)
        #expect(driver.requestCounts.list == lists)
    }

    @Test func theRangesRespectTheRequestLimit() async throws {
        let s3 = FakeS3(pageLimit: 20, latency: .milliseconds(5))
        let keys = Self.fill(s3, blobs: 600)
        let walked = try await Self.driver(s3, limit: 3).walkFiles(StoragePath(trusted: ["blobs"]))
        #expect(walked.count == keys.count)
        #expect(s3.state.withLock { $0.peakInFlight } <= 3)
    }

    @Test func aSmallPrefixCostsOnePage() async throws {
        let s3 = FakeS3(pageLimit: 1000)
        let keys = Self.fill(s3, blobs: 300)
        let walked = try await Self.driver(s3).walkFiles(StoragePath(trusted: ["blobs"]))
        #expect(walked.count == keys.count)
        #expect(s3.requests.count == 1)
    }

    @Test func rangesFollowTheHexPositionOfTheFirstPage() {
        let spread = "blobs/sha256/"
        #expect(S3Driver.hexPosition("blobs/sha256/80/8000000000aa/data", below: spread) == 0.5)
        #expect(S3Driver.hexPosition("blobs/sha256/40/", below: spread) == 0.25)
        #expect(S3Driver.hexPosition("blobs/md5/x", below: spread) == nil)
        #expect(S3Driver.boundaryKey(0.5, below: spread) == "blobs/sha256/80/80000000")
        // A page that reached a quarter of the names: about three pages remain, three ranges.
        let quarter = S3Driver.keyRanges(after: "blobs/sha256/40/40000000ff/data", pageKeys: 1000, spreadBelow: spread)
        #expect(quarter == [
            .init(after: "blobs/sha256/40/40000000ff/data", upTo: "blobs/sha256/80/80000000"),
            .init(after: "blobs/sha256/80/80000000", upTo: "blobs/sha256/c0/c0000000"),
            .init(after: "blobs/sha256/c0/c0000000", upTo: nil),
        ])
        // Far from the end: at most 16 ranges; past the hex names: the rest in order.
        #expect(S3Driver.keyRanges(after: "blobs/sha256/00/0001/data", pageKeys: 1000, spreadBelow: spread).count == 16)
        #expect(S3Driver.keyRanges(after: "blobs/sha384/x", pageKeys: 1000, spreadBelow: spread) == [.init(after: "blobs/sha384/x", upTo: nil)])
        // Before the hex names: all of them split.
        #expect(S3Driver.keyRanges(after: "blobs/md5/x", pageKeys: 1000, spreadBelow: spread).count == 16)
        // Bounds never fall at or before the first page's last key.
        let tight = S3Driver.keyRanges(after: "blobs/sha256/ff/ffffffffff/data", pageKeys: 1, spreadBelow: spread)
        #expect(tight.allSatisfy { r in r.upTo.map { r.after.utf8.lexicographicallyPrecedes($0.utf8) } ?? true })
    }
}
