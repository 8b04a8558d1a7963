/// Puts quarantined data and removed links back, never overwriting what the registry wrote since.
struct QuarantineRestorer: Sendable {
    let driver: any StorageDriver

    enum DataOutcome: Equatable {
        /// Moved back from the quarantine.
        case moved
        /// A client uploaded the blob again meanwhile: theirs is kept, the quarantined copy dropped.
        case keptTheirs
        /// Nothing in the quarantine (never moved, or already back).
        case nothingQuarantined
    }

    /// Moves `d`'s data from journal entry `journalID`'s quarantine back to `blobs/`.
    func restoreData(_ d: Digest, journalID: String) async throws(DeleteError) -> DataOutcome {
        guard let from = Quarantine.data(journalID, d) else {
            throw .invalidTarget("journal id \(SafeText.escaping(journalID)) names no quarantine folder; refused")
        }
        do {
            try await driver.withRetries { try await driver.move(from, to: StoreLayout.blobData(d)) }
            return .moved
        } catch {
            let e = DriverError(error)
            switch e {
            case .notFound: return .nothingQuarantined
            case .alreadyExists:
                // Same digest, same bytes: the registry's copy serves; ours is redundant.
                do {
                    try await driver.withRetries { try await driver.delete(from) }
                } catch {
                    throw .driver(DriverError(error), done: "\(d) is back in blobs/ (re-uploaded); its quarantined copy could not be removed")
                }
                return .keptTheirs
            default:
                throw .driver(e, done: "moving \(d) back from the quarantine of \(journalID)")
            }
        }
    }

    /// Writes each link back where it is missing; a link present (with any content) is left as it is. Returns how many
    /// were written.
    func restoreLinks(_ links: [JournalLink]) async throws(DeleteError) -> Int {
        var written = 0
        for link in links {
            guard let path = link.path, let bytes = link.bytes else { continue }
            do {
                _ = try await driver.withRetries { try await driver.stat(path) }
                continue
            } catch {
                let e = DriverError(error)
                guard e.isNotFound || e == .notADirectory(path) else { throw .driver(e, done: "checking \(path) before restoring it") }
            }
            do {
                try await driver.withRetries { try await driver.write(path, contents: bytes) }
            } catch {
                throw .driver(DriverError(error), done: "restoring \(path)")
            }
            written += 1
        }
        return written
    }
}

extension JournalEntry {
    /// The `_layers` links this entry removed for blob `d`, in every repository.
    func layerLinks(of d: Digest) -> [JournalLink] {
        links.filter { $0.kind == .layer && $0.digest == d.description }
    }

    /// Every link this entry removed for manifest `digest` of `repository`: its revision link (and seed-era
    /// signatures below it), its tag history entries and a seed-era `_layers` link.
    func manifestLinks(repository: String, digest: Digest) -> [JournalLink] {
        links.filter { $0.repository == repository && $0.digest == digest.description && $0.kind != .tagCurrent }
    }
}
