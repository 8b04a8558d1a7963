/// The blob half of a plan: what `blobs/` holds (listed once by the store, `RegistryStore.storedBlobs`) and the size of
/// each blob the sweep would remove (storage-format §7.2).
extension GarbageCollector {
    func storedBlobs() async throws(DeleteError) -> [Digest: Int64] {
        do {
            return try await store.storedBlobs()
        } catch {
            throw .driver(error, done: "listing blobs; nothing was changed")
        }
    }

    /// The stored blobs not in `marked`, by digest; sizes the listing did not give are stat'ed (through the store's
    /// cache) for these only.
    func unmarkedBlobs(_ stored: [Digest: Int64], marked: MarkSet) async -> [GCPlan.Blob] {
        var blobs: [GCPlan.Blob] = []
        // Filtered before sorting: the unmarked are a few hundred of a store's 100k blobs.
        for (d, size) in stored.filter({ !marked.contains($0.key) }).sorted(by: { $0.key < $1.key }) {
            if size >= 0 {
                blobs.append(.init(digest: d, size: size))
                continue
            }
            switch await store.blobCache.state(of: d) {
            case .present(let bytes): blobs.append(.init(digest: d, size: bytes))
            case .missing: continue  // a blob folder without data: not a blob to the registry either
            case .notRegular, .unreadable: blobs.append(.init(digest: d, size: nil))
            }
        }
        return blobs
    }
}
