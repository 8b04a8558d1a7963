import Foundation

/// How an online collection runs (`drydock gc --online`).
public struct OnlineGCOptions: Sendable, Equatable {
    /// Nothing written within this many seconds is touched: blobs by their data's modification time (LastModified on
    /// S3), untagged manifests by their revision link's (a multi-arch push links its children before its index).
    public var grace: Double
    /// Quarantined data older than this many seconds is deleted for good (after the same reference check).
    public var quarantinePeriod: Double
    /// How long to wait after quarantining before the re-scan: longer than one registry request (a manifest PUT
    /// checks its blobs, then writes its revision link).
    public var settle: Duration
    public var deleteUntagged: Bool

    public static let defaultGrace: Double = 3600
    public static let defaultQuarantinePeriod: Double = 86400
    public static let defaultSettle: Duration = .seconds(2)

    public init(
        grace: Double = OnlineGCOptions.defaultGrace, quarantinePeriod: Double = OnlineGCOptions.defaultQuarantinePeriod,
        settle: Duration = OnlineGCOptions.defaultSettle, deleteUntagged: Bool = false
    ) {
        self.grace = max(0, grace)
        self.quarantinePeriod = max(0, quarantinePeriod)
        self.settle = settle
        self.deleteUntagged = deleteUntagged
    }
}

/// What the running registry caches blob descriptors in (`storage.cache.blobdescriptor`), as far as the caller knows.
/// A cache that still holds a quarantined blob answers HEAD (and manifest PUT checks) with "exists" (distribution
/// #1803, #2945, #4269), so the collector must be able to empty it, or there must be none.
public enum RegistryCacheState: Sendable {
    /// No `storage.cache` in the configuration: nothing to purge.
    case none
    /// Redis: the registry's keys for every quarantined digest are removed through `purger`.
    case redis(any BlobDescriptorCachePurger)
    /// `inmemory`: inside the registry process, out of reach. Online collection is refused.
    case inMemory
    /// No configuration to read; the operator vouched that the registry runs without a cache (`--no-cache-check`).
    case vouchedNone
    /// Cannot tell (a bare store path without the operator's word): refused.
    case unknown
    /// The configuration names a cache the registry cannot use as written (e.g. redis without an address); why.
    case unusable(String)

    /// Why an online collection cannot run with this cache, or nil when it can.
    public var refusal: String? {
        switch self {
        case .none, .redis, .vouchedNone: nil
        case .inMemory:
            "the registry caches blob descriptors in memory (storage.cache.blobdescriptor: inmemory): after a blob is "
                + "quarantined it would keep answering that the blob exists and accept manifests that reference it, and that "
                + "cache cannot be emptied from outside the registry process. Either stop the registry (or make it read-only) "
                + "and run `drydock gc` without --online, or configure `storage.cache.blobdescriptor: redis` (with a redis: "
                + "block), restart the registry, and run `drydock gc --online --config FILE`"
        case .unknown:
            "without the registry's configuration Drydock cannot tell whether the registry caches blob descriptors "
                + "(a cache that still lists a quarantined blob makes pushes that reference it succeed, and their pulls fail). "
                + "Pass --config FILE (the registry's config.yml), or --no-cache-check if this registry runs with no "
                + "storage.cache at all"
        case .unusable(let why): why
        }
    }
}
