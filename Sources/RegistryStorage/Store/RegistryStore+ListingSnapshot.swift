extension RegistryStore {
    /// Before a scan of the whole store over S3: `repositories/` listed flat once, its first-level folders
    /// concurrently, so the catalog, every repository's walks and the tag links whose ETag proves their content cost
    /// no further request (`S3Driver.takeListingSnapshot`). Elsewhere, or if the listing fails, the scan reads live.
    public func beginScan() async {
        guard let s3 = driver as? S3Driver else { return }
        try? await s3.takeListingSnapshot(of: StoreLayout.repositories)
    }

    /// After the scan: later reads see the store as it is then.
    public func endScan() {
        (driver as? S3Driver)?.dropListingSnapshot()
    }
}
