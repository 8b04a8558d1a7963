import Foundation
import RegistryStorage
import Testing

/// Over S3 (the real registry on moto): a collection plan lists `repositories/` flat (its first-level folders at
/// once), proves tag links by their ETags, and with a warm content cache reads nothing but listings; it plans what
/// the folder-by-folder walk plans, and the command line prints the same cold and warm.
@Suite(.heavy) struct S3FlatListingInteropTests {
    @Test(.timeLimit(.minutes(5)))
    func aPlanListsFlatProvesTagLinksByETagAndWarmReadsNothingElse() async throws {
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
            let distinctManifests = 3  // team/app: v1, v2, v3 images; other: the v1 image again

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
            // The folder-by-folder walk, no snapshot and no cache: what the flat listing must agree with.
            let walkStore = try await bed.openLibrary()
            let walked = try await walkStore.loadEverything(detail: .marking)
            let byWalk = try await GarbageCollector(store: walkStore).plan(
                repositories: walked.1, storeProblems: walked.0.problems, deleteUntagged: true)
            let (uncached, uncachedCounts) = try await plan(cache: false)
            let (cold, coldCounts) = try await plan(cache: true)
            let (warm, warmCounts) = try await plan(cache: true)
            #expect(uncached == byWalk && cold == byWalk && warm == byWalk)
            #expect(byWalk.manifests.count == 1)
            // Listings: `repositories/` one level, then its two first-level folders flat (at once), and `blobs/`.
            #expect(uncachedCounts.list == 4 && coldCounts.list == 4 && warmCounts.list == 4, "\(coldCounts)")
            // Tag links are proven by their ETags: a cold plan reads only the manifests, a warm one nothing.
            // (A manifest two repositories share is read once, or twice when both load at once.)
            #expect(coldCounts.get >= distinctManifests && coldCounts.get <= distinctManifests + 1, "cold: \(coldCounts)")
            #expect(warmCounts.get == 0, "warm: \(warmCounts)")
            #expect(warmCounts.head == 0 && coldCounts.head == 0)

            // The listing loads (ls) find the same through the flat listing as through the walk.
            let flatStore = try await bed.openLibrary()
            await flatStore.beginScan()
            let flat = try await flatStore.loadEverything(detail: .listing)
            flatStore.endScan()
            let live = try await bed.openLibrary().loadEverything(detail: .listing)
            #expect(flat.0 == live.0)
            #expect(flat.1 == live.1)

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
