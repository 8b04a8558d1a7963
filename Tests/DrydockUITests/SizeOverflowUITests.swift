@testable import RegistryStorage
import Testing
@testable import DrydockUI

/// Hostile descriptor sizes (`Int64.max` on two missing layers, `Int64.min`) and huge orphans: the repository list,
/// the manifest and layer screens and the space view show saturated figures instead of trapping.
@Suite struct SizeOverflowUITests {
    /// An image in `repo`, tagged `v1`, whose two layers declare `sizes` and are linked but not stored.
    @discardableResult
    static func hostileImage(_ f: UIFixture, _ repo: String, sizes: [Int64]) -> Digest {
        let config = f.blob(Array("{}".utf8))
        f.link(repo, layer: config)
        let layers = sizes.indices.map { i in
            let d = Digest.sha256(of: Array("\(repo) layer \(i)".utf8))
            f.link(repo, layer: d)
            return "{\"mediaType\":\"\(MediaType.dockerLayer)\",\"size\":\(sizes[i]),\"digest\":\"\(d)\"}"
        }
        let text = """
            {"schemaVersion":2,"mediaType":"\(MediaType.schema2)",\
            "config":{"mediaType":"\(MediaType.dockerConfig)","size":2,"digest":"\(config)"},"layers":[\(layers.joined(separator: ","))]}
            """
        let m = f.blob(Array(text.utf8))
        f.driver.put(StoreLayout.revisionLink(StoreLayout.repository(repo), m), m.description)
        f.tag(repo, "v1", m)
        return m
    }

    @Test func int64MaxLayersShowSaturatedSizes() async throws {
        let f = UIFixture()
        let d = Self.hostileImage(f, "huge", sizes: [.max, .max])
        var s = try await f.loadedState()
        #expect(s.summaries["huge"]?.totalSize == .max)
        #expect(s.text.contains("8192 PiB"), "\(s.text)")
        press(&s, .enter, .enter)
        #expect(s.top.id == .manifest(repository: "huge", digest: d, tag: "v1"))
        #expect(s.text.contains("2 layers, 8192 PiB"), "\(s.text)")
        press(&s, .enter)
        #expect(s.top.id == .layers(repository: "huge", digest: d))
        #expect(s.text.contains("Layers (2, 8192 PiB)"), "\(s.text)")
    }

    @Test func negativeLayerSizesAreNotSummed() async throws {
        let f = UIFixture()
        let d = Self.hostileImage(f, "negative", sizes: [.min, .min])
        var s = try await f.loadedState()
        let summary = try #require(s.summaries["negative"])
        #expect(summary.totalSize >= 0 && summary.totalSize < 1024)
        #expect(summary.worstProblem == .warning || summary.worstProblem == .error)
        press(&s, .enter, .enter)
        #expect(s.top.id == .manifest(repository: "negative", digest: d, tag: "v1"))
        // The two layers declare nothing usable and are not stored: no bytes for them.
        #expect(s.text.contains("2 layers, 0 B"), "\(s.text)")
        press(&s, .enter)
        #expect(s.text.contains("Layers (2, 0 B)"), "\(s.text)")
    }

    @Test func theSpaceViewAddsHugeOrphansToHugeReferences() async throws {
        let f = UIFixture()
        Self.hostileImage(f, "huge", sizes: [.max, .max])
        Self.hostileImage(f, "other", sizes: [.max])
        var s = try await f.loadedState()
        let effects = press(&s, .char("D"))
        let report = try #require(s.spaceReport)
        #expect(report.referencedBytes == .max)
        #expect(report.largest.map(\.total) == [.max, .max])
        #expect(report == SpaceReport.make(s.repositories, index: try #require(s.index), limit: SpaceScreen.limit))
        var plan = GCPlan(deleteUntagged: false, markedCount: 0)
        plan.bytes = .max
        for case .planSpace(let g) in effects {
            s = reduce(s, .spacePlanned(.success(GCModes(orphanBlobs: plan, withUntagged: plan)), generation: g)).0
        }
        #expect(s.text.contains("Store: 8192 PiB in blobs"), "\(s.text)")
    }
}
