

/// Blob presence and size, shared by every repository of one store so a layer shared by many images is stat'ed once.
public final class BlobStatCache: Sendable {
    private let states = Locked<[Digest: BlobState]>([:])
    private let driver: any StorageDriver

    public init(driver: any StorageDriver) { self.driver = driver }

    public func state(of d: Digest) async -> BlobState {
        if let known = states.withLock({ $0[d] }) { return known }
        let state: BlobState
        do {
            let info = try await driver.withRetries {
                try await driver.stat(StoreLayout.blobData(d))
            }
            state = info.kind == .file ? .present(size: info.size) : .notRegular(info.kind)
        } catch {
            let error = DriverError(error)
            switch error {
            case .notFound, .notADirectory: state = .missing
            case .symlink(_, let p): state = .notRegular(.symlink(p))
            default: state = .unreadable(error.description)
            }
        }
        states.withLock { $0[d] = state }
        return state
    }

    /// Remembers a state learned another way (reading the blob).
    public func record(_ d: Digest, _ state: BlobState) {
        states.withLock { $0[d] = state }
    }

    /// Remembers the sizes a listing gave (`RegistryStore.storedBlobs()` on an object store; -1 means not known), so
    /// a warm load asks no HEAD to find a cached manifest still stored.
    public func learn(listed: [Digest: Int64]) {
        states.withLock { s in for (d, size) in listed where size >= 0 { s[d] = .present(size: size) } }
    }

    /// Forgets what is known (after a delete or a rescan).
    public func invalidate(_ digests: some Sequence<Digest>) {
        states.withLock { s in for d in digests { s[d] = nil } }
    }

    public func invalidateAll() { states.withLock { $0.removeAll() } }
}
