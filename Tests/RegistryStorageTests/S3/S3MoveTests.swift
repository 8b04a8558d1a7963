import Foundation
import Testing

@testable import RegistryStorage

/// `S3Driver.move`: a server-side CopyObject then DeleteObject, never over an existing key, never for an unsafe key,
/// and not for objects a single copy cannot move.
@Suite struct S3MoveTests {
    static let v2 = S3DriverTests.v2
    static let source = S3DriverTests.p("blobs/sha256/ab/abcd/data")
    static let destination = S3DriverTests.p("drydock/quarantine/id/sha256/abcd/data")

    @Test func copiesServerSideThenDeletesTheSource() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + Self.source.relativeString, "blob bytes")
        let driver = S3DriverTests.driver(fake)
        try await driver.move(Self.source, to: Self.destination)
        #expect(fake.keys == [Self.v2 + Self.destination.relativeString])
        #expect(try await driver.read(Self.destination, limit: 100) == Array("blob bytes".utf8))
        let copy = try #require(fake.requests.first { $0.method == "PUT" })
        #expect(copy.body.isEmpty, "the bytes never left the bucket")
        #expect(copy.header("x-amz-copy-source") == "bucket/" + Self.v2 + Self.source.relativeString)
        #expect(fake.requests.contains { $0.method == "DELETE" && $0.url.path.hasSuffix(Self.source.relativeString) })
    }

    @Test func refusesAnExistingDestinationAndChangesNothing() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + Self.source.relativeString, "new")
        fake.put(Self.v2 + Self.destination.relativeString, "old")
        let driver = S3DriverTests.driver(fake)
        await #expect(throws: DriverError.alreadyExists(Self.destination)) { try await driver.move(Self.source, to: Self.destination) }
        #expect(!fake.requests.contains { $0.method == "PUT" || $0.method == "DELETE" })
        #expect(try await driver.read(Self.destination, limit: 10) == Array("old".utf8))
    }

    @Test func leavesObjectsOverFiveGiBInPlace() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + Self.source.relativeString, "x")
        fake.setOverride { request, _ in
            guard request.method == "HEAD", request.url.path.hasSuffix(Self.source.relativeString) else { return nil }
            return HTTPResponse(status: 200, headers: ["Content-Length": String((5 << 30) + 1)])
        }
        let driver = S3DriverTests.driver(fake)
        do {
            try await driver.move(Self.source, to: Self.destination)
            Issue.record("a 5 GiB + 1 object was moved")
        } catch let error as DriverError {
            guard case .unsupported(_, let why) = error else { throw error }
            #expect(why.contains("5 GiB"))
        }
        #expect(!fake.requests.contains { $0.method == "PUT" || $0.method == "DELETE" })
    }

    @Test func refusesUnsafeKeysBeforeAnyRequest() async throws {
        let fake = FakeS3()
        let driver = S3DriverTests.driver(fake)
        await #expect(throws: DriverError.self) {
            try await driver.move(StoragePath(trusted: ["blobs", "..", "..", "x"]), to: Self.destination)
        }
        await #expect(throws: DriverError.self) {
            try await driver.move(Self.source, to: StoragePath(trusted: ["drydock", "..", "..", "..", "outside"]))
        }
        #expect(fake.requests.isEmpty)
    }
}
