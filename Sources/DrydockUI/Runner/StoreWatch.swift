import Foundation
import RegistryStorage

/// How the browser notices the store changed under it (a push while it is open). On disk: every `interval` seconds
/// the modification times of a bounded list of folders are compared with those taken right after the last scan (a push
/// adds a revision folder or a tag folder, or rewrites a tag's `current/link`: docs/storage-format.md §1.2). On S3,
/// where each such check is a request per folder, the store is simply read again every `interval`.
public struct StoreWatch: Sendable {
    public var interval: Double
    /// A value that changes when any of `paths` changes; nil when the backend cannot tell cheaply (refresh on interval).
    public var fingerprint: (@Sendable ([StoragePath]) async -> String?)?

    public init(interval: Double, fingerprint: (@Sendable ([StoragePath]) async -> String?)?) {
        self.interval = interval
        self.fingerprint = fingerprint
    }

    /// Folder modification times through the driver's `stat`.
    public static func modificationTimes(_ driver: any StorageDriver, interval: Double = 3) -> StoreWatch {
        StoreWatch(interval: interval) { paths in
            var token = ""
            for path in paths {
                let modified = (try? await driver.stat(path))?.modified
                token += modified.map { String($0) } ?? "-"
                token += ";"
            }
            return token
        }
    }

    /// At most this many folders are checked each time (a few milliseconds of `stat` calls on disk).
    public static let maxPaths = 2000

    /// What to check for `catalog` (and the tags read so far): the repositories folder and each repository's namespace
    /// folders (new repositories), each repository's tags and revisions folders (new tags and manifests), then each
    /// tag's `current` folder (a tag moved to a manifest already stored) while the bound allows.
    static func paths(_ catalog: [RepositoryEntry], _ repositories: [String: RepositoryContents]) -> [StoragePath] {
        var seen = Set<StoragePath>()
        var out: [StoragePath] = []
        func add(_ p: StoragePath) {
            guard out.count < maxPaths, seen.insert(p).inserted else { return }
            out.append(p)
        }
        add(StoreLayout.repositories)
        for entry in catalog {
            let parts = entry.name.split(separator: "/")
            for n in stride(from: parts.count - 1, to: 0, by: -1) {
                add(StoreLayout.repository(parts.prefix(n).joined(separator: "/")))
            }
            add(StoreLayout.tagsDirectory(entry.path))
            add(StoreLayout.manifestsDirectory(entry.path).appending(["revisions", "sha256"]))
        }
        for entry in catalog {
            for tag in repositories[entry.name]?.tags ?? [] {
                add(StoreLayout.tagDirectory(entry.path, tag.name).appending("current"))
            }
        }
        return out
    }
}
