import Foundation
import Testing
@testable import RegistryStorage

/// The catalog over S3 from flat listings started ahead (`S3CatalogPrefetch`): the same repositories, order and
/// problems as the folder-by-folder walk, with the first screen after a few round trips in a row.
@Suite struct S3CatalogPrefetchTests {
    static func driver(_ s3: FakeS3) -> S3Driver {
        S3Driver(
            location: S3Location(bucket: s3.bucket, rootDirectory: "/", region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:9")!),
            credentials: nil, transport: s3)
    }

    static let repositories = "docker/registry/v2/repositories/"

    /// A repository's keys: layer links, revisions and tags, `keys` files in all.
    static func addRepository(_ s3: FakeS3, _ name: String, keys: Int = 12, layers: Bool = true) {
        for i in 0..<keys {
            let d = Digest.sha256(of: Array("\(name) \(i)".utf8))
            let key: String
            switch i % 3 {
            case 0 where layers: key = "\(name)/_layers/sha256/\(d.hex)/link"
            case 1: key = "\(name)/_manifests/revisions/sha256/\(d.hex)/link"
            default: key = "\(name)/_manifests/tags/t\(i)/current/link"
            }
            s3.put(repositories + key, d.description)
        }
    }

    /// Names whose catalog order differs from their keys' order (`a-b/…` sorts before `a/…` as keys, after it as a
    /// catalog), nested repositories, a repository inside a repository, one without `_layers`, stray files and
    /// folder markers, and one large namespace that needs splitting.
    static func store(pageLimit: Int, latency: Duration = .zero) -> FakeS3 {
        let s3 = FakeS3(pageLimit: pageLimit, latency: latency)
        for name in ["a", "a-b", "a/b", "a.b/c", "a/b-c/d", "a/b/c", "zeta/no-layers", "0lead"] {
            addRepository(s3, name, layers: name != "zeta/no-layers")
        }
        for i in 0..<60 { addRepository(s3, i % 9 == 0 ? "big/svc\(i)/worker" : "big/svc\(i)") }
        s3.put(repositories + "big/stray-file", "x")
        s3.put(repositories + "big/svc3/", "")  // a folder marker
        s3.put(repositories + "empty/", "")
        return s3
    }

    @Test(arguments: [5, 40, 1000])
    func theCatalogIsTheFolderWalksWhateverThePageSize(pageLimit: Int) async throws {
        let s3 = Self.store(pageLimit: pageLimit)
        let walked = try await Catalog.walk(Self.driver(s3))
        let emitted = Locked<[String]>([])
        let store = RegistryStore(driver: Self.driver(s3))
        let prefetched = try await store.repositories { entry in emitted.withLock { $0.append(entry.name) } }
        #expect(prefetched == walked)
        #expect(emitted.withLock { $0 } == walked.repositories.map(\.name))
        #expect(walked.repositories.count == 8 + 60)
        #expect(walked.repositories.map(\.name).prefix(4) == ["0lead", "a", "a/b", "a/b/c"])
        #expect(walked.repositories.contains { $0.name == "zeta/no-layers" && !$0.hasLayersFolder })
    }

    @Test func theFirstScreenComesAfterAtMostFourRoundTripsInARow() async throws {
        // Pages of 100 keys: `big` (about 750 keys) is split; each repository then fits one page.
        let s3 = Self.store(pageLimit: 100, latency: .milliseconds(40))
        let driver = Self.driver(s3)
        let store = RegistryStore(driver: driver)
        let atScreen = Locked<(seen: Int, roundTrips: Int?)>((0, nil))
        let listing = try await store.repositories { _ in
            atScreen.withLock {
                $0.seen += 1
                if $0.seen == 40 { $0.roundTrips = driver.sequentialRoundTrips }
            }
        }
        #expect(listing.repositories.count == 68)
        // `repositories/` one level; each first-level folder's first flat page with its delimited listing; `big`'s
        // subfolders flat (32 at once, the driver's limit: the rest one round trip later). The folder walk needs a
        // round trip per folder, one after another.
        let roundTrips = try #require(atScreen.withLock { $0.roundTrips })
        #expect(roundTrips <= 4, "\(roundTrips) round trips before 40 repositories")
        let walkDriver = Self.driver(s3)
        _ = try await Catalog.walk(walkDriver)
        #expect(walkDriver.sequentialRoundTrips > 40)
        #expect(driver.requestCounts.list < walkDriver.requestCounts.list)
    }

    @Test func aScanListingInPlaceAnswersTheWalkInstead() async throws {
        let s3 = Self.store(pageLimit: 1000)
        let driver = Self.driver(s3)
        try await driver.takeListingSnapshot(of: StoragePath(trusted: ["repositories"]))
        let before = driver.requestCounts.list
        #expect(driver.catalogPrefetch(of: StoragePath(trusted: ["repositories"])) == nil)
        _ = try await RegistryStore(driver: driver).repositories()
        #expect(driver.requestCounts.list == before)
    }
}
