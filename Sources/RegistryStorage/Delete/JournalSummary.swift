import Foundation

/// What `drydock undo --list` shows of a journal entry. Read in one streaming pass over the entry's file that keeps
/// only these fields: an entry of hundreds of megabytes (a delete of a repository with very many links) lists in
/// constant memory, where decoding it whole would hold the file and every decoded link at once.
public struct JournalSummary: Sendable, Equatable {
    public var id: String
    public var created: Date
    public var operation: JournalEntry.Operation
    /// The first `JournalSummary.maxTargets` targets; `targetCount` counts them all.
    public var targets: [String]
    public var targetCount: Int
    public var linkCount: Int
    public var blobCount: Int
    public var completed: Bool
    public var undone: Date?

    public var isUndone: Bool { undone != nil }

    /// Targets kept for the listing; a listing line names a few, never thousands.
    public static let maxTargets = 20
}

/// A push parser over a journal entry's JSON, fed chunk by chunk. It tracks nesting and keeps the top-level scalar
/// fields, the first targets, and the element counts of `links`, `blobs` and `targets`; everything else (the links'
/// contents, removed paths) passes through without being stored.
struct JournalSummaryScanner {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Longest string kept (a key, an id, a date, one target); longer targets are listed as too long, longer
    /// scalar fields make the entry malformed.
    static let maxCapturedString = 4096
    private static let maxDepth = 64
    /// The top-level string fields a listing shows.
    private static let listedFields: Set<String> = ["id", "created", "operation", "undone"]

    private var containers: [UInt8] = []
    private var expectKey = false
    private var rootClosed = false
    private var key: String?
    private var seenKeys: Set<String> = []

    private var inString = false
    private var escaped = false
    private var stringIsKey = false
    private var capture: [UInt8]?
    private var captureOverflowed = false
    private var literal: [UInt8] = []
    private var inLiteral = false

    private var strings: [String: String] = [:]
    private var completed: Bool?
    private var targets: [String] = []
    private var counts: [String: Int] = [:]

    /// The first thing found wrong; later bytes are ignored. Kept rather than thrown: drivers rewrap what a chunk
    /// handler throws as an I/O error, which would hide the reason.
    private var failure: Malformed?
    /// Bytes fed before the current chunk, so a failure names the byte where it was found.
    private var fed = 0

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        var i = 0
        do {
            while i < bytes.count {
                if inString && capture == nil && !escaped {
                    // The body of a string nobody keeps (most of a large entry: the links' fields), skipped in a
                    // tight loop up to the next quote or backslash.
                    while i < bytes.count && bytes[i] != 0x22 && bytes[i] != 0x5C { i += 1 }
                    if i == bytes.count { break }
                }
                try consume(bytes[i])
                i += 1
            }
        } catch {
            failure = Malformed(description: "\(error.description) (at byte \(fed + i))")
        }
        fed += bytes.count
    }

    private mutating func consume(_ b: UInt8) throws(Malformed) {
        if inString {
            if escaped {
                escaped = false
            } else if b == 0x5C {
                escaped = true
            } else if b == 0x22 {
                inString = false
                try endString()
                return
            }
            if capture != nil {
                if capture!.count < Self.maxCapturedString { capture!.append(b) } else { captureOverflowed = true }
            }
            return
        }
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D:
            try endLiteral()
        case 0x22:
            try endLiteral()
            guard !rootClosed, let top = containers.last else { throw Malformed(description: "text outside the entry object") }
            stringIsKey = top == 0x7B && expectKey
            if !stringIsKey { countValue() }
            inString = true
            captureOverflowed = false
            // Keep top-level keys, the fields listed and the targets; everything else is only skipped over.
            let keep = containers.count == 1
                ? stringIsKey || key.map(Self.listedFields.contains) == true
                : containers.count == 2 && key == "targets"
            capture = keep ? [] : nil
        case 0x7B, 0x5B:
            try endLiteral()
            guard !rootClosed else { throw Malformed(description: "text outside the entry object") }
            guard containers.count < Self.maxDepth else { throw Malformed(description: "nested more than \(Self.maxDepth) levels deep") }
            if containers.isEmpty {
                guard b == 0x7B else { throw Malformed(description: "not a JSON object") }
            } else {
                countValue()
            }
            containers.append(b)
            expectKey = b == 0x7B
        case 0x7D, 0x5D:
            try endLiteral()
            guard let top = containers.popLast(), top == (b == 0x7D ? 0x7B : 0x5B) else {
                throw Malformed(description: "unbalanced brackets")
            }
            expectKey = false
            if containers.isEmpty { rootClosed = true }
        case 0x3A:
            try endLiteral()
            expectKey = false
        case 0x2C:
            try endLiteral()
            expectKey = containers.last == 0x7B
        default:
            guard !rootClosed, !containers.isEmpty else { throw Malformed(description: "text outside the entry object") }
            if !inLiteral {
                inLiteral = true
                literal.removeAll(keepingCapacity: true)
                countValue()
            }
            if containers.count == 1 && literal.count < 32 { literal.append(b) }
        }
    }

    /// A value starts: one more element of the top-level array it sits in.
    private mutating func countValue() {
        if containers.count == 2, containers[1] == 0x5B, let key { counts[key, default: 0] += 1 }
    }

    private mutating func endString() throws(Malformed) {
        defer { capture = nil }
        guard let raw = capture else { return }
        if captureOverflowed {
            if stringIsKey || containers.count == 1 { throw Malformed(description: "a field longer than \(Self.maxCapturedString) bytes") }
            if targets.count < JournalSummary.maxTargets { targets.append("(a target too long to show)") }
            return
        }
        let text = try Self.decodeString(raw)
        if stringIsKey {
            if containers.count == 1 {
                guard seenKeys.insert(text).inserted else { throw Malformed(description: "the field \"\(SafeText.escaping(text))\" appears twice") }
                key = text
            }
        } else if containers.count == 1, let key {
            strings[key] = text
        } else if targets.count < JournalSummary.maxTargets {
            targets.append(text)
        }
    }

    private mutating func endLiteral() throws(Malformed) {
        guard inLiteral else { return }
        inLiteral = false
        guard containers.count == 1, let key else { return }
        let word = String(decoding: literal, as: UTF8.self)
        switch key {
        case "completed":
            guard word == "true" || word == "false" else { throw Malformed(description: "completed is not true or false") }
            completed = word == "true"
        case "undone":
            guard word == "null" else { throw Malformed(description: "undone is not a date") }
        default:
            break
        }
    }

    private static func decodeString(_ raw: [UInt8]) throws(Malformed) -> String {
        do {
            return try JSONDecoder().decode(String.self, from: Data([0x22] + raw + [0x22]))
        } catch {
            throw Malformed(description: "a string that is not valid JSON")
        }
    }

    /// The summary, once the whole file has been fed.
    func finish() throws(Malformed) -> JournalSummary {
        if let failure { throw failure }
        guard rootClosed, !inString else { throw Malformed(description: "the entry object is cut short") }
        func field(_ name: String) throws(Malformed) -> String {
            guard let value = strings[name] else { throw Malformed(description: "no \(name)") }
            return value
        }
        let dates = ISO8601DateFormatter()
        let createdText = try field("created")
        guard let created = dates.date(from: createdText) else { throw Malformed(description: "created is not a date") }
        var undone: Date?
        if let undoneText = strings["undone"] {
            guard let date = dates.date(from: undoneText) else { throw Malformed(description: "undone is not a date") }
            undone = date
        }
        let operationText = try field("operation")
        guard let operation = JournalEntry.Operation(rawValue: operationText) else {
            throw Malformed(description: "unknown operation \"\(SafeText.escaping(operationText))\"")
        }
        for array in ["targets", "links", "blobs"] where !seenKeys.contains(array) { throw Malformed(description: "no \(array)") }
        guard let completed else { throw Malformed(description: "no completed") }
        return JournalSummary(
            id: try field("id"), created: created, operation: operation, targets: targets,
            targetCount: counts["targets"] ?? 0, linkCount: counts["links"] ?? 0, blobCount: counts["blobs"] ?? 0,
            completed: completed, undone: undone)
    }
}
