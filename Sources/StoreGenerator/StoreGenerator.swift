import Foundation
import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// Writes a valid registry v2 store of a given shape, fast, and predicts what garbage collection must do with it.
/// The layout is byte for byte what registry 2.8.2 writes (links without newline, tag index + current), so the real
/// registry serves every tag and blob of it.
public struct StoreGenerator {
    public struct Shape: Sendable, Equatable {
        public var repositories: Int
        public var tagsPerRepository: Int
        public var layersPerImage: Int
        /// Base layers shared across repositories (each image starts with one of them).
        public var sharedBaseLayers: Int = 8
        /// Every `indexEvery`-th repository holds multi-arch indexes (amd64 + arm64 children, untagged).
        public var indexEvery: Int = 10
        /// Each tag's previous revision stays as an untagged revision in the tag's history.
        public var keepOldRevisions: Bool = true
        /// Blobs referenced by nothing (what GC sweeps).
        public var orphanBlobs: Int = 10
        /// Layer bytes (small: the walk, not the data, is what indexing costs).
        public var layerSize: Int = 64

        public init(repositories: Int, tagsPerRepository: Int, layersPerImage: Int) {
            self.repositories = repositories
            self.tagsPerRepository = tagsPerRepository
            self.layersPerImage = max(1, layersPerImage)
        }
    }

    /// What the generator wrote and what a correct collector must keep or sweep.
    public struct Prediction: Sendable {
        public var manifests = 0
        public var blobs = Set<Digest>()
        /// Blobs no manifest references: swept by every collector.
        public var orphans = Set<Digest>()
        /// Blobs referenced only through untagged revisions that are not children of a tagged index.
        public var untaggedOnly = Set<Digest>()
        /// Untagged manifests that are children of tagged indexes (registry 2.8.2 `-m` wrongly deletes them).
        public var indexChildren = Set<Digest>()
        public var untaggedRevisions = Set<Digest>()
        public var repositoryNames: [String] = []
        public var files = 0
    }

    public let shape: Shape
    public let root: String

    public init(shape: Shape, root: String) {
        self.shape = shape
        self.root = root
    }

    public func repositoryName(_ i: Int) -> String {
        // Nested names: groups of 50 repositories under team prefixes, some two levels deep.
        let group = "team\(i / 50)"
        return i % 7 == 0 ? "\(group)/svc\(i)/worker" : "\(group)/svc\(i)"
    }

    /// Writes the store under `root/docker/registry/v2` and returns the prediction.
    public func generate(progress: (Int) -> Void = { _ in }) throws -> Prediction {
        var p = Prediction()
        let v2 = root + "/docker/registry/v2"
        var writer = FileWriter(v2: v2)
        var referencedByTagged = Set<Digest>()
        var referencedByUntagged = Set<Digest>()
        let bases = (0..<shape.sharedBaseLayers).map { try? writer.blob(layerBytes("base-\($0)")) }.compactMap { $0 }
        p.blobs.formUnion(bases)
        for r in 0..<shape.repositories {
            let name = repositoryName(r)
            p.repositoryNames.append(name)
            for t in 0..<shape.tagsPerRepository {
                let tag = t == 0 ? "latest" : "v\(t)"
                let generations = shape.keepOldRevisions ? 2 : 1
                var history: [Digest] = []
                for g in 0..<generations {
                    let seed = "\(name):\(tag):\(g)"
                    let tagged = g == generations - 1
                    let top: Digest
                    if shape.indexEvery > 0 && r % shape.indexEvery == 0 {
                        var children: [(Digest, Int, String)] = []
                        for arch in ["amd64", "arm64"] {
                            let (d, size, blobs) = try image(&writer, repo: name, seed: "\(seed):\(arch)", base: bases[(r + t) % bases.count], arch: arch)
                            children.append((d, size, arch))
                            p.blobs.formUnion(blobs)
                            p.blobs.insert(d)
                            p.manifests += 1
                            p.untaggedRevisions.insert(d)
                            if tagged {
                                p.indexChildren.insert(d)
                                referencedByTagged.formUnion(blobs + [d])
                            } else {
                                referencedByUntagged.formUnion(blobs + [d])
                            }
                        }
                        let index = indexJSON(children)
                        top = try writer.blob(index)
                        try writer.link(StoreLayout.revisionLink(StoreLayout.repository(name), top), top)
                    } else {
                        let (d, _, blobs) = try image(&writer, repo: name, seed: seed, base: bases[(r + t) % bases.count], arch: "amd64")
                        top = d
                        p.blobs.formUnion(blobs)
                        if tagged { referencedByTagged.formUnion(blobs) } else { referencedByUntagged.formUnion(blobs) }
                    }
                    p.blobs.insert(top)
                    p.manifests += 1
                    if tagged { referencedByTagged.insert(top) } else {
                        referencedByUntagged.insert(top)
                        p.untaggedRevisions.insert(top)
                    }
                    history.append(top)
                }
                for d in history {
                    try writer.link(StoreLayout.tagIndexLink(StoreLayout.repository(name), tag, d), d)
                }
                try writer.link(StoreLayout.tagCurrentLink(StoreLayout.repository(name), tag), history.last!)
            }
            progress(r + 1)
        }
        for o in 0..<shape.orphanBlobs {
            let d = try writer.blob(layerBytes("orphan-\(o)"))
            p.orphans.insert(d)
            p.blobs.insert(d)
        }
        p.untaggedOnly = referencedByUntagged.subtracting(referencedByTagged)
        p.files = writer.files
        return p
    }

    /// One image: config + layers (first one shared), manifest; blobs linked in `_layers`, manifest in revisions.
    private func image(_ w: inout FileWriter, repo: String, seed: String, base: Digest, arch: String) throws -> (Digest, Int, [Digest]) {
        var layers = [(base, shape.layerSize)]
        for l in 1..<shape.layersPerImage {
            let bytes = layerBytes("\(seed):\(l)")
            layers.append((try w.blob(bytes), bytes.count))
        }
        let config = Array("{\"architecture\":\"\(arch)\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\",\"config\":{\"Labels\":{\"seed\":\"\(seed)\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".utf8)
        let configDigest = try w.blob(config)
        for d in [configDigest] + layers.map(\.0) {
            try w.link(StoreLayout.layerLink(StoreLayout.repository(repo), d), d)
        }
        let layerJSON = layers.map { "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":\($0.1),\"digest\":\"\($0.0)\"}" }
        let manifest = Array("""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":\(config.count),"digest":"\(configDigest)"},"layers":[\(layerJSON.joined(separator: ","))]}
            """.utf8)
        let d = try w.blob(manifest)
        try w.link(StoreLayout.revisionLink(StoreLayout.repository(repo), d), d)
        return (d, manifest.count, [configDigest] + layers.map(\.0))
    }

    private func indexJSON(_ children: [(Digest, Int, String)]) -> [UInt8] {
        let entries = children.map {
            "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":\($0.1),\"digest\":\"\($0.0)\",\"platform\":{\"architecture\":\"\($0.2)\",\"os\":\"linux\"}}"
        }
        return Array("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":[\(entries.joined(separator: ","))]}".utf8)
    }

    private func layerBytes(_ seed: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(shape.layerSize)
        var h = Digest.sha256(of: Array(seed.utf8)).bytes
        while out.count < shape.layerSize {
            out += h
            h = Digest.sha256(of: h).bytes
        }
        return Array(out.prefix(shape.layerSize))
    }
}

/// Plain writes without fsync (a benchmark store is disposable); creates folders as needed, skips blobs it wrote.
struct FileWriter {
    let v2: String
    var files = 0
    private var madeDirectories = Set<String>()
    private var writtenBlobs = Set<Digest>()

    init(v2: String) { self.v2 = v2 }

    mutating func blob(_ bytes: [UInt8]) throws -> Digest {
        let d = Digest.sha256(of: bytes)
        if writtenBlobs.insert(d).inserted {
            try write(StoreLayout.blobData(d), bytes)
        }
        return d
    }

    mutating func link(_ path: StoragePath, _ d: Digest) throws {
        try write(path, Array(d.description.utf8))
    }

    mutating func write(_ path: StoragePath, _ bytes: [UInt8]) throws {
        let full = v2 + "/" + path.relativeString
        let dir = (full as NSString).deletingLastPathComponent
        if !madeDirectories.contains(dir) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            madeDirectories.insert(dir)
        }
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GeneratorError.write(full, String(cString: strerror(errno))) }
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw GeneratorError.write(full, "short write") }
        files += 1
    }
}

public enum GeneratorError: Error, CustomStringConvertible {
    case write(String, String)

    public var description: String {
        switch self {
        case .write(let path, let why): "cannot write \(path): \(why)"
        }
    }
}
