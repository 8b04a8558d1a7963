/// What an online collection did, for the summary and `--json`.
public struct OnlineGCResult: Sendable, Equatable {
    /// The journal entry of this run (`drydock undo ID` restores it); nil when it had no candidates.
    public var journalID: String?
    public var quarantined: [Digest] = []
    public var quarantinedBytes: Int64 = 0
    /// Candidates left in place, `digest: why` (gone already, too large to copy on S3).
    public var skipped: [String] = []
    public var manifestsUnlinked = 0
    public var layerLinksRemoved = 0
    /// Quarantined by this run and brought back because something referenced them after T0.
    public var restoredBlobs: [Digest] = []
    /// `repository@digest` of unlinked manifests brought back.
    public var restoredManifests: [String] = []
    /// Keys removed from the registry's redis cache (both purges).
    public var cacheKeysPurged = 0
    public var youngBlobs = 0
    public var youngManifests = 0
    /// From earlier runs' quarantines: data referenced again and moved back.
    public var restoredFromEarlier: [Digest] = []
    /// Quarantined data deleted for good (older than the quarantine period, still unreferenced).
    public var deletedForGood: [Digest] = []
    public var deletedBytes: Int64 = 0
    /// Journal entries whose quarantine was examined.
    public var quarantinesChecked: [String] = []
    /// Earlier runs that stopped part way (killed, a failed move) and that this run's re-check finished.
    public var finishedInterrupted: [String] = []
    /// This run stopped early on request (SIGINT, SIGTERM): it moved no more data, restored what the re-scan needs
    /// and left the re-check of quarantines to the next run.
    public var interrupted = false

    public init() {}
}

/// Progress of an online collection, one line per phase, for stderr.
public struct OnlineGCProgress: Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
