/// A set of digests that keeps SHA-256 ones (nearly all) as 32-byte keys: a store-wide mark holds every referenced
/// blob, and the plan holds Drydock's and registry 2.8.2's marks at once (README "Scale", peak memory).
struct MarkSet: Sendable {
    private var sha256: Set<SHA256Key> = []
    private var other: Set<Digest> = []

    init(minimumCapacity: Int = 0) {
        sha256.reserveCapacity(minimumCapacity)
    }

    var count: Int { sha256.count + other.count }

    mutating func insert(_ d: Digest) {
        if let key = d.sha256Key { sha256.insert(key) } else { other.insert(d) }
    }

    mutating func formUnion(_ digests: some Sequence<Digest>) {
        for d in digests { insert(d) }
    }

    func contains(_ d: Digest) -> Bool {
        if let key = d.sha256Key { return sha256.contains(key) }
        return other.contains(d)
    }

    /// As plain digests, for callers outside the collector.
    var digests: Set<Digest> {
        var out = other
        out.reserveCapacity(count)
        for key in sha256 { out.insert(Digest(key)) }
        return out
    }
}
