import ArgumentParser
import Foundation
import RegistryStorage

/// What planning a delete costs next to loading the repository it plans over: one repository with `tags` tags on a
/// few manifests, written to disk; the full load (what `rm` reads), then a manifest delete that untags a share of the
/// tags, and an untag of every tag (what a prune plans). Planning used to be quadratic in the tag count (10 000 tags
/// 10.5 s, 50 000 tags 308 s); it should now cost a fraction of the load.
struct PlanBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Time delete planning over a repository with many tags against loading it.")

    @Option(help: "Tags in the repository.") var tags = 20_000
    @Option(help: "Manifests the tags point at.") var manifests = 4

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-bench-plan-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digests = try Self.writeStore(root: root, tags: tags, manifests: max(1, manifests))
        let store = try RegistryStore.open(root: root)
        let deleter = StoreDeleter(
            store: store, policy: DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: false))

        var start = DispatchTime.now().uptimeNanoseconds
        let (_, all) = try await store.loadEverything(detail: .full)
        let load = Self.seconds(since: start)

        start = DispatchTime.now().uptimeNanoseconds
        let manifestPlan = try deleter.plan([.manifest(repository: "bench/tags", digest: digests[0], includeChildren: false)], repositories: all)
        let manifestSeconds = Self.seconds(since: start)

        start = DispatchTime.now().uptimeNanoseconds
        let untagAll = try deleter.plan((0..<tags).map { .tag(repository: "bench/tags", tag: "t\($0)") }, repositories: all)
        let untagSeconds = Self.seconds(since: start)

        print("repository with \(tags) tags on \(digests.count) manifests")
        print(String(format: "full load (what rm reads):          %8.3f s", load))
        print(String(format: "plan a manifest delete (%6d tags): %8.3f s  (%.2f× the load)", manifestPlan.lostTags.count, manifestSeconds, manifestSeconds / load))
        print(String(format: "plan untagging every tag (%6d):    %8.3f s  (%.2f× the load)", untagAll.lostTags.count, untagSeconds, untagSeconds / load))
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Writes `bench/tags`: `manifests` schema2 images sharing one layer, and `tags` tags spread over them.
    static func writeStore(root: String, tags: Int, manifests: Int) throws -> [Digest] {
        let v2 = root + "/docker/registry/v2"
        func put(_ path: StoragePath, _ bytes: [UInt8]) throws {
            let full = v2 + "/" + path.relativeString
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: full))
        }
        func blob(_ bytes: [UInt8]) throws -> Digest {
            let d = Digest.sha256(of: bytes)
            try put(StoreLayout.blobData(d), bytes)
            return d
        }
        let repo = StoreLayout.repository("bench/tags")
        let layer = try blob(Array("a layer".utf8))
        try put(StoreLayout.layerLink(repo, layer), Array(layer.description.utf8))
        var digests: [Digest] = []
        for i in 0..<manifests {
            let config = Array(#"{"architecture":"amd64","os":"linux","created":"2024-05-01T10:00:0\#(i % 10)Z","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
            let c = try blob(config)
            try put(StoreLayout.layerLink(repo, c), Array(c.description.utf8))
            let manifest = Array("""
                {"schemaVersion":2,"mediaType":"\(MediaType.schema2)","config":{"mediaType":"\(MediaType.dockerConfig)","size":\(config.count),"digest":"\(c)"},\
                "layers":[{"mediaType":"\(MediaType.dockerLayer)","size":7,"digest":"\(layer)"}]}
                """.utf8)
            let m = try blob(manifest)
            try put(StoreLayout.revisionLink(repo, m), Array(m.description.utf8))
            digests.append(m)
        }
        for t in 0..<tags {
            let d = digests[t % digests.count]
            try put(StoreLayout.tagCurrentLink(repo, "t\(t)"), Array(d.description.utf8))
            try put(StoreLayout.tagIndexLink(repo, "t\(t)", d), Array(d.description.utf8))
        }
        return digests
    }
}
