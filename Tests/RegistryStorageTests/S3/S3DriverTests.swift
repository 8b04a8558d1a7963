import Crypto
import Foundation
import Testing

@testable import RegistryStorage

@Suite struct S3DriverTests {
    static let endpoint = URL(string: "http://fake.test:9000")!
    static let credentials = S3Credentials(accessKeyID: "AK", secretAccessKey: "SK")
    static let fastRetries = S3RetryPolicy(attempts: 3, initialDelay: .milliseconds(1))

    static func driver(
        _ fake: FakeS3, root: String = "/reg", credentials: S3Credentials? = credentials, maxConcurrent: Int = 32
    ) -> S3Driver {
        S3Driver(
            location: S3Location(bucket: fake.bucket, rootDirectory: root, endpoint: endpoint), credentials: credentials,
            transport: fake, maxConcurrentRequests: maxConcurrent, retryPolicy: fastRetries)
    }

    static func p(_ s: String) -> StoragePath { StoragePath(trusted: s.split(separator: "/").map(String.init)) }
    static let v2 = "reg/docker/registry/v2/"

    // MARK: Locations and URLs

    @Test func keyPrefixFollowsTheRegistryRule() {
        #expect(S3Location(bucket: "b").keyPrefix == "docker/registry/v2")
        #expect(S3Location(bucket: "b", rootDirectory: "/").keyPrefix == "docker/registry/v2")
        #expect(S3Location(bucket: "b", rootDirectory: "/a/b/").keyPrefix == "a/b/docker/registry/v2")
        #expect(S3Location(bucket: "b", rootDirectory: "a").keyPrefix == "a/docker/registry/v2")
        #expect(S3Location(bucket: "b", rootDirectory: "a").key(for: Self.p("blobs/sha256")) == "a/docker/registry/v2/blobs/sha256")
        #expect(S3Location(bucket: "b", rootDirectory: "/a/").description == "s3://b/a")
        #expect(S3Location(bucket: "b").description == "s3://b")
    }

    @Test func pathStyleAndVirtualHostedURLs() {
        let custom = S3Location(bucket: "bk", endpoint: URL(string: "http://127.0.0.1:9000")!)
        #expect(custom.pathStyle)
        #expect(custom.url(encodedPath: custom.encodedPath(key: "a b/c"), query: [])?.absoluteString
            == "http://127.0.0.1:9000/bk/a%20b/c")
        #expect(custom.target.hostHeader == "127.0.0.1:9000")
        #expect(custom.url(encodedPath: custom.encodedPath(key: nil), query: [("prefix", "x/")])?.absoluteString
            == "http://127.0.0.1:9000/bk?prefix=x%2F")

        let aws = S3Location(bucket: "bk", region: "eu-west-1")
        #expect(!aws.pathStyle)
        #expect(aws.url(encodedPath: aws.encodedPath(key: "k"), query: [])?.absoluteString
            == "https://bk.s3.eu-west-1.amazonaws.com/k")
        #expect(aws.url(encodedPath: aws.encodedPath(key: nil), query: [])?.absoluteString
            == "https://bk.s3.eu-west-1.amazonaws.com/")

        let awsPath = S3Location(bucket: "bk", region: "us-east-1", pathStyle: true)
        #expect(awsPath.url(encodedPath: awsPath.encodedPath(key: "k"), query: [])?.absoluteString
            == "https://s3.us-east-1.amazonaws.com/bk/k")

        let virtualCustom = S3Location(bucket: "bk", endpoint: URL(string: "https://minio.example:443/base/")!, pathStyle: false)
        #expect(virtualCustom.target.hostHeader == "bk.minio.example")
        #expect(virtualCustom.url(encodedPath: virtualCustom.encodedPath(key: "k"), query: [])?.absoluteString
            == "https://bk.minio.example/base/k")

        #expect(S3Location.endpointURL("minio:9000", secure: false)?.absoluteString == "http://minio:9000")
        #expect(S3Location.endpointURL("https://s3.example", secure: false)?.absoluteString == "https://s3.example")
    }

    @Test func requestsAreSignedOrAnonymous() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "f", "x")
        _ = try await Self.driver(fake).read(Self.p("f"), limit: 10)
        let signed = try #require(fake.requests.last)
        #expect(signed.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AK/") == true)
        #expect(signed.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD")
        #expect(signed.header("Authorization")?.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,") == true)

        _ = try await Self.driver(fake, credentials: nil).read(Self.p("f"), limit: 10)
        #expect(fake.requests.last?.header("Authorization") == nil)
    }

    // MARK: Listing

    @Test func listPaginatesWithContinuationTokens() async throws {
        let fake = FakeS3()
        for i in 0..<2500 { fake.put(Self.v2 + "blobs/" + String(format: "%05d", i), "") }
        fake.put(Self.v2 + "blobs/sub/x", "")
        let driver = Self.driver(fake)
        let entries = try await driver.list(Self.p("blobs"))
        #expect(entries.count == 2501)
        #expect(entries.filter { $0.kind == .directory }.map(\.name) == ["sub"])
        let requests = fake.requests
        #expect(requests.count == 3)
        #expect(driver.requestCounts.list == 3)
        // The `+/=` token went out encoded and came back intact (the fake rejects altered tokens).
        #expect(requests[1].url.absoluteString.contains("continuation-token=t%2B%2F%3D1000%3D%3D"))
        #expect(requests[0].url.absoluteString.contains("delimiter=%2F"))
        #expect(requests[0].url.absoluteString.contains("prefix=reg%2Fdocker%2Fregistry%2Fv2%2Fblobs%2F"))
        #expect(requests[0].url.absoluteString.contains("max-keys=1000"))
    }

    @Test func exactlyOneThousandKeysIsOnePage() async throws {
        let fake = FakeS3()
        for i in 0..<1000 { fake.put(Self.v2 + "d/" + String(format: "%04d", i), "") }
        let driver = Self.driver(fake)
        #expect(try await driver.list(Self.p("d")).count == 1000)
        #expect(fake.requests.count == 1)
        #expect(try await driver.walkFiles(Self.p("d")).count == 1000)
        #expect(fake.requests.count == 2)
    }

    @Test func listStopsWhenNotTruncatedEvenWithAToken() async throws {
        let fake = FakeS3()
        fake.setOverride { request, _ in
            let xml = "<ListBucketResult><IsTruncated>false</IsTruncated><NextContinuationToken>zz</NextContinuationToken>"
                + "<Contents><Key>reg/docker/registry/v2/d/a</Key><Size>1</Size></Contents></ListBucketResult>"
            return HTTPResponse(status: 200, body: Array(xml.utf8))
        }
        #expect(try await Self.driver(fake).list(Self.p("d")).map(\.name) == ["a"])
        #expect(fake.requests.count == 1)
    }

    @Test func aRepeatedTokenEndsTheListingWithAnError() async throws {
        let fake = FakeS3()
        fake.setOverride { _, _ in
            let xml = "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken>"
                + "</ListBucketResult>"
            return HTTPResponse(status: 200, body: Array(xml.utf8))
        }
        await #expect(throws: DriverError.self) { try await Self.driver(fake).list(Self.p("d")) }
        #expect(fake.requests.count == 2)
    }

    @Test func listKeepsSiblingsOutAndMissingFoldersAreNotFound() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "repositories/app/_layers/x", "")
        fake.put(Self.v2 + "repositories/appxyz/_layers/y", "")
        fake.put(Self.v2 + "repositories/app-file", "")
        let driver = Self.driver(fake)
        let top = try await driver.list(Self.p("repositories"))
        #expect(Set(top.map { "\($0.name):\($0.kind)" }) == ["app:directory", "appxyz:directory", "app-file:file"])
        #expect(try await driver.list(Self.p("repositories/app")).map(\.name) == ["_layers"])
        await #expect(throws: DriverError.notFound(Self.p("repositories/nope"))) {
            try await driver.list(Self.p("repositories/nope"))
        }
    }

    @Test func keysWithOddCharactersSurviveURLEncoding() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "d/a b+c", "1")
        fake.put(Self.v2 + "d/ünï & <x>", "22")
        let driver = Self.driver(fake)
        #expect(Set(try await driver.list(Self.p("d")).map(\.name)) == ["a b+c", "ünï & <x>"])
        #expect(try await driver.read(Self.p("d").appending("a b+c"), limit: 10) == Array("1".utf8))
        #expect(try await driver.stat(Self.p("d").appending("ünï & <x>")).size == 2)
    }

    @Test func unsafeKeysAreSkippedAndCounted() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "d/ok", "")
        fake.put(Self.v2 + "d//empty-component", "")
        fake.put(Self.v2 + "d/./dot", "")
        fake.put(Self.v2 + "d/../escape", "")
        fake.put(Self.v2 + "d/..", "")
        fake.put(Self.v2 + "d/sub/", "")  // a folder marker, not a file
        let driver = Self.driver(fake)
        let names = try await driver.list(Self.p("d")).map(\.name).sorted()
        #expect(names == ["ok", "sub"])
        #expect(driver.skippedUnsafeKeys == 4)  // `/`, `./`, `../` prefixes and the `..` object
        let walked = try await driver.walkFiles(Self.p("d")).map(\.path.relativeString)
        #expect(walked == ["d/ok"])
        #expect(driver.skippedUnsafeKeys == 7, "the `..` object, met by both, counts once")
        #expect(driver.skippedKeys.samples.allSatisfy { $0.reason == .pathSegment })
    }

    @Test func keysAreSafeToChangeOnlyBelowThePrefix() {
        let location = S3Location(bucket: "bk", rootDirectory: "reg")
        let v2 = "reg/docker/registry/v2/"
        #expect(location.unsafeKeyReason(v2 + "blobs/sha256/ab/x/data") == nil)
        #expect(location.unsafeKeyReason(v2 + "ünï & <x>+y z%41") == nil)
        #expect(location.unsafeKeyReason("reg/victim") == .outsideStore)
        #expect(location.unsafeKeyReason("reg/docker/registry/v2x/a") == .outsideStore)
        #expect(location.unsafeKeyReason(v2 + "a/x", below: v2 + "b") == .outsideStore)
        #expect(location.unsafeKeyReason(v2 + "b/x", below: v2 + "b") == nil)
        #expect(location.unsafeKeyReason(v2 + "a//b") == .pathSegment)
        #expect(location.unsafeKeyReason(v2 + "a/./b") == .pathSegment)
        #expect(location.unsafeKeyReason(v2 + "a/") == .pathSegment)
        #expect(location.unsafeKeyReason(v2 + "a/\u{1}/../../x") == .pathSegment)
        for control in ["\u{0}", "\u{1}", "\t", "\n", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}"] {
            #expect(location.unsafeKeyReason(v2 + "a/x" + control) == .controlCharacter, "\(control.unicodeScalars.first!.value)")
        }
        #expect(location.unsafeKeyReason(v2 + "a/x\u{A0}") == nil, "no-break space is printable")
        #expect(location.unsafeKeyReason(S3URLDecoding.undecodableMarker(v2 + "%FF")) == .undecodable)
    }

    @Test func requestURLsAreExactlyWhatIsSignedAndNeverHoldDotSegments() throws {
        let location = S3Location(bucket: "bk", rootDirectory: "reg", endpoint: Self.endpoint)
        for key in ["reg/docker/registry/v2/a b+c%25/\u{1}é~", "reg/x.y/..z/.a"] {
            let encoded = location.encodedPath(key: key)
            let url = try #require(location.url(encodedPath: encoded, query: [("prefix", "a/ b+")]))
            #expect(url.path(percentEncoded: true) == encoded)
            #expect(url.query(percentEncoded: true) == "prefix=a%2F%20b%2B")
        }
        for key in ["reg/docker/registry/v2/d/\u{1}/../../victim", "reg/./x", "reg/.."] {
            #expect(location.url(encodedPath: location.encodedPath(key: key), query: []) == nil, "\(key)")
        }
        for encoded in ["/bk/a/%2E%2E/b", "/bk/a/.%2e/b", "/bk/%2e/b"] {
            #expect(location.url(encodedPath: encoded, query: []) == nil, "\(encoded)")
        }
    }

    @Test func walkFilesListsFlatWithSizes() async throws {
        // One sequence of pages (`blobs/` itself is listed in key ranges: S3KeyRangeTests).
        let fake = FakeS3()
        for i in 0..<1500 { fake.put(Self.v2 + "tree/sha256/\(i % 7)/\(i)/data", [UInt8](repeating: 1, count: i % 5)) }
        fake.put(Self.v2 + "treexyz/data", "sibling")
        let driver = Self.driver(fake)
        let files = try await driver.walkFiles(Self.p("tree"))
        #expect(files.count == 1500)
        #expect(files.allSatisfy { $0.kind == .file && $0.path.components.first == "tree" })
        #expect(files.first { $0.path == Self.p("tree/sha256/3/3/data") }?.size == 3)
        #expect(fake.requests.count == 2)
        #expect(!fake.requests[0].url.absoluteString.contains("delimiter"))
        await #expect(throws: DriverError.notFound(Self.p("nothing"))) { try await driver.walkFiles(Self.p("nothing")) }
    }

    // MARK: Objects

    @Test func statFilesFoldersAndMissing() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "d/f", "hello")
        let driver = Self.driver(fake)
        let file = try await driver.stat(Self.p("d/f"))
        #expect(file.kind == .file && file.size == 5)
        #expect(file.modified == 1_704_164_645)  // Tue, 02 Jan 2024 03:04:05 GMT
        #expect(try await driver.stat(Self.p("d")).kind == .directory)
        await #expect(throws: DriverError.notFound(Self.p("e"))) { try await driver.stat(Self.p("e")) }
        #expect(driver.requestCounts.head == 3 && driver.requestCounts.list == 2)
    }

    @Test func readRefusesOverTheLimitWithoutDownloadingIt() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "big", [UInt8](repeating: 7, count: 100_000))
        fake.put(Self.v2 + "small", "12345")
        fake.put(Self.v2 + "empty", [])
        let driver = Self.driver(fake)
        await #expect(throws: DriverError.tooLarge(Self.p("big"), size: 100_000, limit: 100)) {
            try await driver.read(Self.p("big"), limit: 100)
        }
        #expect(fake.requests.last?.header("Range") == "bytes=0-100")
        #expect(try await driver.read(Self.p("small"), limit: 5) == Array("12345".utf8))
        await #expect(throws: DriverError.tooLarge(Self.p("small"), size: 5, limit: 4)) {
            try await driver.read(Self.p("small"), limit: 4)
        }
        #expect(try await driver.read(Self.p("empty"), limit: 5) == [])
        await #expect(throws: DriverError.notFound(Self.p("gone"))) { try await driver.read(Self.p("gone"), limit: 5) }
    }

    @Test func readChunksUsesRangedGets() async throws {
        let fake = FakeS3()
        let size = S3Driver.readChunkBytes + 12345
        let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        fake.put(Self.v2 + "blob", data)
        let driver = Self.driver(fake)
        var collected: [UInt8] = []
        var largest = 0
        try await driver.readChunks(Self.p("blob"), chunkSize: 1 << 20) { chunk in
            largest = max(largest, chunk.count)
            collected.append(contentsOf: chunk)
        }
        #expect(collected == data)
        #expect(largest == 1 << 20)
        #expect(driver.requestCounts.get == 2)
        #expect(fake.requests.last?.header("If-Match") == "\"e\"")

        fake.put(Self.v2 + "empty", [])
        var calls = 0
        try await driver.readChunks(Self.p("empty"), chunkSize: 10) { _ in calls += 1 }
        #expect(calls == 0)
    }

    @Test func writePutsWithThePayloadHash() async throws {
        let fake = FakeS3()
        let driver = Self.driver(fake)
        try await driver.write(Self.p("repositories/a/_layers/x/link"), contents: Array("sha256:abc".utf8))
        #expect(fake.keys == [Self.v2 + "repositories/a/_layers/x/link"])
        let put = try #require(fake.requests.last)
        #expect(put.method == "PUT")
        #expect(put.header("x-amz-content-sha256") == SigV4Signer.sha256Hex(Array("sha256:abc".utf8)))
        #expect(try await driver.read(Self.p("repositories/a/_layers/x/link"), limit: 100) == Array("sha256:abc".utf8))
    }

    // MARK: Deletes

    @Test func deleteBatchesAThousandAndSparesSiblings() async throws {
        let fake = FakeS3()
        for i in 0..<2500 { fake.put(Self.v2 + "repositories/app/k\(i)", "") }
        fake.put(Self.v2 + "repositories/app", "the key itself")
        fake.put(Self.v2 + "repositories/appxyz", "sibling file")
        fake.put(Self.v2 + "repositories/appxyz/k", "sibling folder")
        let driver = Self.driver(fake)
        try await driver.delete(Self.p("repositories/app"))
        #expect(fake.keys == [Self.v2 + "repositories/appxyz", Self.v2 + "repositories/appxyz/k"])
        #expect(fake.state.withLock { $0.deleteBatches } == [1000, 1000, 501])
        #expect(driver.requestCounts.delete == 3)
        #expect(driver.requestCounts.list == 3)
    }

    @Test func deleteOfOneFileIsOneDeleteObject() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "a/link", "x")
        fake.put(Self.v2 + "a/linkxyz", "y")
        let driver = Self.driver(fake)
        try await driver.delete(Self.p("a/link"))
        try await driver.delete(Self.p("a/missing"))  // absent: not an error
        #expect(fake.keys == [Self.v2 + "a/linkxyz"])
        #expect(fake.requests.filter { $0.method == "DELETE" }.count == 2)
        await #expect(throws: DriverError.self) { try await driver.delete(.root) }
    }

    @Test func deleteLeavesUnsafeKeysInPlaceAndNeverNamesThem() async throws {
        let fake = FakeS3()
        let folder = Self.v2 + "blobs/sha256/ab/abc"
        let planted = [
            folder + "/\u{1}/" + String(repeating: "../", count: 9) + "victim",
            folder + "/./data",
            folder + "//data",
            folder + "/x\u{7F}",
            folder + "/x\u{85}",
        ]
        fake.put(folder + "/data", "blob")
        for key in planted { fake.put(key, "planted") }
        fake.put("victim", "outside the store")
        let driver = Self.driver(fake)
        try await driver.delete(Self.p("blobs/sha256/ab/abc"))
        #expect(fake.keys == (planted + ["victim"]).sorted(by: FakeS3.byteOrder))
        for request in fake.requests {
            let path = request.url.path(percentEncoded: true)
            #expect(!HTTPRequest.hasDotSegment(path, percentEncodedToo: true), "\(path)")
            #expect(!path.contains("%01") && !path.contains("%7F") && !path.contains("%C2%85"), "\(path)")
            let body = String(decoding: request.body, as: UTF8.self)
            for key in planted { #expect(!body.contains(S3URLDecoding.xmlEscaped(key)), "\(SafeText.escaping(key)) named") }
        }
        let skipped = driver.skippedKeys
        #expect(skipped.count == planted.count)
        #expect(Set(skipped.samples.map(\.key)) == Set(planted))
        #expect(skipped.samples.first { $0.key == planted[0] }?.reason == .pathSegment)
        #expect(skipped.samples.first { $0.key == planted[4] }?.reason == .controlCharacter)
        #expect(skipped.lines.count == planted.count && skipped.lines.allSatisfy { !SafeText.needsEscaping($0) })
        #expect(skipped.lines.contains { $0.contains("\\x01/../") })
    }

    @Test func unsafeKeysAreNeverSentEvenFromATrustedPath() async throws {
        let fake = FakeS3()
        let driver = Self.driver(fake)
        await #expect(throws: DriverError.self) {
            try await driver.write(StoragePath(trusted: ["repositories", "a\u{1}b", "link"]), contents: [1])
        }
        await #expect(throws: DriverError.self) {
            try await driver.read(StoragePath(trusted: ["repositories", "..", "..", "x"]), limit: 10)
        }
        try await driver.delete(StoragePath(trusted: ["repositories", "a", "_uploads", "id\u{9B}"]))
        #expect(fake.requests.allSatisfy { $0.method == "GET" && $0.url.query(percentEncoded: true) != nil }, "listings only")
        #expect(driver.skippedKeys.samples.map(\.reason) == [.controlCharacter, .controlCharacter])
    }

    @Test func theURLSessionTransportRefusesDotSegments() async throws {
        // Nothing listens on loopback port 9: a request that went out would fail as "connection refused" instead.
        let transport = URLSessionTransport(timeout: 5)
        for path in ["/b/k/%01/../../victim", "/b/./k"] {
            let request = HTTPRequest(method: "DELETE", url: try #require(URL(string: "http://127.0.0.1:9" + path)))
            await #expect {
                try await transport.send(request)
            } throws: { error in
                (error as? HTTPTransportError).map { $0.message.contains(". or .. segment") && !$0.isRetryable } == true
            }
        }
    }

    @Test func perKeyDeleteErrorsAreReported() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "d/x", "")
        fake.setOverride { request, _ in
            guard request.method == "POST" else { return nil }
            let xml = "<DeleteResult><Error><Key>reg/docker/registry/v2/d/x</Key><Code>AccessDenied</Code>"
                + "<Message>Access Denied</Message></Error></DeleteResult>"
            return HTTPResponse(status: 200, body: Array(xml.utf8))
        }
        await #expect {
            try await Self.driver(fake).delete(Self.p("d"))
        } throws: { error in
            guard case .objectStore(_, .accessDenied(let code, let message)) = error as? DriverError else { return false }
            return code == "AccessDenied" && message.contains("1 of 2")
        }
    }

    // MARK: Errors

    static func failing(_ status: Int, _ code: String, _ message: String = "m") -> FakeS3 {
        let fake = FakeS3()
        fake.setOverride { _, _ in FakeS3.error(status, code, message) }
        return fake
    }

    @Test func errorAnswersMapToTypedFailures() async throws {
        let d = Self.p("d")
        let cases: [(FakeS3, DriverError, Int)] = [
            (Self.failing(404, "NoSuchBucket"), .objectStore(d, .noSuchBucket("bucket")), 1),
            (Self.failing(403, "AccessDenied", "Access Denied"), .objectStore(d, .accessDenied(code: "AccessDenied", message: "Access Denied")), 1),
            (Self.failing(403, "SignatureDoesNotMatch"), .objectStore(d, .accessDenied(code: "SignatureDoesNotMatch", message: "m")), 1),
            (Self.failing(403, "InvalidAccessKeyId"), .objectStore(d, .accessDenied(code: "InvalidAccessKeyId", message: "m")), 1),
            (Self.failing(400, "ExpiredToken"), .objectStore(d, .accessDenied(code: "ExpiredToken", message: "m")), 1),
            (Self.failing(403, "RequestTimeTooSkewed", "skew"), .objectStore(d, .clockSkew("skew")), 1),
            (Self.failing(400, "InvalidArgument", "bad"), .objectStore(d, .http(status: 400, code: "InvalidArgument", message: "bad")), 1),
            (Self.failing(503, "SlowDown", "slow"), .transient(d, "S3 answered HTTP 503 SlowDown: slow"), 3),
            (Self.failing(500, "InternalError", "oops"), .transient(d, "S3 answered HTTP 500 InternalError: oops"), 3),
        ]
        for (fake, expected, requests) in cases {
            await #expect(throws: expected) { try await Self.driver(fake).list(d) }
            #expect(fake.requests.count == requests, "\(expected)")
        }
    }

    @Test func aHeadWithoutABodyStillMaps() async throws {
        let fake = FakeS3()
        fake.setOverride { _, _ in HTTPResponse(status: 403) }
        await #expect(throws: DriverError.objectStore(Self.p("f"), .accessDenied(code: "Forbidden", message: "HTTP 403"))) {
            try await Self.driver(fake).stat(Self.p("f"))
        }
    }

    @Test func transientFailuresAreRetriedThenSucceed() async throws {
        let fake = FakeS3()
        fake.put(Self.v2 + "f", "ok")
        fake.setOverride { _, index in index <= 2 ? FakeS3.error(503, "SlowDown", "Please reduce your request rate.") : nil }
        let driver = Self.driver(fake)
        #expect(try await driver.read(Self.p("f"), limit: 10) == Array("ok".utf8))
        #expect(driver.requestCounts.get == 3)
    }

    @Test func connectionFailuresBecomeNetworkErrorsAfterRetries() async throws {
        let refusing = RefusingTransport(retryable: true)
        let driver = S3Driver(
            location: S3Location(bucket: "b", endpoint: Self.endpoint), credentials: nil, transport: refusing,
            retryPolicy: Self.fastRetries)
        await #expect(throws: DriverError.objectStore(Self.p("x"), .network("refused"))) {
            try await driver.stat(Self.p("x"))
        }
        #expect(refusing.calls.withLock { $0 } == 3)

        let tls = RefusingTransport(retryable: false)
        let driver2 = S3Driver(
            location: S3Location(bucket: "b", endpoint: Self.endpoint), credentials: nil, transport: tls,
            retryPolicy: Self.fastRetries)
        await #expect(throws: DriverError.self) { try await driver2.list(.root) }
        #expect(tls.calls.withLock { $0 } == 1)
    }

    @Test func concurrencyIsBounded() async throws {
        let fake = FakeS3(latency: .milliseconds(20))
        for i in 0..<24 { fake.put(Self.v2 + "f\(i)", "x") }
        let driver = Self.driver(fake, maxConcurrent: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<24 { group.addTask { _ = try await driver.stat(Self.p("f\(i)")) } }
            try await group.waitForAll()
        }
        #expect(fake.state.withLock { $0.peakInFlight } <= 3)
        #expect(await driver.peakConcurrentRequests == 3)
    }

    @Test func failureDescriptionsEscapeServerText() {
        let failure = ObjectStoreFailure.accessDenied(code: "AccessDenied", message: "bad\u{1B}[31m")
        #expect(!failure.description.contains("\u{1B}"))
        #expect(DriverError.objectStore(Self.p("a"), .noSuchBucket("b")).description == "a: the bucket 'b' does not exist")
    }

    @Test func httpDatesParse() {
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse("Fri, 24 May 2013 00:00:00 GMT") == 1_369_353_600)
        #expect(HTTPDate.parse("garbage") == nil)
    }
}

/// A transport whose every request fails before any HTTP answer.
final class RefusingTransport: HTTPTransport {
    let retryable: Bool
    let calls = Locked(0)
    init(retryable: Bool) { self.retryable = retryable }
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        calls.withLock { $0 += 1 }
        throw HTTPTransportError(message: "refused", isRetryable: retryable)
    }
}
