import Foundation

/// What the user asks to delete.
public enum DeleteTarget: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The registry's untag: the tag's folder (`current` and `index`).
    case tag(repository: String, tag: String)
    /// The registry 2.8.2 manifest DELETE: the revision link (and a seed-era `_layers` link for the same digest), then
    /// every tag whose current link points at it. With `includeChildren`, an index's child manifests that nothing
    /// else keeps (`DeletePlan.orphanedChildren`) go too.
    case manifest(repository: String, digest: Digest, includeChildren: Bool)
    /// The registry's blob DELETE: the repository's `_layers` link (the blob itself stays until a GC).
    case layer(repository: String, digest: Digest)
    /// The repository folder. Repositories nested inside it are kept unless `includeNested` (and then only those
    /// loaded into the plan go); anything else in the folder that no loaded repository accounts for is kept.
    case repository(String, includeNested: Bool)
    /// `_uploads/<id>` folders of every repository whose `startedat` is older than this many seconds. Uploads without
    /// a readable `startedat` are kept (the registry never purges them either).
    case staleUploads(olderThanSeconds: Double)

    public var repository: String? {
        switch self {
        case .tag(let r, _), .manifest(let r, _, _), .layer(let r, _), .repository(let r, _): r
        case .staleUploads: nil
        }
    }

    public var description: String {
        switch self {
        case .tag(let r, let t): "tag \(SafeText.escaping(r)):\(SafeText.escaping(t))"
        case .manifest(let r, let d, let children): "manifest \(SafeText.escaping(r))@\(d)\(children ? " and its unreferenced children" : "")"
        case .layer(let r, let d): "layer link \(SafeText.escaping(r)) \(d)"
        case .repository(let r, let nested): "repository \(SafeText.escaping(r))\(nested ? " and the repositories nested in it" : "")"
        case .staleUploads(let s): "uploads started more than \(DeletePlan.formatAge(s)) ago"
        }
    }
}

/// A delete previewed before it runs: what is removed, what tags lose their target, what a garbage collection would
/// then free. Built from loaded repositories by `StoreDeleter.plan`, run by `StoreDeleter.execute`.
public struct DeletePlan: Sendable, Equatable {
    public struct Removal: Sendable, Equatable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable, Hashable {
            case tag(String)
            case revisionLink(Digest)
            case layerLink(Digest)
            /// The repository's own `_layers`, `_manifests`, `_uploads` (nested repositories stay).
            case repositoryData(String)
            /// The whole repository folder: when listed, it held nothing but its own folders and nested repositories
            /// this plan removes too.
            case repositoryFolder
            case upload(String)
        }

        public internal(set) var repository: String
        public internal(set) var kind: Kind
        /// Built with `StoreLayout` from the loaded repository's path and validated names.
        public internal(set) var path: StoragePath
        /// Why it goes (`tag v1 pointed at the manifest`).
        public internal(set) var reason: String

        public var description: String { "\(path)  (\(reason))" }
    }

    /// A tag that loses its target: it is removed.
    public struct LostTag: Sendable, Equatable, Hashable {
        public internal(set) var repository: String
        public internal(set) var tag: String
        public internal(set) var digest: Digest?
    }

    public struct ManifestRef: Sendable, Equatable, Hashable, Comparable {
        public internal(set) var repository: String
        public internal(set) var digest: Digest

        public init(repository: String, digest: Digest) {
            self.repository = repository
            self.digest = digest
        }

        public static func < (a: Self, b: Self) -> Bool { (a.repository, a.digest) < (b.repository, b.digest) }
    }

    /// An index child the plan removes while the index that lists it stays reachable: pulling `tags` for `platform`
    /// would fail with MANIFEST_UNKNOWN afterwards.
    public struct BrokenPull: Sendable, Equatable, Hashable {
        public internal(set) var repository: String
        /// The removed child manifest.
        public internal(set) var manifest: Digest
        /// The index that still lists it.
        public internal(set) var index: Digest
        public internal(set) var platform: String?
        /// Every tag whose pull goes through that index, sorted.
        public internal(set) var tags: [String]

        /// `team/app:stable, team/app:latest (linux/s390x)`, escaped.
        public var description: String {
            tags.map { "\(SafeText.escaping(repository)):\(SafeText.escaping($0))" }.joined(separator: ", ")
                + (platform.map { " (\(SafeText.escaping($0)))" } ?? "")
        }
    }

    public internal(set) var targets: [DeleteTarget]
    public internal(set) var removals: [Removal]
    public internal(set) var lostTags: [LostTag]
    /// Manifests that nothing reaches any more (not tagged, not a child of a reachable index, not a referrer of a
    /// reachable manifest): a `gc --delete-untagged` would then remove them.
    public internal(set) var untaggedManifests: [ManifestRef]
    /// Pulls this plan breaks: index children removed while a tagged index still lists them. `execute` refuses such a
    /// plan unless forced.
    public internal(set) var brokenPulls: [BrokenPull] = []
    /// Children of a deleted index that nothing else keeps: ask whether to delete them too
    /// (re-plan with `.manifest(..., includeChildren: true)`). Empty when they are already included.
    public internal(set) var orphanedChildren: [ManifestRef]
    public internal(set) var warnings: [String]
    /// Bytes a plain `gc` would free once this delete ran (blobs only this delete leaves unreferenced).
    public internal(set) var reclaimableBytes: Int64
    public internal(set) var reclaimableBlobs: [Digest]
    /// The same for `gc --delete-untagged`.
    public internal(set) var reclaimableBytesDeletingUntagged: Int64
    /// The gate's answer: when set, `execute` refuses and nothing changes.
    public internal(set) var refusal: String?

    public var isEmpty: Bool { removals.isEmpty }

    /// True when running the plan breaks the pull of a kept tag (`brokenPulls`): it needs `force`.
    public var breaksPulls: Bool { !brokenPulls.isEmpty }

    static func formatAge(_ seconds: Double) -> String {
        if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 3600) == 0 {
            let hours = Int(seconds / 3600)
            return hours % 24 == 0 ? "\(hours / 24) day(s)" : "\(hours)h"
        }
        if seconds >= 3600 { return String(format: "%.1fh", seconds / 3600) }
        if seconds >= 60 { return "\(Int(seconds / 60))m" }
        return "\(Int(seconds))s"
    }
}
