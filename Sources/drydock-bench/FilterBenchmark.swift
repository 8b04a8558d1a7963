import Foundation
import DrydockUI
import RegistryStorage

/// How long the browser takes to redraw a long list while a filter is typed: a repository with `rows` tags is loaded
/// into the real reducer, its tag list opened, then `/` and a filter are typed key by key; each key is timed from the
/// action to a rendered cell grid (what the terminal layer draws).
enum FilterBenchmark {
    struct Result {
        var rows: Int
        /// Per typed key (after `/`): reduce + render, in milliseconds.
        var keyMilliseconds: [Double]
        var rowsShownAfterFilter: Int
    }

    static func run(rows: Int = 40_000) async throws -> Result {
        let driver = InMemoryDriver(location: "bench://")
        let repo = StoreLayout.repository("bench/many-tags")
        let config = Array(#"{"architecture":"amd64","os":"linux","created":"2024-05-01T10:00:00Z","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
        let configDigest = Digest.sha256(of: config)
        driver.put(StoreLayout.blobData(configDigest), config)
        driver.put(StoreLayout.layerLink(repo, configDigest), configDigest.description)
        // A handful of manifests shared by many tags, as in a store that tags every build.
        var manifests: [Digest] = []
        for i in 0..<8 {
            let bytes = Array("""
                {"schemaVersion":2,"mediaType":"\(MediaType.schema2)","config":{"mediaType":"\(MediaType.dockerConfig)","size":\(config.count),"digest":"\(configDigest)"},"layers":[],"annotations":{"n":"\(i)"}}
                """.utf8)
            let d = Digest.sha256(of: bytes)
            driver.put(StoreLayout.blobData(d), bytes)
            driver.put(StoreLayout.revisionLink(repo, d), d.description)
            manifests.append(d)
        }
        for t in 0..<rows {
            let d = manifests[t % manifests.count]
            let name = "build-\(t)"
            driver.put(StoreLayout.tagIndexLink(repo, name, d), d.description)
            driver.put(StoreLayout.tagCurrentLink(repo, name), d.description)
        }
        let store = RegistryStore(driver: driver)
        let listing = try await store.repositories()
        guard let entry = listing.repositories.first else { throw BenchError("the synthetic store has no repository") }
        let contents = await store.load(entry, detail: .full)

        var s = AppState(store: StoreDescription(location: driver.location), deleteGate: .disabled(reason: "benchmark"),
                         size: GridSize(rows: 50, cols: 160))
        s = reduce(s, .start).0
        s = reduce(s, .catalogLoaded(listing, generation: 0)).0
        s = reduce(s, .repositoryLoaded(contents, generation: 0)).0
        s = reduce(s, .indexBuilt(StoreIndex([contents]), generation: 0)).0
        s = reduce(s, .key(.enter)).0
        _ = render(s)
        s = reduce(s, .key(.char("/"))).0
        _ = render(s)
        var times: [Double] = []
        for c in "build-3999" {
            let start = DispatchTime.now().uptimeNanoseconds
            s = reduce(s, .key(.char(c))).0
            _ = render(s)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let grid = render(s)
        let shown = grid.lines.filter { $0.contains("build-3999") }.count
        return Result(rows: rows, keyMilliseconds: times, rowsShownAfterFilter: shown)
    }
}
