import Foundation

/// Reads what is about to be removed (for the journal) and removes it.
enum RemovalCapture {
    struct Captured {
        var links: [JournalLink] = []
        var unrestorable: [String] = []
    }

    /// Every link file under `paths` with its exact bytes; everything else there is listed as unrestorable.
    static func capture(_ paths: [StoragePath], driver: any StorageDriver) async throws(DeleteError) -> Captured {
        var out = Captured()
        for path in paths {
            let info: FileInfo
            do {
                info = try await driver.withRetries { try await driver.stat(path) }
            } catch {
                let e = DriverError(error)
                if e.isNotFound { continue }
                throw .driver(e, done: "reading what is to be removed; nothing was changed")
            }
            var files: [WalkedFile]
            if info.kind == .directory {
                do {
                    files = try await driver.withRetries { try await driver.walkFiles(path) }
                } catch {
                    throw .driver(DriverError(error), done: "reading what is to be removed; nothing was changed")
                }
            } else {
                files = [WalkedFile(path: path, kind: info.kind, size: info.size)]
            }
            files.sort { $0.path < $1.path }
            for f in files {
                guard f.kind == .file, f.path.lastComponent == "link" else {
                    out.unrestorable.append(f.path.description)
                    continue
                }
                do {
                    let bytes = try await driver.withRetries { try await driver.read(f.path, limit: LinkContent.maxSize) }
                    if let link = JournalLink.classify(f.path, bytes: bytes) {
                        out.links.append(link)
                    } else {
                        out.unrestorable.append(f.path.description)
                    }
                } catch {
                    let e = DriverError(error)
                    if e.isNotFound { continue }
                    out.unrestorable.append(f.path.description)
                }
            }
        }
        return out
    }

    /// Removes each path in order; a failure stops and says how far it got (the journal entry stays, incomplete).
    static func remove(
        _ paths: [StoragePath], driver: any StorageDriver, journalID: String, progress: (Int) -> Void = { _ in }
    ) async throws(DeleteError) {
        for (i, path) in paths.enumerated() {
            progress(i)
            do {
                try await driver.withRetries { try await driver.delete(path) }
            } catch {
                throw .driver(DriverError(error), done: "journal \(journalID): \(i) of \(paths.count) removals done; `drydock undo \(journalID)` restores them")
            }
        }
    }
}
