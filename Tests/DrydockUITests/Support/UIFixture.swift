import Foundation
import RegistryStorage
@testable import DrydockUI

/// A small registry store in memory, laid out as the registry writes it, and helpers to load it into an `AppState`
/// the way the run loop does (catalog, then repositories, then the index, then verification).
final class UIFixture: @unchecked Sendable {
    let driver = InMemoryDriver(location: "/srv/registry")
    lazy var store = RegistryStore(driver: driver)

    struct Image {
        var manifest: Digest
        var size: Int
        var config: Digest
        var layers: [Digest]
    }

    @discardableResult
    func blob(_ bytes: [UInt8]) -> Digest {
        let d = Digest.sha256(of: bytes)
        driver.put(StoreLayout.blobData(d), bytes)
        return d
    }

    func link(_ repo: String, layer d: Digest) {
        driver.put(StoreLayout.layerLink(StoreLayout.repository(repo), d), d.description)
    }

    func tag(_ repo: String, _ tag: String, _ d: Digest) {
        let r = StoreLayout.repository(repo)
        driver.put(StoreLayout.tagIndexLink(r, tag, d), d.description)
        driver.put(StoreLayout.tagCurrentLink(r, tag), d.description)
    }

    /// A schema2 image: config and layer blobs linked in `_layers`, the manifest as a revision, optionally tagged.
    /// `missing` layers are referenced and linked but their blob data is left out.
    @discardableResult
    func image(
        _ repo: String, tags: [String], layers: [String], architecture: String = "amd64", created: String = "2024-05-01T10:00:00Z",
        labels: [String: String] = [:], missing: Set<String> = []
    ) -> Image {
        let labelJSON = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        let history = layers.indices.map { "{\"created\":\"\(created)\",\"created_by\":\"/bin/sh -c step \($0)\"}" }
        let configText = """
            {"architecture":"\(architecture)","os":"linux","created":"\(created)","config":{"Labels":{\(labelJSON)}},\
            "rootfs":{"type":"layers","diff_ids":[]},"history":[\(history.joined(separator: ","))]}
            """
        let config = blob(Array(configText.utf8))
        link(repo, layer: config)
        var layerDigests: [Digest] = []
        var descriptors: [String] = []
        for text in layers {
            let bytes = Array(text.utf8)
            let d = Digest.sha256(of: bytes)
            if !missing.contains(text) { driver.put(StoreLayout.blobData(d), bytes) }
            link(repo, layer: d)
            layerDigests.append(d)
            descriptors.append("{\"mediaType\":\"\(MediaType.dockerLayer)\",\"size\":\(bytes.count),\"digest\":\"\(d)\"}")
        }
        let manifestText = """
            {"schemaVersion":2,"mediaType":"\(MediaType.schema2)",\
            "config":{"mediaType":"\(MediaType.dockerConfig)","size":\(configText.utf8.count),"digest":"\(config)"},\
            "layers":[\(descriptors.joined(separator: ","))]}
            """
        let bytes = Array(manifestText.utf8)
        let m = blob(bytes)
        driver.put(StoreLayout.revisionLink(StoreLayout.repository(repo), m), m.description)
        for t in tags { tag(repo, t, m) }
        return Image(manifest: m, size: bytes.count, config: config, layers: layerDigests)
    }

    /// An OCI index over images already in `repo`.
    @discardableResult
    func index(_ repo: String, tag: String, children: [(Image, String)]) -> Digest {
        let entries = children.map { image, arch in
            "{\"mediaType\":\"\(MediaType.schema2)\",\"size\":\(image.size),\"digest\":\"\(image.manifest)\",\"platform\":{\"architecture\":\"\(arch)\",\"os\":\"linux\"}}"
        }
        let text = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociIndex)\",\"manifests\":[\(entries.joined(separator: ","))]}"
        let d = blob(Array(text.utf8))
        driver.put(StoreLayout.revisionLink(StoreLayout.repository(repo), d), d.description)
        self.tag(repo, tag, d)
        return d
    }

    /// Three repositories: `team/app` (two tags on one image, plus an untagged older image), `team/multi` (an index
    /// over two platforms) and `base` (sharing the base layer, bigger, newer).
    static func standard() -> (UIFixture, app: Image, old: Image, multi: Digest, amd64: Image, arm64: Image, base: Image) {
        let f = UIFixture()
        let app = f.image("team/app", tags: ["v1", "latest"], layers: ["base layer", "app layer"], labels: ["org.example.title": "Café ☕ 日本"])
        let old = f.image("team/app", tags: [], layers: ["base layer", "old app layer"], created: "2023-01-01T00:00:00Z")
        let amd64 = f.image("team/multi", tags: [], layers: ["base layer", "multi amd64"])
        let arm64 = f.image("team/multi", tags: [], layers: ["base layer", "multi arm64"], architecture: "arm64")
        let multi = f.index("team/multi", tag: "multi", children: [(amd64, "amd64"), (arm64, "arm64")])
        let base = f.image(
            "base", tags: ["3.19"], layers: ["base layer", String(repeating: "x", count: 5000)], created: "2025-02-03T04:05:06Z")
        return (f, app, old, multi, amd64, arm64, base)
    }

    /// The state after the whole load sequence, at `size`.
    func loadedState(
        size: GridSize = GridSize(rows: 35, cols: 120), gate: DeleteGate = .disabled(reason: "deletion is off in this test"),
        verify: Bool = true, demo: Bool = false
    ) async throws -> AppState {
        var s = AppState(store: StoreDescription(location: driver.location, isDemo: demo), deleteGate: gate, size: size)
        s = reduce(s, .start).0
        let listing = try await store.repositories()
        s = reduce(s, .catalogLoaded(listing, generation: 0)).0
        let all = await store.loadAll(listing.repositories)
        for repo in all { s = reduce(s, .repositoryLoaded(repo, generation: 0)).0 }
        s = reduce(s, .indexBuilt(StoreIndex(all), generation: 0)).0
        if verify {
            let verifier = Verifier(store: store, options: VerificationOptions())
            for repo in all {
                s = reduce(s, .verificationLoaded(repository: repo.name, await verifier.verify(repo), generation: 0)).0
            }
        }
        return s
    }
}

/// Sends keys one by one; returns every effect they asked for.
@discardableResult
func press(_ s: inout AppState, _ keys: Key...) -> [Effect] {
    var effects: [Effect] = []
    for k in keys {
        let (next, e) = reduce(s, .key(k))
        s = next
        effects += e
    }
    return effects
}

/// Types text into whatever has the keyboard.
func type(_ s: inout AppState, _ text: String) {
    for c in text { s = reduce(s, .key(.char(c))).0 }
}

extension AppState {
    var screen: CellGrid { render(self) }
    var text: String { render(self).plainText }
}

extension CellGrid {
    /// The row whose text contains `needle`.
    func row(containing needle: String) -> Int? { lines.firstIndex { $0.contains(needle) } }
}
