import Foundation
import Testing
@testable import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12: a repository of 20 manifests of 4 MiB each must not cost several times its bytes in `ls --json`,
/// `verify` or `rm --dry-run`. Peak memory is the kernel's count for the child process (`wait4`'s `ru_maxrss`), not a
/// timing; each command runs once on the large store and once on a store of the same shape with small manifests,
/// and the difference must stay within twice the manifests' bytes (before the fix: 3.6× with annotations, 2.6× with schema1 history).
@Suite(.serialized, .heavy) struct ManifestMemoryTests {
    static let manifestCount = 20
    static let manifestSize = 4 * 1024 * 1024 - 8192

    enum Shape {
        /// A huge `annotations` map of small entries.
        case annotations
        /// Schema1 with megabyte `v1Compatibility` strings.
        case schema1History
    }

    /// One repository `big/app` of `manifestCount` manifests of about `size` bytes each; returns the store root and the
    /// total manifest bytes.
    static func writeStore(_ shape: Shape, size: Int) throws -> (root: String, bytes: Int, first: Digest) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-memory-\(UUID().uuidString)").path
        let v2 = root + "/docker/registry/v2"
        let repo = v2 + "/repositories/big/app"
        func write(_ path: String, _ bytes: [UInt8]) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        func blob(_ bytes: [UInt8]) throws -> Digest {
            let d = Digest.sha256(of: bytes)
            try write("\(v2)/blobs/sha256/\(d.hex.prefix(2))/\(d.hex)/data", bytes)
            return d
        }
        func link(_ path: String, _ d: Digest) throws { try write(path, Array(d.description.utf8)) }

        let config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
        let configDigest = try blob(config)
        try link("\(repo)/_layers/sha256/\(configDigest.hex)/link", configDigest)
        let layer = Array("layer".utf8)
        let layerDigest = try blob(layer)
        try link("\(repo)/_layers/sha256/\(layerDigest.hex)/link", layerDigest)
        var total = 0
        var first: Digest?
        for m in 0..<manifestCount {
            var text: String
            switch shape {
            case .annotations:
                text = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":\#(config.count),"digest":"\#(configDigest)"},"layers":[],"annotations":{"m":"\#(m)""#
                var i = 0
                while text.utf8.count < size - 64 {
                    text += #","org.example.key.\#(m).\#(i)":"value-\#(i)-xxxxxxxxxxxxxxxx""#
                    i += 1
                }
                text += "}}"
            case .schema1History:
                let entries = 4
                let command = String(repeating: "y", count: max(1, (size - 1024) / entries - 200))
                let history = (0..<entries).map { j in
                    #"{"v1Compatibility":"{\"id\":\"\#(j)\",\"created\":\"2024-01-01T00:00:00Z\",\"container_config\":{\"Cmd\":[\"/bin/sh -c echo \#(command)\#(m)\"]}}"}"#
                }
                let layers = (0..<entries).map { _ in #"{"blobSum":"\#(layerDigest)"}"# }
                text = #"{"schemaVersion":1,"name":"big/app","tag":"t\#(m)","architecture":"amd64","fsLayers":[\#(layers.joined(separator: ","))],"history":[\#(history.joined(separator: ","))]}"#
            }
            let bytes = Array(text.utf8)
            precondition(bytes.count <= ManifestParser.maxManifestSize)
            total += bytes.count
            let d = try blob(bytes)
            first = first ?? d
            try link("\(repo)/_manifests/revisions/sha256/\(d.hex)/link", d)
            try link("\(repo)/_manifests/tags/t\(m)/current/link", d)
            try link("\(repo)/_manifests/tags/t\(m)/index/sha256/\(d.hex)/link", d)
        }
        return (root, total, first!)
    }

    /// Runs the binary with its output discarded and returns its peak resident set in bytes.
    static func peakResidentBytes(_ arguments: [String]) throws -> Int {
        let path = try DrydockBinary.path()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        return usage.ru_maxrss * 1024  // kilobytes on Linux
    }

    @Test(arguments: [Shape.annotations, .schema1History])
    func peakMemoryStaysWithinTwiceTheManifests(_ shape: Shape) throws {
        let large = try Self.writeStore(shape, size: Self.manifestSize)
        let small = try Self.writeStore(shape, size: 4096)
        defer {
            try? FileManager.default.removeItem(atPath: large.root)
            try? FileManager.default.removeItem(atPath: small.root)
        }
        for command in ["ls --json", "verify", "rm --dry-run --delete-enabled"] {
            func arguments(_ store: (root: String, bytes: Int, first: Digest)) -> [String] {
                let words = command.split(separator: " ").map(String.init)
                return words.first == "rm" ? words + [store.root, "big/app@\(store.first)"] : words + [store.root]
            }
            let baseline = try Self.peakResidentBytes(arguments(small))
            let peak = try Self.peakResidentBytes(arguments(large))
            let mib = { (bytes: Int) in String(format: "%.0f MiB", Double(bytes) / 1_048_576) }
            #expect(
                peak - baseline <= 2 * large.bytes,
                "\(command): \(mib(peak)) peak for \(mib(large.bytes)) of manifests (\(mib(baseline)) with small ones)")
        }
    }
}
