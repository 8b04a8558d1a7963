import Foundation
import RegistryStorage

/// Paths inside a filesystem store (storage-format §1.2), for checking what the real registry wrote.
/// `root` is the folder that contains `docker/registry/v2` (`RegistryServer.rootDirectory`).
struct StoreFiles: Sendable {
    let root: URL

    init(root: URL) { self.root = root }
    init(_ server: RegistryServer) { self.root = server.rootDirectory }

    var v2: URL { root.appendingPathComponent("docker/registry/v2", isDirectory: true) }

    func blobData(_ digest: String) -> URL {
        let (algorithm, hex) = Self.split(digest)
        return v2.appendingPathComponent("blobs/\(algorithm)/\(hex.prefix(2))/\(hex)/data")
    }

    /// Where an online collection keeps blob data aside (`Quarantine.data`).
    func quarantinedData(_ journalID: String, _ digest: String) -> URL {
        let (algorithm, hex) = Self.split(digest)
        return v2.appendingPathComponent("drydock/quarantine/\(journalID)/\(algorithm)/\(hex)/data")
    }

    func repository(_ name: String) -> URL {
        v2.appendingPathComponent("repositories/\(name)", isDirectory: true)
    }

    func layerLink(_ repository: String, _ digest: String) -> URL {
        let (algorithm, hex) = Self.split(digest)
        return self.repository(repository).appendingPathComponent("_layers/\(algorithm)/\(hex)/link")
    }

    func revisionLink(_ repository: String, _ digest: String) -> URL {
        let (algorithm, hex) = Self.split(digest)
        return self.repository(repository).appendingPathComponent("_manifests/revisions/\(algorithm)/\(hex)/link")
    }

    func tagCurrentLink(_ repository: String, _ tag: String) -> URL {
        self.repository(repository).appendingPathComponent("_manifests/tags/\(tag)/current/link")
    }

    func tagIndexLink(_ repository: String, _ tag: String, _ digest: String) -> URL {
        let (algorithm, hex) = Self.split(digest)
        return self.repository(repository).appendingPathComponent("_manifests/tags/\(tag)/index/\(algorithm)/\(hex)/link")
    }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Raw bytes of a file, or nil.
    func read(_ url: URL) -> [UInt8]? {
        (try? Data(contentsOf: url)).map(Array.init)
    }

    /// A link file's content, exactly as stored (no trimming), or nil.
    func readLink(_ url: URL) -> String? {
        read(url).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every regular file under the store, relative to `root`, sorted.
    func allFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var found: [String] = []
        let prefix = root.standardizedFileURL.path + "/"
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            found.append(path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path)
        }
        return found.sorted()
    }

    static func split(_ digest: String) -> (algorithm: String, hex: String) {
        guard let colon = digest.firstIndex(of: ":") else { return ("sha256", digest) }
        return (String(digest[..<colon]), String(digest[digest.index(after: colon)...]))
    }

    /// `sha256:<hex>` of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> String { Digest.sha256(of: bytes).description }
}
