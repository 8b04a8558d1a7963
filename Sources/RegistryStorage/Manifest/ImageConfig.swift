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
        guard JSONShape.depth(of: bytes) <= JSONShape.maxDepth else { return .failure(.nestedTooDeeply) }
        do {
            let raw = try JSONDecoder().decode(RawConfig.self, from: Data(bytes))
            return .success(
                ImageConfig(
                    created: raw.created,
                    architecture: raw.architecture,
                    os: raw.os,
                    variant: raw.variant,
                    labels: (raw.config?.Labels ?? [:]).compactMapValues { $0 },
                    history: (raw.history ?? []).map {
                        HistoryEntry(
                            created: $0.created, createdBy: $0.created_by, comment: $0.comment,
                            emptyLayer: $0.empty_layer ?? false)
                    },
                    diffIDs: raw.rootfs?.diff_ids ?? []
                ))
        } catch {
            return .failure(.invalidJSON(ManifestParser.describe(error)))
        }
    }

    /// Schema1 keeps the config of each layer as a JSON string in `history[i].v1Compatibility`, top layer first.
    public static func fromSchema1(_ details: Schema1Details) -> ImageConfig? {
        guard let top = details.history.first, case .success(var config) = parse(Array(top.utf8)) else { return nil }
        config.history = details.history.reversed().map { entry in
            let layer = (try? JSONDecoder().decode(RawV1Layer.self, from: Data(entry.utf8)))
            return HistoryEntry(
                created: layer?.created, createdBy: layer?.container_config?.Cmd?.joined(separator: " "),
                comment: layer?.comment, emptyLayer: layer?.throwaway ?? false)
        }
        if config.architecture == nil || config.architecture == "" { config.architecture = details.architecture }
        return config
    }

    /// Creation time as seconds since 1970, for sorting.
    public var createdDate: Date? {
        guard let created else { return nil }
        return ImageConfig.parseTimestamp(created)
    }

    static func parseTimestamp(_ s: String) -> Date? {
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
}

// swiftlint:disable identifier_name
private struct RawConfig: Decodable {
    struct Inner: Decodable { var Labels: [String: String?]? }
    struct History: Decodable {
        var created: String?
        var created_by: String?
        var comment: String?
        var empty_layer: Bool?
    }
    struct RootFS: Decodable { var diff_ids: [String]? }
    var created: String?
    var architecture: String?
    var os: String?
    var variant: String?
    var config: Inner?
    var history: [History]?
    var rootfs: RootFS?
}

private struct RawV1Layer: Decodable {
    struct ContainerConfig: Decodable { var Cmd: [String]? }
    var created: String?
    var comment: String?
    var throwaway: Bool?
    var container_config: ContainerConfig?
}
