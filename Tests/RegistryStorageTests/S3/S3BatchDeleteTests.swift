import Foundation
import Testing

@testable import RegistryStorage

/// `S3Driver.delete(batch:)`: blob folders removed with one listing per fan-out folder and one DeleteObjects per
/// thousand keys, siblings spared, unsafe keys never named, and per-key failures reported on their paths.
@Suite struct S3BatchDeleteTests {
    static let v2 = S3DriverTests.v2
    static func p(_ s: String) -> StoragePath { S3DriverTests.p(s) }

    @Test func blobFoldersGoInThousandsWithOneListingPerFolder() async throws {
        let fake = FakeS3()
        var paths: [StoragePath] = []
        for (hh, count) in [("aa", 700), ("bb", 500), ("cc", 300)] {
            for i in 0..<count {
                fake.put(Self.v2 + "blobs/sha256/\(hh)/\(hh)\(i)/data", "x")
                paths.append(Self.p("blobs/sha256/\(hh)/\(hh)\(i)"))
            }
        }
        // A lone folder in its fan-out folder, with an object at the folder's own key too.
        fake.put(Self.v2 + "blobs/sha256/dd/dd1/data", "x")
        fake.put(Self.v2 + "blobs/sha256/dd/dd1", "marker")
        paths.append(Self.p("blobs/sha256/dd/dd1"))
        let spared = [
            Self.v2 + "blobs/sha256/aa/aa0xyz/data", Self.v2 + "blobs/sha256/aa/kept/data",
            Self.v2 + "blobs/sha256/dd/dd1xyz/data", Self.v2 + "blobs/sha256/ee/ee1/data",
        ]
        for key in spared { fake.put(key, "kept") }
        let driver = S3DriverTests.driver(fake)
        let failures = await driver.delete(batch: paths + [Self.p("blobs/sha256/ff/missing")])
        #expect(failures.isEmpty)
        #expect(fake.keys == spared.sorted(by: FakeS3.byteOrder))
        // aa, bb, cc listed flat once each (aa: 702 keys, one page), dd1 and the missing one from their own keys.
        #expect(driver.requestCounts.list == 5, "\(driver.requestCounts)")
        #expect(fake.state.withLock { $0.deleteBatches } == [1000, 502])
        #expect(driver.requestCounts.delete == 2)
    }

    @Test func unsafeKeysStayAndPerKeyFailuresAreReportedOnTheirPath() async throws {
        let fake = FakeS3()
        let folder = Self.v2 + "blobs/sha256/ab/ab1"
        fake.put(folder + "/data", "x")
        fake.put(folder + "/x\u{7F}", "planted")
        fake.put(Self.v2 + "blobs/sha256/ab/ab2/data", "x")
        fake.put(Self.v2 + "blobs/sha256/cd/cd1/data", "x")
        let denied = Self.v2 + "blobs/sha256/cd/cd1/data"
        fake.setOverride { request, _ in
            guard request.method == "POST" else { return nil }
            let xml = "<DeleteResult><Error><Key>\(denied)</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>"
            return HTTPResponse(status: 200, body: Array(xml.utf8))
        }
        let driver = S3DriverTests.driver(fake)
        let failures = await driver.delete(batch: [Self.p("blobs/sha256/ab/ab1"), Self.p("blobs/sha256/ab/ab2"), Self.p("blobs/sha256/cd/cd1")])
        #expect(failures.map(\.path) == [Self.p("blobs/sha256/cd/cd1")])
        guard case .objectStore(_, .accessDenied(let code, let message))? = failures.first?.error else {
            Issue.record("\(failures)")
            return
        }
        #expect(code == "AccessDenied" && message.contains("not deleted"))
        #expect(driver.skippedKeys.samples.map(\.key) == [folder + "/x\u{7F}"])
        for request in fake.requests {
            #expect(!String(decoding: request.body, as: UTF8.self).contains("x\u{7F}"), "the unsafe key is never named")
        }
    }
}
