import Foundation

/// One delete (or garbage collection) as written to the journal before its first removal.
public struct JournalEntry: Codable, Sendable, Equatable {
    public enum Operation: String, Codable, Sendable {
        /// A soft delete (`drydock rm`, the UI): links removed, blobs untouched, undoable while the blobs exist.
        case delete
        /// A garbage collection: manifests vacuumed and blobs swept. Swept blobs cannot be restored.
        case garbageCollection = "gc"
        /// An online garbage collection (`gc --online`): links removed, blob data moved into the quarantine
        /// (`quarantine`), restorable until a later run deletes it for good.
        case onlineCollection = "online-gc"
    }

    public var version: Int
    /// Sortable and path-safe: `20240501T100000.123Z-1a2b3c4d`.
    public var id: String
    public var created: Date
    public var operation: Operation
    /// What was asked, one line each (`tag team/app:v1`).
    public var targets: [String]
    /// Every link file removed, with its exact content.
    public var links: [JournalLink]
    /// Blobs swept by a garbage collection (their data is gone; not restorable).
    public var blobs: [String]
    /// Other removed files that cannot be restored (upload data, stray files), as store paths.
    public var unrestorable: [String]
    /// The folders and files removed, in order (store paths, for the record).
    public var removed: [String]
    /// Set once every removal succeeded; false means the operation stopped part way (undo still restores it).
    public var completed: Bool
    /// When `drydock undo` restored it.
    public var undone: Date?
    /// Online collections only: every blob whose data was to be moved into the quarantine, and what became of it.
    public var quarantine: [QuarantinedBlob]?
    /// Garbage collections only: how far the removals got, for `drydock gc --resume` (nil in entries written before
    /// runs were resumable: those cannot be resumed).
    public var sweep: GCCheckpoint?

    public init(id: String, created: Date, operation: Operation, targets: [String], links: [JournalLink], blobs: [String],
                unrestorable: [String], removed: [String]) {
        self.version = 1
        self.id = id
        self.created = created
        self.operation = operation
        self.targets = targets
        self.links = links
        self.blobs = blobs
        self.unrestorable = unrestorable
        self.removed = removed
        self.completed = false
        self.undone = nil
    }

    public var isUndone: Bool { undone != nil }

    /// A fresh identifier for `date`.
    public static func makeID(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return f.string(from: date) + "-" + String(UInt32.random(in: .min ... .max), radix: 16).leftPadded(to: 8)
    }
}

/// The journal folder inside the store: `docker/registry/v2/drydock/journal/<id>.json`. The registry never looks
/// outside `blobs/` and `repositories/`, so it ignores this folder.
public struct Journal: Sendable {
    public let driver: any StorageDriver
    public static let directory = StoreLayout.journalDirectory
    /// Journal files larger than this are refused when read (a repository with very many tags stays far below).
    static let maxEntrySize = 256 << 20

    public init(driver: any StorageDriver) { self.driver = driver }

    static func path(_ id: String) -> StoragePath? { StoreEntry.journalEntry(id: id).path }

    /// Writes (or rewrites) an entry; `driver.write` syncs it to disk before returning.
    public func write(_ entry: JournalEntry) async throws(DeleteError) {
        guard let path = Journal.path(entry.id) else { throw .journal("invalid journal id \(SafeText.escaping(entry.id))") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(entry))
        } catch {
            throw .journal("cannot encode entry \(entry.id): \(error)")
        }
        do {
            try await driver.withRetries { try await driver.write(path, contents: bytes) }
        } catch {
            throw .journal("cannot write \(path): \(DriverError(error))")
        }
    }

    /// One entry by id.
    public func entry(_ id: String) async throws(DeleteError) -> JournalEntry {
        guard let path = Journal.path(id) else { throw .notFound("no journal entry \"\(SafeText.escaping(id))\"") }
        let bytes: [UInt8]
        do {
            bytes = try await driver.withRetries { try await driver.read(path, limit: Journal.maxEntrySize) }
        } catch {
            let e = DriverError(error)
            if e.isNotFound { throw .notFound("no journal entry \"\(SafeText.escaping(id))\"") }
            if case .tooLarge(_, let size, let limit) = e {
                throw .journal("\(path) is not a journal entry: \(size) bytes is too large (the limit is \(limit) bytes)")
            }
            throw .journal("cannot read \(path): \(e)")
        }
        // The listing's scanner first: it refuses what `JSONDecoder` lets through (a field given twice, of which the
        // decoder takes one and other readers the other), so undo never applies an entry the listing rejects.
        var scanner = JournalSummaryScanner()
        bytes.withUnsafeBytes { scanner.feed($0) }
        do {
            _ = try scanner.finish()
        } catch {
            throw .journal("\(path) is not a journal entry: \(error)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let entry: JournalEntry
        do {
            entry = try decoder.decode(JournalEntry.self, from: Data(bytes))
        } catch {
            throw .journal("\(path) is not a journal entry: \(DecodingFailure.reason(error, json: bytes))")
        }
        // Undo previews the entry it read here, then restores by the entry's own id: the two must name one file.
        guard entry.id == id else { throw Journal.forged(path, innerID: entry.id) }
        return entry
    }

    private static func forged(_ path: StoragePath, innerID: String) -> DeleteError {
        .journal("\(path) holds an entry whose id is \"\(SafeText.escaping(innerID))\", not its file name: a forged or damaged entry, refused (nothing changed)")
    }

    /// Chunks of this size are all a summary read holds of an entry at once.
    static let summaryChunkSize = 64 << 10

    /// What a listing shows of one entry, read in a single streaming pass (constant memory, whatever the entry's size).
    public func summary(_ id: String) async throws(DeleteError) -> JournalSummary {
        guard let path = Journal.path(id) else { throw .notFound("no journal entry \"\(SafeText.escaping(id))\"") }
        let scanner: JournalSummaryScanner
        do {
            scanner = try await driver.withRetries {
                // A fresh scanner per attempt: a retried read starts again from the first byte.
                var scanner = JournalSummaryScanner()
                try await driver.readChunks(path, chunkSize: Journal.summaryChunkSize) { chunk in scanner.feed(chunk) }
                return scanner
            }
        } catch {
            let e = DriverError(error)
            if e.isNotFound { throw .notFound("no journal entry \"\(SafeText.escaping(id))\"") }
            throw .journal("cannot read \(path): \(e)")
        }
        let summary: JournalSummary
        do {
            summary = try scanner.finish()
        } catch {
            throw .journal("\(path) is not a journal entry: \(error)")
        }
        guard summary.id == id else { throw Journal.forged(path, innerID: summary.id) }
        return summary
    }

    /// Every entry's summary, oldest first, without loading any entry whole. Unreadable and forged files are reported
    /// in `problems`, never skipped silently.
    public func summaries() async throws(DeleteError) -> (summaries: [JournalSummary], problems: [String]) {
        var out: [JournalSummary] = []
        var problems: [String] = []
        for id in try await entryIDs() {
            do {
                out.append(try await summary(id))
            } catch {
                problems.append(error.description)
            }
        }
        out.sort { ($0.created, $0.id) < ($1.created, $1.id) }
        return (out, problems)
    }

    private func entryIDs() async throws(DeleteError) -> [String] {
        let names: [DirectoryEntry]
        do {
            names = try await driver.withRetries { try await driver.list(Journal.directory) }
        } catch {
            let e = DriverError(error)
            if e.isNotFound { return [] }
            throw .journal("cannot list \(Journal.directory): \(e)")
        }
        return names.filter { $0.kind == .file && $0.name.hasSuffix(".json") && !$0.name.hasPrefix(".") }.map { String($0.name.dropLast(5)) }
    }

    /// Every entry, oldest first, each loaded whole. Unreadable files are reported in `problems`, never skipped silently.
    public func entries() async throws(DeleteError) -> (entries: [JournalEntry], problems: [String]) {
        var out: [JournalEntry] = []
        var problems: [String] = []
        for id in try await entryIDs() {
            do {
                out.append(try await entry(id))
            } catch {
                problems.append(error.description)
            }
        }
        out.sort { ($0.created, $0.id) < ($1.created, $1.id) }
        return (out, problems)
    }
}
