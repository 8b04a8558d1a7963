import Foundation

/// Each repository's total and unique size (`StoreIndex.RepositorySizes`), counted while the repositories are still
/// loading: `add` is called as each one is reduced, on any task, so that when the last repository is in only one
/// pass over the store's distinct blobs is left (the unique sizes), not one over every repository's blobs. That pass
/// sat in `ls --json`'s serial tail, with one core idle, between the last read and the first byte out (README
/// "Scale"). The figures are `StoreIndex(uses:)`'s: sizes are never negative (`RepositoryContents.blobSize`), so the
/// saturating sums do not depend on the order repositories arrive in.
public final class StoreBlobSharing: @unchecked Sendable {
    // @unchecked: the tables and totals are only touched under `lock`; `positions` never changes.

    /// Who keeps a blob: how many repositories, and the size the first of them gave it (only read when it is the
    /// only one, so the figure is that repository's own, as in `StoreIndex`).
    private struct Keepers {
        var repositories: Int32
        var owner: Int32
        var size: Int64
    }

    private let lock = NSLock()
    /// SHA-256 blobs under 32-byte keys (`SHA256Key`), sized up front; other digests (SHA-512) apart.
    private var sha256: [SHA256Key: Keepers] = [:]
    private var other: [Digest: Keepers] = [:]
    private var totals: [Int64]
    private var added: [Bool]
    /// Each repository's place in `totals`.
    private let positions: [String: Int32]

    /// For the repositories named (each name once), expecting about `expectedBlobs` distinct blobs (the store's blob
    /// count: a table that never grows never holds an old and a new copy at once).
    public init(repositories names: [String], expectedBlobs: Int = 0) {
        var positions: [String: Int32] = Dictionary(minimumCapacity: names.count)
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = Int32(i) }
        self.positions = positions
        totals = Array(repeating: 0, count: names.count)
        added = Array(repeating: false, count: names.count)
        sha256.reserveCapacity(expectedBlobs)
    }

    /// Counts a repository's blobs; false (and nothing counted) for a repository not named at `init` or one already
    /// added.
    @discardableResult
    public func add(_ use: StoreIndex.BlobUse) -> Bool {
        guard let owner = positions[use.repository] else { return false }
        var total: Int64 = 0
        for b in use.blobs { total +|= b.size }
        lock.lock()
        defer { lock.unlock() }
        guard !added[Int(owner)] else { return false }
        added[Int(owner)] = true
        totals[Int(owner)] = total
        for b in use.blobs {
            let first = Keepers(repositories: 0, owner: owner, size: b.size)
            if let key = b.digest.sha256Key {
                sha256[key, default: first].repositories &+= 1
            } else {
                other[b.digest, default: first].repositories &+= 1
            }
        }
        return true
    }

    /// Every named repository's sizes; one never added counts as empty (as `ls` shows a repository it could not read).
    public func sizes() -> [String: StoreIndex.RepositorySizes] {
        lock.lock()
        defer { lock.unlock() }
        var unique = Array(repeating: Int64(0), count: totals.count)
        for k in sha256.values where k.repositories == 1 { unique[Int(k.owner)] +|= k.size }
        for k in other.values where k.repositories == 1 { unique[Int(k.owner)] +|= k.size }
        var out: [String: StoreIndex.RepositorySizes] = Dictionary(minimumCapacity: positions.count)
        for (name, i) in positions { out[name] = StoreIndex.RepositorySizes(total: totals[Int(i)], unique: unique[Int(i)]) }
        return out
    }
}
