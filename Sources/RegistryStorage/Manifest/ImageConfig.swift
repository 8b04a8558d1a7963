import Foundation

/// What a person wants to know from an image config blob (Docker and OCI share these fields),
/// or from a schema1 manifest's first `v1Compatibility` entry.
public struct ImageConfig: Sendable, Equatable {
    public struct HistoryEntry: Sendable, Equatable {
        public var created: String?
        public var createdBy: String?
        public var comment: String?
        public var emptyLayer: Bool
    }

    public var created: String?
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var labels: [String: String]
    public var history: [HistoryEntry]
    public var diffIDs: [String]

    public static let maxSize = 4 * 1024 * 1024

    public static func parse(_ bytes: [UInt8]) -> Result<ImageConfig, ManifestParseError> {
        guard bytes.count <= maxSize else { return .failure(.tooLarge(bytes.count)) }
        switch JSONReadFailure.reading(bytes, { (document) throws(JSONDocument.TypeError) in try ImageConfig(document) }) {
        case .success(let config): return .success(config)
        case .failure(let e): return .failure(e.isTooDeep ? .nestedTooDeeply : .invalidJSON(e.message))
        }
    }

    /// The config a schema1 manifest's history describes (read when the manifest is parsed).
    public static func fromSchema1(_ details: Schema1Details) -> ImageConfig? { details.config }

    /// Schema1 keeps the config of each layer as a JSON string in `history[i].v1Compatibility`, top layer first.
    static func fromSchema1(history: [String], architecture: String) -> ImageConfig? {
        guard let top = history.first, case .success(var config) = parse(Array(top.utf8)) else { return nil }
        config.history = history.reversed().map { entry in
            // An entry that does not read is shown empty rather than dropped.
            let layer = try? JSONReadFailure.reading(Array(entry.utf8), { (document) throws(JSONDocument.TypeError) in try V1Layer(document) }).get()
            return HistoryEntry(
                created: layer?.created, createdBy: layer?.command?.joined(separator: " "),
                comment: layer?.comment, emptyLayer: layer?.throwaway ?? false)
        }
        if config.architecture == nil || config.architecture == "" { config.architecture = architecture }
        return config
    }

    /// Creation time as seconds since 1970, for sorting.
    public var createdDate: Date? {
        guard let created else { return nil }
        return ImageConfig.parseTimestamp(created)
    }

    package static func parseTimestamp(_ s: String) -> Date? {
        if let fast = parseRFC3339(s) { return fast }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        // Go writes nanoseconds; ISO8601DateFormatter takes at most milliseconds.
        if let dot = s.firstIndex(of: "."), let zone = s[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            return f.date(from: String(s[..<dot]) + String(s[zone...]))
        }
        return nil
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, what Go and every builder write, without a formatter: lists
    /// sort and show thousands of these per screen. Anything else goes to `ISO8601DateFormatter`.
    static func parseRFC3339(_ s: String) -> Date? {
        var utf8 = s.utf8[...]
        func number(_ n: Int) -> Int? {
            guard utf8.count >= n else { return nil }
            var v = 0
            for b in utf8.prefix(n) {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                v = v * 10 + Int(b - 0x30)
            }
            utf8 = utf8.dropFirst(n)
            return v
        }
        func expect(_ c: UInt8...) -> Bool {
            guard let b = utf8.first, c.contains(b) else { return false }
            utf8 = utf8.dropFirst()
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            expect(0x54, 0x74, 0x20), let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A),
            let second = number(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if utf8.first == 0x2E {
            utf8 = utf8.dropFirst()
            var scale = 0.1
            var digits = 0
            while let b = utf8.first, b >= 0x30 && b <= 0x39 {
                fraction += Double(b - 0x30) * scale
                scale /= 10
                digits += 1
                utf8 = utf8.dropFirst()
            }
            guard digits > 0 else { return nil }
        }
        var offset = 0
        if expect(0x5A, 0x7A) {
            offset = 0
        } else if let sign = utf8.first, sign == 0x2B || sign == 0x2D {
            utf8 = utf8.dropFirst()
            guard let oh = number(2), expect(0x3A), let om = number(2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (sign == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        guard utf8.isEmpty else { return nil }
        // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

// MARK: wire format

extension ImageConfig {
    /// Reads `created`, `architecture`, `os`, `variant`, `config.Labels` (null values dropped),
    /// `history[]` and `rootfs.diff_ids`; unknown fields are ignored and null reads as absent.
    init(_ d: JSONDocument) throws(JSONDocument.TypeError) {
        self.init(created: nil, architecture: nil, os: nil, variant: nil, labels: [:], history: [], diffIDs: [])
        try d.requireObject(d.root)
        for key in d.keys(d.root) {
            let value = key + 1
            if d.stringEquals(key, "created") {
                created = try d.optionalString(value)
            } else if d.stringEquals(key, "architecture") {
                architecture = try d.optionalString(value)
            } else if d.stringEquals(key, "os") {
                os = try d.optionalString(value)
            } else if d.stringEquals(key, "variant") {
                variant = try d.optionalString(value)
            } else if d.stringEquals(key, "config") {
                labels = [:]
                guard try d.isObject(orNull: value) else { continue }
                for inner in d.keys(value) where d.stringEquals(inner, "Labels") {
                    labels = [:]
                    guard try d.isObject(orNull: inner + 1) else { continue }
                    for label in d.keys(inner + 1) {
                        labels[d.string(label)] = try d.optionalString(label + 1)
                    }
                }
            } else if d.stringEquals(key, "history") {
                history = []
                guard try d.isArray(orNull: value) else { continue }
                history.reserveCapacity(d.count(value))
                for element in d.elements(value) {
                    try d.requireObject(element)
                    var entry = HistoryEntry(created: nil, createdBy: nil, comment: nil, emptyLayer: false)
                    for field in d.keys(element) {
                        if d.stringEquals(field, "created") {
                            entry.created = try d.optionalString(field + 1)
                        } else if d.stringEquals(field, "created_by") {
                            entry.createdBy = try d.optionalString(field + 1)
                        } else if d.stringEquals(field, "comment") {
                            entry.comment = try d.optionalString(field + 1)
                        } else if d.stringEquals(field, "empty_layer") {
                            entry.emptyLayer = try d.optionalBool(field + 1) ?? false
                        }
                    }
                    history.append(entry)
                }
            } else if d.stringEquals(key, "rootfs") {
                diffIDs = []
                guard try d.isObject(orNull: value) else { continue }
                for inner in d.keys(value) where d.stringEquals(inner, "diff_ids") {
                    diffIDs = try d.optionalStrings(inner + 1) ?? []
                }
            }
        }
    }
}

/// A schema1 `v1Compatibility` entry: the fields shown as layer history.
private struct V1Layer {
    var created: String?
    var comment: String?
    var throwaway: Bool?
    /// `container_config.Cmd`
    var command: [String]?

    init(_ d: JSONDocument) throws(JSONDocument.TypeError) {
        try d.requireObject(d.root)
        for key in d.keys(d.root) {
            let value = key + 1
            if d.stringEquals(key, "created") {
                created = try d.optionalString(value)
            } else if d.stringEquals(key, "comment") {
                comment = try d.optionalString(value)
            } else if d.stringEquals(key, "throwaway") {
                throwaway = try d.optionalBool(value)
            } else if d.stringEquals(key, "container_config") {
                command = nil
                guard try d.isObject(orNull: value) else { continue }
                for inner in d.keys(value) where d.stringEquals(inner, "Cmd") {
                    command = try d.optionalStrings(inner + 1)
                }
            }
        }
    }
}
