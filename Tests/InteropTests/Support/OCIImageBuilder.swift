import Foundation
import Testing
import RegistryStorage

/// One image layer: a real tar archive of small generated files whose content comes from `seed`. Equal specs give
/// byte-identical layers (same digest), so a shared base layer is just the same `LayerSpec` in two images.
struct LayerSpec: Sendable, Hashable {
    enum Compression: Sendable, Hashable {
        /// `gzip -n` (no name, no time stamp: deterministic), media type `...tar+gzip`.
        case gzip
        /// Plain tar, media type `...tar`.
        case none
    }

    var seed: String
    var fileCount: Int
    var bytesPerFile: Int
    var compression: Compression
    /// Explicit files (path inside the archive, content); when set, replaces the generated ones.
    var files: [GeneratedFile]?

    struct GeneratedFile: Sendable, Hashable {
        var path: String
        var contents: [UInt8]
    }

    init(seed: String, fileCount: Int = 3, bytesPerFile: Int = 300, compression: Compression = .gzip) {
        self.seed = seed
        self.fileCount = fileCount
        self.bytesPerFile = bytesPerFile
        self.compression = compression
        self.files = nil
    }

    init(seed: String, files: [(path: String, contents: String)], compression: Compression = .gzip) {
        self.init(seed: seed, fileCount: files.count, bytesPerFile: 0, compression: compression)
        self.files = files.map { GeneratedFile(path: $0.path, contents: Array($0.contents.utf8)) }
    }

    /// Files under `layer-<seed>/`: lines of text derived from the seed, so different seeds never collide.
    var generatedFiles: [GeneratedFile] {
        if let files { return files }
        let folder = "layer-" + String(seed.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        return (0..<fileCount).map { index in
            var text = ""
            var line = 0
            while text.utf8.count < bytesPerFile {
                let hash = Digest.sha256(of: Array("\(seed)/\(index)/\(line)".utf8)).hex
                text += "\(seed) file \(index) line \(line) \(hash)\n"
                line += 1
            }
            return GeneratedFile(path: "\(folder)/file-\(index).txt", contents: Array(text.utf8.prefix(bytesPerFile)))
        }
    }
}

/// A blob written into the layout.
struct BlobRef: Sendable, Hashable {
    var mediaType: String
    var digest: String
    var size: Int
}

/// An image written into the layout by `OCIImageBuilder.addImage`.
struct ImageInfo: Sendable {
    var manifestDigest: String
    var manifestSize: Int
    var manifestBytes: [UInt8]
    var configDigest: String
    var configSize: Int
    /// Compressed (as stored) layer digests, bottom layer first.
    var layerDigests: [String]
    var layerSizes: [Int]
    /// sha256 of each uncompressed tar (`rootfs.diff_ids`).
    var diffIDs: [String]
    var architecture: String
    var os: String
    var variant: String?
    var tag: String?

    var manifest: BlobRef { BlobRef(mediaType: MediaType.ociManifest, digest: manifestDigest, size: manifestSize) }
    /// Config and layers: every blob the manifest references.
    var referencedBlobs: [String] { [configDigest] + layerDigests }
}

/// An OCI image index written by `OCIImageBuilder.addIndex`.
struct IndexInfo: Sendable {
    var digest: String
    var size: Int
    var bytes: [UInt8]
    var images: [ImageInfo]
    var tag: String?
}

/// Writes a local OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/...`) that skopeo can copy from with
/// `oci:DIR:TAG`. Images are built from real gzip'd tar layers and a full image config, so skopeo can also convert
/// them to Docker schema2 and schema1.
///
/// ```swift
/// let layout = try OCIImageBuilder(directory: tmp.url.appendingPathComponent("layout"))
/// let base = LayerSpec(seed: "base")
/// let v1 = try layout.addImage(tag: "v1", layers: [base, LayerSpec(seed: "app-v1")])
/// let arm = try layout.addImage(tag: nil, layers: [base], architecture: "arm64", variant: "v8")
/// let multi = try layout.addIndex(tag: "multi", images: [v1, arm])
/// ```
final class OCIImageBuilder: @unchecked Sendable {
    let directory: URL
    /// `index.json` entries: ref name (tag) to descriptor, written in insertion order.
    private var refs: [(tag: String, descriptor: Descriptor)] = []
    private var layerCache: [LayerSpec: (blob: BlobRef, diffID: String)] = [:]
    private let lock = NSLock()

    /// Timestamp written into configs (fixed, so builds are reproducible).
    static let defaultCreated = "2024-01-02T03:04:05Z"

    var blobsDirectory: URL { directory.appendingPathComponent("blobs/sha256", isDirectory: true) }

    /// Creates `directory` (and parents) with an empty layout.
    init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: blobsDirectory, withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: directory.appendingPathComponent("oci-layout"))
        try writeIndexJSON()
    }

    /// Stores `bytes` as a blob; returns its descriptor.
    @discardableResult
    func addBlob(_ bytes: [UInt8], mediaType: String) throws -> BlobRef {
        let digest = Digest.sha256(of: bytes)
        let url = blobsDirectory.appendingPathComponent(digest.hex)
        if !FileManager.default.fileExists(atPath: url.path) {
            try Data(bytes).write(to: url)
        }
        return BlobRef(mediaType: mediaType, digest: digest.description, size: bytes.count)
    }

    /// Builds (or reuses) one layer blob; returns it and its diff ID.
    func addLayer(_ spec: LayerSpec) throws -> (blob: BlobRef, diffID: String) {
        if let cached = lock.withLock({ layerCache[spec] }) { return cached }
        let tar = TarWriter.archive(spec.generatedFiles)
        let diffID = Digest.sha256(of: tar).description
        let blob: BlobRef
        switch spec.compression {
        case .none:
            blob = try addBlob(tar, mediaType: MediaType.ociLayer)
        case .gzip:
            blob = try addBlob(try Gzip.compress(tar), mediaType: MediaType.ociLayerGzip)
        }
        lock.withLock { layerCache[spec] = (blob, diffID) }
        return (blob, diffID)
    }

    /// Writes layers, config and an OCI image manifest. With a `tag`, the manifest is listed in `index.json` under
    /// that ref name (replacing an earlier one); without, it exists only as a blob (for use in an index).
    @discardableResult
    func addImage(
        tag: String?,
        layers: [LayerSpec],
        architecture: String = "amd64",
        os: String = "linux",
        variant: String? = nil,
        labels: [String: String] = [:],
        created: String = OCIImageBuilder.defaultCreated,
        annotations: [String: String]? = nil
    ) throws -> ImageInfo {
        precondition(!layers.isEmpty, "an image needs at least one layer (schema1 conversion needs one)")
        let built = try layers.map { try addLayer($0) }

        var config = ImageConfig(
            architecture: architecture, os: os, variant: variant, created: created,
            config: .init(
                Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                Cmd: ["/bin/sh"],
                Labels: labels.isEmpty ? nil : labels),
            rootfs: .init(type: "layers", diff_ids: built.map(\.diffID)),
            history: [])
        config.history = layers.enumerated().map { index, spec in
            .init(created: created, created_by: "/bin/sh -c #(nop) ADD layer \(index) seed=\(spec.seed)")
        }
        let configBlob = try addBlob(try Self.encode(config), mediaType: MediaType.ociConfig)

        let manifest = ImageManifest(
            schemaVersion: 2,
            mediaType: MediaType.ociManifest,
            config: Descriptor(configBlob),
            layers: built.map { Descriptor($0.blob) },
            annotations: annotations)
        let manifestBytes = try Self.encode(manifest)
        let manifestBlob = try addBlob(manifestBytes, mediaType: MediaType.ociManifest)
        let platform = Platform(architecture: architecture, os: os, variant: variant)
        if let tag {
            var descriptor = Descriptor(manifestBlob)
            descriptor.platform = platform
            try setRef(tag: tag, descriptor: descriptor)
        }
        return ImageInfo(
            manifestDigest: manifestBlob.digest, manifestSize: manifestBlob.size, manifestBytes: manifestBytes,
            configDigest: configBlob.digest, configSize: configBlob.size,
            layerDigests: built.map(\.blob.digest), layerSizes: built.map(\.blob.size),
            diffIDs: built.map(\.diffID), architecture: architecture, os: os, variant: variant, tag: tag)
    }

    /// Writes an OCI image index over `images` (each entry carries the image's platform) and lists it in
    /// `index.json` under `tag`. The images must have been added to this layout (tagged or not).
    @discardableResult
    func addIndex(tag: String?, images: [ImageInfo], annotations: [String: String]? = nil) throws -> IndexInfo {
        let index = ImageIndex(
            schemaVersion: 2,
            mediaType: MediaType.ociIndex,
            manifests: images.map { image in
                var descriptor = Descriptor(image.manifest)
                descriptor.platform = Platform(architecture: image.architecture, os: image.os, variant: image.variant)
                return descriptor
            },
            annotations: annotations)
        let bytes = try Self.encode(index)
        let blob = try addBlob(bytes, mediaType: MediaType.ociIndex)
        if let tag { try setRef(tag: tag, descriptor: Descriptor(blob)) }
        return IndexInfo(digest: blob.digest, size: blob.size, bytes: bytes, images: images, tag: tag)
    }

    /// The tags listed in `index.json`.
    var tags: [String] { lock.withLock { refs.map(\.tag) } }

    private func setRef(tag: String, descriptor: Descriptor) throws {
        try lock.withLock {
            refs.removeAll { $0.tag == tag }
            refs.append((tag, descriptor))
            try writeIndexJSONLocked()
        }
    }

    private func writeIndexJSON() throws {
        try lock.withLock { try writeIndexJSONLocked() }
    }

    private func writeIndexJSONLocked() throws {
        let entries = refs.map { ref -> Descriptor in
            var d = ref.descriptor
            var annotations = d.annotations ?? [:]
            annotations["org.opencontainers.image.ref.name"] = ref.tag
            d.annotations = annotations
            return d
        }
        let index = ImageIndex(schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries, annotations: nil)
        try Data(try Self.encode(index)).write(to: directory.appendingPathComponent("index.json"))
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    // MARK: JSON shapes (OCI image spec)

    struct Platform: Codable, Sendable, Hashable {
        var architecture: String
        var os: String
        var variant: String?
    }

    struct Descriptor: Codable, Sendable, Hashable {
        var mediaType: String
        var digest: String
        var size: Int
        var platform: Platform?
        var annotations: [String: String]?

        init(_ blob: BlobRef) {
            mediaType = blob.mediaType
            digest = blob.digest
            size = blob.size
        }
    }

    struct ImageManifest: Codable, Sendable {
        var schemaVersion: Int
        var mediaType: String
        var config: Descriptor
        var layers: [Descriptor]
        var annotations: [String: String]?
    }

    struct ImageIndex: Codable, Sendable {
        var schemaVersion: Int
        var mediaType: String
        var manifests: [Descriptor]
        var annotations: [String: String]?
    }

    struct ImageConfig: Codable, Sendable {
        struct RunConfig: Codable, Sendable {
            var Env: [String]
            var Cmd: [String]
            var Labels: [String: String]?
        }
        struct RootFS: Codable, Sendable {
            var type: String
            var diff_ids: [String]
        }
        struct History: Codable, Sendable {
            var created: String
            var created_by: String
        }
        var architecture: String
        var os: String
        var variant: String?
        var created: String
        var config: RunConfig
        var rootfs: RootFS
        var history: [History]
    }
}

/// A POSIX ustar writer: regular files plus their parent folders, owner 0:0, mtime 0, so output depends on the
/// files alone.
enum TarWriter {
    static func archive(_ files: [LayerSpec.GeneratedFile]) -> [UInt8] {
        var out: [UInt8] = []
        var folders: [String] = []
        for file in files {
            var parts = file.path.split(separator: "/").dropLast()
            var prefix: [Substring] = []
            while !parts.isEmpty {
                prefix.append(parts.removeFirst())
                let folder = prefix.joined(separator: "/") + "/"
                if !folders.contains(folder) {
                    folders.append(folder)
                    out += header(name: folder, size: 0, mode: 0o755, type: UInt8(ascii: "5"))
                }
            }
            out += header(name: file.path, size: file.contents.count, mode: 0o644, type: UInt8(ascii: "0"))
            out += file.contents
            let pad = (512 - file.contents.count % 512) % 512
            out += [UInt8](repeating: 0, count: pad)
        }
        out += [UInt8](repeating: 0, count: 1024)
        return out
    }

    private static func header(name: String, size: Int, mode: Int, type: UInt8) -> [UInt8] {
        precondition(name.utf8.count <= 100, "tar member name too long for this writer: \(name)")
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, b) in bytes.enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(Array(name.utf8), at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)  // uid
        put(octal(0, width: 8), at: 116)  // gid
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)  // mtime
        put([UInt8](repeating: 0x20, count: 8), at: 148)  // checksum placeholder: spaces
        h[156] = type
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(Array("root".utf8), at: 265)
        put(Array("root".utf8), at: 297)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(Array((String(repeating: "0", count: max(0, 6 - String(sum, radix: 8).count)) + String(sum, radix: 8)).utf8) + [0, 0x20], at: 148)
        return h
    }
}

/// gzip through the system `gzip -n` (deterministic: no name, no time stamp).
enum Gzip {
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        let scratch = try TemporaryDirectory(prefix: "drydock-gzip")
        defer { scratch.remove() }
        let input = scratch.url.appendingPathComponent("layer.tar")
        try Data(bytes).write(to: input)
        try Shell.checkedSync(try RequiredTool.require("gzip"), ["-n", "-9", input.path])
        return Array(try Data(contentsOf: scratch.url.appendingPathComponent("layer.tar.gz")))
    }
}
