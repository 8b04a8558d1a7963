import Crypto
import Foundation

/// Every key below one folder (the store's `repositories/`), listed flat once for a scan: the catalog walk, each
/// repository's walks and listings, and tag links whose ETag shows their content are answered from it instead of
/// one request per folder or link.
struct S3ListingSnapshot: Sendable {
    struct Object: Sendable {
        var size: Int64
        var etag: String?
    }

    let root: StoragePath
    private(set) var files: [StoragePath: Object] = [:]
    /// Each folder's entry names: bit 1 a file, bit 2 a folder (S3 can have both under one name).
    private var children: [StoragePath: [String: UInt8]] = [:]

    init(root: StoragePath) { self.root = root }

    func covers(_ path: StoragePath) -> Bool { path.hasPrefix(root) }

    /// Adds a file at `path` (below `root`), or with no object (a folder marker) only the folders leading to it.
    mutating func add(_ path: StoragePath, _ object: Object?) {
        if let object { files[path] = object }
        var folder = root
        let below = path.components.dropFirst(root.components.count)
        for (i, name) in below.enumerated() {
            let bit: UInt8 = object != nil && i == below.count - 1 ? 1 : 2
            children[folder, default: [:]][name, default: 0] |= bit
            folder = folder.appending(name)
        }
    }

    /// Like a delimited listing: nothing below `path` is a missing folder.
    func list(_ path: StoragePath) throws(DriverError) -> [DirectoryEntry] {
        guard let names = children[path] else { throw .notFound(path) }
        var out: [DirectoryEntry] = []
        for (name, bits) in names.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if bits & 1 != 0 { out.append(DirectoryEntry(name: name, kind: .file)) }
            if bits & 2 != 0 { out.append(DirectoryEntry(name: name, kind: .directory)) }
        }
        return out
    }

    /// Like a flat listing: every file below `path`.
    func walk(_ path: StoragePath) throws(DriverError) -> [WalkedFile] {
        guard children[path] != nil else { throw .notFound(path) }
        var out: [WalkedFile] = []
        var pending = [path]
        while let folder = pending.popLast() {
            for (name, bits) in children[folder] ?? [:] {
                let p = folder.appending(name)
                if bits & 1 != 0, let f = files[p] { out.append(WalkedFile(path: p, kind: .file, size: f.size)) }
                if bits & 2 != 0 { pending.append(p) }
            }
        }
        return out.sorted { $0.path < $1.path }
    }

    /// The content of a tag's `current/link` when its ETag proves it: a single-part object's ETag is the MD5 of its
    /// bytes, and a tag link written by the registry holds `sha256:<hex>` of a digest its own history (`index/`)
    /// names, so the ETag is matched against MD5 of each of those. Finding another text with the same MD5 as
    /// `sha256:<hex>` is a second preimage, which MD5 still resists. Anything else (multipart or SSE-KMS ETags,
    /// garbage, a digest missing from the history) is read as usual.
    func tagLinkContent(_ path: StoragePath) -> [UInt8]? {
        let c = path.components
        guard c.count >= 5, c[c.count - 1] == "link", c[c.count - 2] == "current", c[c.count - 4] == "tags",
            c[c.count - 5] == "_manifests", let object = files[path], let etag = object.etag
        else { return nil }
        let expected = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
        guard expected.count == 32, object.size == 7 + 64 else { return nil }
        let history = path.dropLastComponents(2).appending(["index", "sha256"])
        for (hex, bits) in children[history] ?? [:] where bits & 2 != 0 {
            let candidate = Array("sha256:\(hex)".utf8)
            guard candidate.count == object.size, Digest("sha256:\(hex)") != nil else { continue }
            if Insecure.MD5.hash(data: candidate).map({ String(format: "%02x", $0) }).joined() == expected { return candidate }
        }
        return nil
    }
}

extension StoragePath {
    fileprivate func dropLastComponents(_ n: Int) -> StoragePath {
        var out = StoragePath.root
        for c in components.dropLast(n) { out = out.appending(c) }
        return out
    }
}

extension S3Driver {
    /// Lists every key below `path` flat, the folders of its first level concurrently (each its own range of keys,
    /// 1000 keys a page), and answers listings, walks and provable tag links below `path` from it until
    /// `dropListingSnapshot()` or any write or delete. For one scan (`ls`, a collection plan): a later scan must not
    /// see a stale store, so the caller drops it when done.
    public func takeListingSnapshot(of path: StoragePath) async throws {
        dropListingSnapshot()
        let prefix = s3Location.key(for: path) + "/"
        var snapshot = S3ListingSnapshot(root: path)
        var firstLevel: [String] = []
        var direct: [ListObjectsPage.Object] = []
        do {
            try await forEachPage(prefix: prefix, delimiter: "/", path: path) { page in
                direct += page.objects
                firstLevel += page.commonPrefixes
                return true
            }
        } catch {
            if DriverError(error).isNotFound { return }
            throw error
        }
        let ranges = firstLevel
        let listed = try await withThrowingTaskGroup(of: [ListObjectsPage.Object].self) { group in
            for range in ranges {
                group.addTask {
                    var objects: [ListObjectsPage.Object] = []
                    try await self.forEachPage(prefix: range, delimiter: nil, path: path) { page in
                        objects += page.objects
                        return true
                    }
                    return objects
                }
            }
            var all = direct
            while let objects = try await group.next() { all += objects }
            return all
        }
        record(listed, below: prefix, at: path, into: &snapshot)
        let taken = snapshot
        self.snapshot.withLock { $0 = taken }
    }

    /// Adds listed objects (keys below `prefix`, the key of `path`) to `snapshot`; keys that are no store path are
    /// skipped and recorded.
    func record(_ objects: [ListObjectsPage.Object], below prefix: String, at path: StoragePath, into snapshot: inout S3ListingSnapshot) {
        for object in objects {
            guard let relative = relativeName(object.key, below: prefix) else {
                skip(object.key)
                continue
            }
            var parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            // `a/b/` is a folder marker object: the folders exist, no file.
            let marker = parts.count > 1 && parts.last == ""
            if marker { parts.removeLast() }
            guard !parts.isEmpty, let sub = StoragePath(validating: parts) else {
                skip(object.key)
                continue
            }
            snapshot.add(path.appending(sub.components), marker ? nil : .init(size: object.size, etag: object.etag))
        }
    }

    /// Whether a scan's listing is in place (listings below its root are answered from it).
    var hasListingSnapshot: Bool { snapshot.withLock { $0 != nil } }

    public func dropListingSnapshot() { snapshot.withLock { $0 = nil } }

    func snapshotList(_ path: StoragePath) throws -> [DirectoryEntry]? {
        guard let s = snapshot.withLock({ $0 }), s.covers(path) else { return nil }
        return try s.list(path)
    }

    func snapshotWalk(_ path: StoragePath) throws -> [WalkedFile]? {
        guard let s = snapshot.withLock({ $0 }), s.covers(path) else { return nil }
        return try s.walk(path)
    }

    func snapshotRead(_ path: StoragePath, limit: Int) -> [UInt8]? {
        guard let s = snapshot.withLock({ $0 }), s.covers(path), let bytes = s.tagLinkContent(path), bytes.count <= limit else { return nil }
        return bytes
    }
}
