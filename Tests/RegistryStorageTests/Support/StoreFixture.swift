import Foundation
@testable import RegistryStorage

/// Builds registry stores for tests, byte for byte as the registry lays them out, in memory or on disk,
/// including the seed-era variants and planted faults.
final class StoreFixture: @unchecked Sendable {
    let driver = InMemoryDriver(location: "fixture://")

    struct Image {
        var manifest: Digest
        var config: Digest
        var layers: [Digest]
        var bytes: [UInt8]
    }

    // MARK: raw pieces

    @discardableResult
    func blob(_ bytes: [UInt8]) -> Digest {
        let d = Digest.sha256(of: bytes)
        driver.put(StoreLayout.blobData(d), bytes)
        return d
    }

    @discardableResult
    func blob(_ text: String) -> Digest { blob(Array(text.utf8)) }

    func repo(_ name: String) -> StoragePath { StoreLayout.repository(name) }

    func link(_ path: StoragePath, _ d: Digest, content: String? = nil) {
        driver.put(path, content ?? d.description)
    }

    func layerLink(_ repo: String, _ d: Digest, content: String? = nil) {
        link(StoreLayout.layerLink(self.repo(repo), d), d, content: content)
    }

    func revisionLink(_ repo: String, _ d: Digest, content: String? = nil) {
        link(StoreLayout.revisionLink(self.repo(repo), d), d, content: content)
    }

    /// Tags as the registry does: index entry, then current.
    func tag(_ repo: String, _ tag: String, _ d: Digest) {
        link(StoreLayout.tagIndexLink(self.repo(repo), tag, d), d)
        link(StoreLayout.tagCurrentLink(self.repo(repo), tag), d)
    }

    func upload(_ repo: String, id: String, startedAt: String?, data: [UInt8]) {
        let dir = StoreLayout.uploadDirectory(self.repo(repo), id)
        if let startedAt { driver.put(dir.appending("startedat"), startedAt) }
        driver.put(dir.appending("data"), data)
    }

    // MARK: images

    static func configJSON(architecture: String = "amd64", os: String = "linux", created: String = "2024-05-01T10:00:00Z", labels: [String: String] = [:], layers: Int) -> String {
        let labelJSON = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        let history = (0..<layers).map { "{\"created\":\"\(created)\",\"created_by\":\"/bin/sh -c step \($0)\"}" }.joined(separator: ",")
        return """
            {"architecture":"\(architecture)","os":"\(os)","created":"\(created)","config":{"Labels":{\(labelJSON)}},\
            "rootfs":{"type":"layers","diff_ids":[]},"history":[\(history)]}
            """
    }

    static func descriptorJSON(_ mediaType: String, _ d: Digest, _ size: Int, extra: String = "") -> String {
        "{\"mediaType\":\"\(mediaType)\",\"size\":\(size),\"digest\":\"\(d)\"\(extra)}"
    }

    /// A schema2 or OCI image: config and layer blobs with their `_layers` links, the manifest, its revision link, a tag.
    @discardableResult
    func image(
        _ repo: String, tag: String?, oci: Bool = false, layers: [String], architecture: String = "amd64",
        labels: [String: String] = [:], subject: Digest? = nil, artifactType: String? = nil, linkBlobs: Bool = true
    ) -> Image {
        let configBytes = Array(StoreFixture.configJSON(architecture: architecture, labels: labels, layers: layers.count).utf8)
        let config = blob(configBytes)
        let layerBlobs = layers.map { (blob($0), $0.utf8.count) }
        if linkBlobs {
            layerLink(repo, config)
            for (d, _) in layerBlobs { layerLink(repo, d) }
        }
        let configType = oci ? MediaType.ociConfig : MediaType.dockerConfig
        let layerType = oci ? "application/vnd.oci.image.layer.v1.tar+gzip" : MediaType.dockerLayer
        var fields = [
            "\"schemaVersion\":2",
            "\"mediaType\":\"\(oci ? MediaType.ociManifest : MediaType.schema2)\"",
        ]
        if let artifactType { fields.append("\"artifactType\":\"\(artifactType)\"") }
        fields.append("\"config\":" + StoreFixture.descriptorJSON(configType, config, configBytes.count))
        fields.append("\"layers\":[" + layerBlobs.map { StoreFixture.descriptorJSON(layerType, $0.0, $0.1) }.joined(separator: ",") + "]")
        if let subject { fields.append("\"subject\":" + StoreFixture.descriptorJSON(MediaType.ociManifest, subject, 100)) }
        let bytes = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        let manifest = manifestBlob(repo, bytes, tag: tag)
        return Image(manifest: manifest, config: config, layers: layerBlobs.map(\.0), bytes: bytes)
    }

    /// A Docker manifest list or OCI index over existing manifests.
    @discardableResult
    func index(_ repo: String, tag: String?, children: [(Digest, Int, String)], oci: Bool = true) -> Digest {
        let childType = oci ? MediaType.ociManifest : MediaType.schema2
        let entries = children.map { d, size, arch in
            StoreFixture.descriptorJSON(childType, d, size, extra: ",\"platform\":{\"architecture\":\"\(arch)\",\"os\":\"linux\"}")
        }
        let text = "{\"schemaVersion\":2,\"mediaType\":\"\(oci ? MediaType.ociIndex : MediaType.dockerManifestList)\",\"manifests\":[\(entries.joined(separator: ","))]}"
        return manifestBlob(repo, Array(text.utf8), tag: tag)
    }

    /// Stores manifest bytes as a revision (and tags it).
    @discardableResult
    func manifestBlob(_ repo: String, _ bytes: [UInt8], tag: String?, seedEra: Bool = false) -> Digest {
        let d = blob(bytes)
        if seedEra { layerLink(repo, d) } else { revisionLink(repo, d) }
        if let tag { self.tag(repo, tag, d) }
        return d
    }

    /// An unsigned schema1 payload as registry 2.8.2 stores it (3-space indent, ending `\n}`).
    static func schema1Payload(name: String, tag: String, layers: [Digest], architecture: String = "amd64") -> [UInt8] {
        let fs = layers.map { "      {\n         \"blobSum\": \"\($0)\"\n      }" }.joined(separator: ",\n")
        let history = layers.enumerated().map { i, _ in
            let v1 = "{\\\"id\\\":\\\"layer\(i)\\\",\\\"created\\\":\\\"2015-07-01T10:00:00Z\\\",\\\"architecture\\\":\\\"\(architecture)\\\",\\\"os\\\":\\\"linux\\\"}"
            return "      {\n         \"v1Compatibility\": \"\(v1)\"\n      }"
        }.joined(separator: ",\n")
        let text = """
            {
               "schemaVersion": 1,
               "name": "\(name)",
               "tag": "\(tag)",
               "architecture": "\(architecture)",
               "fsLayers": [
            \(fs)
               ],
               "history": [
            \(history)
               ]
            }
            """
        return Array(text.utf8)
    }

    /// A schema1 image: layer blobs linked, the payload stored as a revision (or under `_layers`, seed era).
    @discardableResult
    func schema1Image(_ repo: String, tag: String, layers: [String], name: String? = nil, seedEra: Bool = false) -> (digest: Digest, payload: [UInt8], layers: [Digest]) {
        let layerDigests = layers.map { blob($0) }
        for d in layerDigests { layerLink(repo, d) }
        let payload = StoreFixture.schema1Payload(name: name ?? repo, tag: tag, layers: layerDigests)
        let d = manifestBlob(repo, payload, tag: tag, seedEra: seedEra)
        return (d, payload, layerDigests)
    }

    // MARK: stores

    func store() -> RegistryStore { RegistryStore(driver: driver) }

    /// Writes the store to a temporary folder (`<tmp>/docker/registry/v2/...`) and returns that folder.
    func writeToDisk() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-fixture-\(UUID().uuidString)").path
        let v2 = root + "/docker/registry/v2"
        for (path, bytes) in driver.allFiles {
            let full = v2 + "/" + path.relativeString
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: full))
        }
        try FileManager.default.createDirectory(atPath: v2 + "/repositories", withIntermediateDirectories: true)
        return root
    }
}
