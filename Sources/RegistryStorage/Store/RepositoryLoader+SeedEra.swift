/// What registries before 2.5 left: manifests linked under `_layers` (May 2015 to v2.1.0, storage-format §1.6) and
/// schema1 signatures stored as their own blobs (2.0 to 2.4, storage-format §4.10).
extension RepositoryLoader {
    /// Seed-era manifests linked under `_layers` are found by reading small unreferenced `_layers` blobs; larger ones
    /// cannot be manifests the registry would serve in practice.
    static let seedCandidateMaxSize: Int64 = 1 << 20

    /// A `_layers` link whose blob turns out to be a manifest: the May 2015 to v2.1.0 placement (storage-format §1.6).
    func seedRevision(_ d: Digest, target: Digest, hinted: Bool, _ acc: Accumulator) async -> ManifestRevision? {
        let state = await blobs.state(of: target)
        let what = "a _layers-linked blob, which may be a seed-era manifest the registry serves,"
        switch state {
        case .notRegular(let kind):
            // The registry follows symlinks and would serve it: what it references is unknown, which blocks a
            // collection (`Problem.leavesContentUnknown`) instead of sweeping its layers.
            acc.problems.append(Problem.notAFile(kind, at: StoreLayout.blobData(target), expected: what))
            return nil
        case .unreadable(let why):
            acc.problems.append(Problem(.error, .unreadable, "\(what) cannot be read: \(SafeText.escaping(why))", at: StoreLayout.blobData(target)))
            return nil
        case .present, .missing:
            break
        }
        guard let size = state.size, size <= RepositoryLoader.seedCandidateMaxSize || hinted else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try await driver.withRetries { try await driver.read(StoreLayout.blobData(target), limit: ManifestParser.maxManifestSize) }
        } catch {
            let error = DriverError(error)
            switch error {
            case .notFound, .tooLarge: return nil  // gone since the listing, or too large to be a manifest
            default:
                acc.problems.append(Problem.from(error, context: "cannot read \(what)"))
                return nil
            }
        }
        guard RepositoryLoader.looksLikeManifest(bytes) else { return nil }
        var revision = await loadRevision(d, target: target, placement: .layers, problems: [], acc)
        revision.problems.append(
            Problem(.info, .seedEraPlacement, "manifest linked under _layers only (written by registry 2.1.0 or earlier); registry 2.8.2 still serves it but its garbage collector would delete it", at: nil))
        return revision
    }

    /// A `_layers` blob is taken for a manifest only if it is JSON that parses as one.
    static func looksLikeManifest(_ bytes: [UInt8]) -> Bool {
        let firstByte = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard firstByte == UInt8(ascii: "{") else { return false }
        if case .success = ManifestParser.parse(bytes) { return true }
        return false
    }

    /// Seed-era signature links under a revision folder (`signatures/<alg>/<hex>/link`), found by a light scan only
    /// where they can exist: schema1 revisions and revision folders without a link.
    func scanSignatures(_ repo: StoragePath, _ d: Digest, into links: inout ManifestLinks, _ acc: Accumulator) async {
        let dir = StoreLayout.signaturesDirectory(repo, revision: d)
        let found = await digestFolders(dir, what: "signature link", acc)
        guard !found.isEmpty else { return }
        links.signatures[d] = found.map { ($0.digest, StoreLayout.signatureLink(repo, revision: d, signature: $0.digest)) }
        links.revisionFolders.insert(d)
    }
}
