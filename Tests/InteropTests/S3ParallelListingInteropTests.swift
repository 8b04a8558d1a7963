import Foundation
import RegistryStorage
import StoreGenerator
import Testing

/// Over moto, a generated store whose blobs span every hex prefix and whose one namespace holds thousands of keys:
/// `blobs/` is listed in key ranges at once and the catalog from flat listings started ahead, and both give what the
/// same store gives on disk.
@Suite(.heavy) struct S3ParallelListingInteropTests {
    static let bucket = "drydock-ranges"

    @Test(.timeLimit(.minutes(6)))
    func blobRangesAndThePrefetchedCatalogAgreeWithTheDisk() async throws {
        try RequiredTool.require(all: ["moto_server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-ranges")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store").path
        // 48 repositories under team0/ (about 5 000 keys: split) with 1 900 blobs (two pages and more of `blobs/`).
        var shape = StoreGenerator.Shape(repositories: 48, tagsPerRepository: 6, layersPerImage: 2)
        shape.indexEvery = 5
        let predicted = try StoreGenerator(shape: shape, root: root).generate()
        #expect(predicted.blobs.count > 1_500)

        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try await moto.createBucket(Self.bucket)
        let location = S3Location(bucket: Self.bucket, rootDirectory: "/ranges", region: moto.region, endpoint: moto.endpoint)
        let credentials = S3Credentials(accessKeyID: moto.accessKey, secretAccessKey: moto.secretKey)
        try await Self.upload(v2: root + "/docker/registry/v2", to: S3Driver(location: location, credentials: credentials))

        let disk = try RegistryStore.open(root: root)
        func s3Store() async throws -> (RegistryStore, S3Driver) {
            let access = S3Access(location: location, credentials: credentials, credentialSource: .configuration)
            let store = try await RegistryStore.open(s3: access)
            return (store, try #require(store.driver as? S3Driver))
        }

        // blobs/: the first page, then up to 16 ranges at once; the same digests as the disk, with their sizes.
        let (blobStore, blobDriver) = try await s3Store()
        let before = blobDriver.requestCounts
        let chainBefore = blobDriver.sequentialRoundTrips
        let overS3 = try await blobStore.storedBlobs()
        let onDisk = try await disk.storedBlobs()
        #expect(Set(overS3.keys) == Set(onDisk.keys))
        #expect(overS3.count == predicted.blobs.count)
        let lists = blobDriver.requestCounts.list - before.list
        #expect(lists >= 2 && lists <= 1 + 16 * 2, "\(lists) listings of blobs/")
        #expect(blobDriver.sequentialRoundTrips - chainBefore <= 3, "blobs/ listed in \(blobDriver.sequentialRoundTrips - chainBefore) round trips")
        for (digest, size) in overS3.prefix(20) {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/docker/registry/v2/" + StoreLayout.blobData(digest).description)
            #expect((attributes[.size] as? NSNumber)?.int64Value == size)
        }

        // The collection plan over S3 (the scan's listing, blobs in ranges) is the disk's.
        let (planStore, _) = try await s3Store()
        let planS3 = try await GarbageCollector(store: planStore).plan(deleteUntagged: true)
        let planDisk = try await GarbageCollector(store: disk).plan(deleteUntagged: true)
        #expect(planS3.manifests == planDisk.manifests)
        #expect(planS3.blobs.map(\.digest) == planDisk.blobs.map(\.digest))
        #expect(!planS3.blobs.isEmpty)

        // The browser's catalog: the disk's, 40 repositories after at most 5 round trips in a row from opening
        // (the probe, `repositories/`, team0's first page with its delimited listing, its subfolders flat).
        let (catalogStore, catalogDriver) = try await s3Store()
        let atScreen = Locked<(seen: Int, roundTrips: Int?)>((0, nil))
        let listing = try await catalogStore.repositories { _ in
            atScreen.withLock {
                $0.seen += 1
                if $0.seen == 40 { $0.roundTrips = catalogDriver.sequentialRoundTrips }
            }
        }
        #expect(listing == (try await disk.repositories()))
        let roundTrips = try #require(atScreen.withLock { $0.roundTrips })
        #expect(roundTrips <= 5, "first screen after \(roundTrips) round trips; \(catalogDriver.requestCounts)")
    }

    /// Every file below `v2`, PUT 16 at a time.
    static func upload(v2: String, to driver: S3Driver) async throws {
        var paths: [StoragePath] = []
        let walker = try #require(FileManager.default.enumerator(atPath: v2))
        while let relative = walker.nextObject() as? String {
            guard (walker.fileAttributes?[.type] as? FileAttributeType) == .typeRegular else { continue }
            paths.append(try #require(StoragePath(validating: relative.split(separator: "/").map(String.init))))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let path = paths[next]
                next += 1
                group.addTask {
                    let data = try Data(contentsOf: URL(fileURLWithPath: v2 + "/" + path.description))
                    try await driver.write(path, contents: Array(data))
                }
            }
            while next < min(16, paths.count) { add() }
            while try await group.next() != nil {
                if next < paths.count { add() }
            }
        }
    }
}
