import Foundation
import RegistryStorage
import Testing

/// The content cache over S3 (the real registry on moto): a warm collection plan asks for no manifest (GET) nor
/// blob presence (HEAD: the blob listing's sizes tell it), only the links a listing cannot replace; and the command
/// line prints the same cold and warm.
@Suite(.heavy) struct ContentCacheS3InteropTests {
    @Test(.timeLimit(.minutes(5)))
    func aWarmPlanReadsOnlyTagLinksAndPlansTheSame() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-cache-s3")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "cache-s3-base")
        for v in ["v1", "v2", "v3"] { try layout.addImage(tag: v, layers: [base, LayerSpec(seed: "cache-s3-\(v)")]) }
        let cacheRoot = scratch.url.appendingPathComponent("cache")
        try await S3RegistryBed.with { bed in
            for v in ["v1", "v2", "v3"] { try await Skopeo.copy(layout: layout, tag: v, to: bed.server, repository: "team/app") }
            try await Skopeo.copy(layout: layout, tag: "v1", to: bed.server, repository: "other", destinationTag: "latest")
            // v1 pushed again under the same tag name as v3: v1's manifest in team/app becomes untagged.
            try await Skopeo.copy(layout: layout, tag: "v3", to: bed.server, repository: "team/app", destinationTag: "v1")
            let tags = 4  // team/app v1 v2 v3, other latest
            let manifests = 4  // team/app: three revisions; other: one

            func plan(cache: Bool) async throws -> (GCPlan, S3RequestCounts) {
                let store = try await bed.openLibrary()
                if cache { store.contentCache = ContentCache(root: cacheRoot) }
                let driver = try #require(store.driver as? S3Driver)
                let before = driver.requestCounts
                let plan = try await GarbageCollector(store: store).plan(deleteUntagged: true)
                store.contentCache?.flush()
                var used = driver.requestCounts
                used.list -= before.list
                used.get -= before.get
                used.head -= before.head
                return (plan, used)
            }
            let (uncached, _) = try await plan(cache: false)
            let (cold, coldCounts) = try await plan(cache: true)
            let (warm, warmCounts) = try await plan(cache: true)
            #expect(cold == uncached && warm == uncached)
            #expect(uncached.manifests.count == 1)
            #expect(coldCounts.get == tags + manifests, "cold: \(coldCounts)")
            #expect(warmCounts.get == tags, "warm: \(warmCounts)")
            #expect(warmCounts.head == 0 && coldCounts.head == 0)
            #expect(warmCounts.list == coldCounts.list)

            for command in [["ls", "--json"], ["gc", "--dry-run", "--json"]] {
                let env = ["DRYDOCK_CACHE_DIR": scratch.url.appendingPathComponent("cli-\(command[0])").path]
                let first = try await bed.drydock(command + bed.direct, environment: env)
                let second = try await bed.drydock(command + bed.direct, environment: env)
                #expect(first.exitCode == 0, "\(first.stderrString)")
                #expect(first.stdout == second.stdout && !first.stdout.isEmpty, "\(command)")
            }
        }
    }
}
