extension RegistryStore {
    /// The digests one tag's history lists (`_manifests/tags/<tag>/index/<alg>/<hex>/`), from folder names only; empty
    /// when the tag has no history. Names that are no digest are skipped: the loader reports them.
    func tagHistory(_ repo: StoragePath, tag: String) async throws(DriverError) -> [Digest] {
        var out: [Digest] = []
        for item in await DigestFolderListing(driver: driver).list(StoreLayout.tagHistoryDirectory(repo, tag)) {
            switch item {
            // An entry named by a digest counts whatever its kind: its removal is what the plan needs to know about.
            case .digest(let d, _), .notAFolder(let d, _, _): out.append(d)
            case .unlisted(let error, _) where !error.isNotFound: throw error
            case .unlisted, .notAnAlgorithmFolder, .invalidDigest: continue
            }
        }
        return out
    }
}
