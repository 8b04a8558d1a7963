import Foundation
@testable import RegistryStorage
import Testing

/// A sweep over S3 deletes in DeleteObjects batches: N blob folders cost ⌈N/1000⌉ deletes and a listing per blob
/// fan-out folder, where removing them one by one costs a listing and a delete each (2N). Measured on the real
/// registry's bucket (moto), with the plan and result unchanged and every kept tag pulled afterwards.
@Suite(.serialized, .heavy) struct S3BatchSweepInteropTests {
    /// Forwards everything to the S3 driver except `delete(batch:)`: the protocol's one-by-one default, which is
    /// what a sweep cost before batches.
    final class OneByOne: ForwardingDriver, @unchecked Sendable {
        let base: any StorageDriver
        init(_ base: S3Driver) { self.base = base }
    }

    static func plantOrphans(_ count: Int, seed: String, driver: S3Driver) async throws -> Set<Digest> {
        try await withThrowingTaskGroup(of: Digest.self) { group in
            for i in 0..<count {
                group.addTask {
                    let bytes = Array("\(seed) orphan \(i)".utf8)
                    let d = Digest.sha256(of: bytes)
                    try await driver.write(StoreLayout.blobData(d), contents: bytes)
                    return d
                }
            }
            var out = Set<Digest>()
            for try await d in group { out.insert(d) }
            return out
        }
    }

    @Test(.timeLimit(.minutes(6)))
    func aSweepDeletesInBatchesOfAThousandAndTheRegistryServesEveryKeptTag() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-batch")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "s3batch-base")
        for v in ["v1", "v2", "v3"] { try layout.addImage(tag: v, layers: [base, LayerSpec(seed: "s3batch-\(v)")], labels: ["v": v]) }
        let orphans = 1200

        try await S3RegistryBed.with { bed in
            for v in ["v1", "v2", "v3"] { try await Skopeo.copy(layout: layout, tag: v, to: bed.server, repository: "team/app", destinationTag: v) }
            // v1's tag moves to v3's image: v1's manifest is untagged, with a layer of its own.
            try await Skopeo.copy(layout: layout, tag: "v3", to: bed.server, repository: "team/app", destinationTag: "v1")
            try await Skopeo.copy(layout: layout, tag: "v2", to: bed.server, repository: "other", destinationTag: "latest")
            let store = try await bed.openLibrary()
            let s3 = try #require(store.driver as? S3Driver)

            // Before: the same sweep one path at a time.
            let first = try await Self.plantOrphans(orphans, seed: "before", driver: s3)
            let onePlan = try await GarbageCollector(store: store).plan(deleteUntagged: false)
            #expect(Set(onePlan.blobs.map(\.digest)) == first)
            let beforeOne = s3.requestCounts
            let oneResult = try await GarbageCollector(store: RegistryStore(driver: OneByOne(s3))).collect(
                onePlan, policy: .unrestricted, registryStopped: true)
            let one = s3.requestCounts.minus(beforeOne)
            #expect(oneResult.blobsRemoved == orphans)
            #expect(one.delete == orphans && one.list >= orphans, "one by one: \(one)")

            // After: batched, with --delete-untagged (manifest folders and layer links go too).
            let second = try await Self.plantOrphans(orphans, seed: "after", driver: s3)
            let plan = try await GarbageCollector(store: store).plan(deleteUntagged: true)
            #expect(plan.manifests.count == 1 && plan.blobs.count == orphans + 3, "the orphans, v1's manifest, config and layer")
            #expect(Set(plan.blobs.map(\.digest)).isSuperset(of: second))
            let before = s3.requestCounts
            let result = try await GarbageCollector(store: store).collect(plan, policy: .unrestricted, registryStopped: true)
            let batched = s3.requestCounts.minus(before)
            #expect(result.blobsRemoved == plan.blobs.count && result.manifestsRemoved == 1 && result.bytes == plan.bytes)
            // One DeleteObjects for the manifest's folders, one for its layer links, two for 1203 blob folders.
            #expect(batched.delete == 4, "batched: \(batched)")
            // Listings: one per blob fan-out folder in each batch (the folder a batch boundary splits, twice); four
            // to capture the manifest's two folders for the journal (is it a folder, then its files); one each for
            // the two folders and the two layer links, listed from their own keys. Far below one per blob.
            let fanOuts = Set(plan.blobs.map { $0.digest.hex.prefix(2) }).count
            #expect(batched.list <= fanOuts + 1 + 4 + 2 + 2, "batched: \(batched), \(fanOuts) fan-out folders")
            #expect(batched.total * 4 < one.total, "batched \(batched) against one by one \(one)")
            print("sweep of \(orphans) orphan blobs over moto: one by one \(one); batched (\(plan.blobs.count) blobs, 1 manifest) \(batched)")

            let after = try await bed.keys()
            for d in first.union(second) { #expect(!after.contains("blobs/sha256/\(d.hex.prefix(2))/\(d.hex)/data")) }
            #expect(try await GarbageCollector(store: try await bed.openLibrary()).plan(deleteUntagged: true).isEmpty)
            #expect(try await bed.registryGC(dryRun: true, deleteUntagged: true).blobs.isEmpty, "the registry's collector finds nothing left")
            for (repository, tag) in [("team/app", "v1"), ("team/app", "v2"), ("team/app", "v3"), ("other", "latest")] {
                try await DeleteScenario.pullCompletely(bed.api, repository, tag)
            }
        }
    }
}

extension S3RequestCounts {
    func minus(_ earlier: S3RequestCounts) -> S3RequestCounts {
        var out = S3RequestCounts()
        for kind in S3RequestKind.allCases { out[kind] = self[kind] - earlier[kind] }
        return out
    }
}
