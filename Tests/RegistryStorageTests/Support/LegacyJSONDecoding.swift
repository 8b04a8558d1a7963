import Foundation
@testable import RegistryStorage

/// The `JSONDecoder` reading of manifests and configs that `JSONDocument` replaced, kept in the
/// tests only to compare the two on many documents.
enum LegacyJSONDecoding {
    static func parseManifest(_ bytes: [UInt8]) -> Result<Manifest, ManifestParseError> {
        guard bytes.count <= ManifestParser.maxManifestSize else { return .failure(.tooLarge(bytes.count)) }
        guard JSONShape.depth(of: bytes) <= JSONShape.maxDepth else { return .failure(.nestedTooDeeply) }
        let raw: RawManifest
        do {
            raw = try JSONDecoder().decode(RawManifest.self, from: Data(bytes))
        } catch {
            return .failure(.invalidJSON(String(describing: error)))
        }
        switch raw.schemaVersion {
        case 1:
            return parseSchema1(raw, bytes: bytes)
        case 2:
            let format: ManifestFormat
            switch raw.mediaType ?? "" {
            case MediaType.schema2: format = .schema2
            case MediaType.ociManifest: format = .ociManifest
            case MediaType.dockerManifestList: format = .dockerManifestList
            case MediaType.ociIndex: format = .ociIndex
            case "": format = raw.manifests != nil ? .ociIndex : .ociManifest
            case let other: return .failure(.unrecognizedMediaType(other))
            }
            return .success(
                Manifest(
                    format: format,
                    schemaVersion: raw.schemaVersion ?? 0,
                    declaredMediaType: raw.mediaType,
                    config: format.isIndex ? nil : raw.config?.descriptor,
                    layers: format.isIndex ? [] : (raw.layers ?? []).map(\.descriptor),
                    children: format.isIndex ? (raw.manifests ?? []).map(\.descriptor) : [],
                    subject: raw.subject?.descriptor,
                    artifactType: raw.artifactType,
                    annotations: raw.annotations ?? [:],
                    schema1: nil
                ))
        default:
            return .failure(.unknownSchemaVersion(raw.schemaVersion))
        }
    }

    private static func parseSchema1(_ whole: RawManifest, bytes: [UInt8]) -> Result<Manifest, ManifestParseError> {
        var raw = whole
        var signedPayload: [UInt8]?
        var signatureCount = 0
        if whole.signatureCount != nil {
            switch LibtrustJWS.parse(document: bytes) {
            case .success(let jws):
                signedPayload = jws.payload
                signatureCount = jws.signatures.count
                guard JSONShape.depth(of: jws.payload) <= JSONShape.maxDepth else { return .failure(.nestedTooDeeply) }
                do {
                    raw = try JSONDecoder().decode(RawManifest.self, from: Data(jws.payload))
                } catch {
                    return .failure(.invalidSchema1("signed payload is not valid JSON: \(error)"))
                }
            case .failure(let e):
                return .failure(.invalidSchema1("cannot read the signed payload: \(e)"))
            }
        }
        let details = Schema1Details(
            name: raw.name ?? "",
            tag: raw.tag ?? "",
            architecture: raw.architecture ?? "",
            fsLayers: (raw.fsLayers ?? []).map {
                Descriptor(mediaType: MediaType.schema1Layer, digestText: $0.blobSum ?? "", size: nil)
            },
            historyCount: raw.history?.count ?? 0,
            config: fromSchema1(history: (raw.history ?? []).map { $0.v1Compatibility ?? "" }, architecture: raw.architecture ?? ""),
            signatureCount: signatureCount,
            signedPayload: signedPayload
        )
        return .success(
            Manifest(
                format: signatureCount > 0 ? .schema1Signed : .schema1,
                schemaVersion: 1,
                declaredMediaType: raw.mediaType,
                config: nil, layers: [], children: [], subject: nil, artifactType: nil,
                annotations: [:],
                schema1: details
            ))
    }

    static func parseConfig(_ bytes: [UInt8]) -> Result<ImageConfig, ManifestParseError> {
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
                        ImageConfig.HistoryEntry(
                            created: $0.created, createdBy: $0.created_by, comment: $0.comment,
                            emptyLayer: $0.empty_layer ?? false)
                    },
                    diffIDs: raw.rootfs?.diff_ids ?? []
                ))
        } catch {
            return .failure(.invalidJSON(String(describing: error)))
        }
    }

    static func fromSchema1(history: [String], architecture: String) -> ImageConfig? {
        guard let top = history.first, case .success(var config) = parseConfig(Array(top.utf8)) else { return nil }
        config.history = history.reversed().map { entry in
            let layer = (try? JSONDecoder().decode(RawV1Layer.self, from: Data(entry.utf8)))
            return ImageConfig.HistoryEntry(
                created: layer?.created, createdBy: layer?.container_config?.Cmd?.joined(separator: " "),
                comment: layer?.comment, emptyLayer: layer?.throwaway ?? false)
        }
        if config.architecture == nil || config.architecture == "" { config.architecture = architecture }
        return config
    }

    // MARK: the old wire format

    struct RawDescriptor: Decodable {
        var mediaType: String?
        var digest: String?
        var size: Int64?
        var urls: [String]?
        var annotations: [String: String]?
        var platform: Platform?
        var artifactType: String?

        var descriptor: Descriptor {
            Descriptor(
                mediaType: mediaType, digestText: digest ?? "", size: size, urls: urls ?? [], annotations: annotations ?? [:],
                platform: platform, artifactType: artifactType)
        }
    }

    struct IgnoredJSON: Decodable {
        init(from decoder: Decoder) throws {}
    }

    struct RawManifest: Decodable {
        struct FSLayer: Decodable { var blobSum: String? }
        struct History: Decodable { var v1Compatibility: String? }

        var schemaVersion: Int?
        var mediaType: String?
        var config: RawDescriptor?
        var layers: [RawDescriptor]?
        var manifests: [RawDescriptor]?
        var subject: RawDescriptor?
        var artifactType: String?
        var annotations: [String: String]?
        var name: String?
        var tag: String?
        var architecture: String?
        var fsLayers: [FSLayer]?
        var history: [History]?
        var signatureCount: Int?

        enum CodingKeys: String, CodingKey {
            case schemaVersion, mediaType, config, layers, manifests, subject, artifactType, annotations
            case name, tag, architecture, fsLayers, history, signatures
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion)
            mediaType = try c.decodeIfPresent(String.self, forKey: .mediaType)
            config = try c.decodeIfPresent(RawDescriptor.self, forKey: .config)
            layers = try c.decodeIfPresent([RawDescriptor].self, forKey: .layers)
            manifests = try c.decodeIfPresent([RawDescriptor].self, forKey: .manifests)
            subject = try c.decodeIfPresent(RawDescriptor.self, forKey: .subject)
            artifactType = try c.decodeIfPresent(String.self, forKey: .artifactType)
            annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            tag = try c.decodeIfPresent(String.self, forKey: .tag)
            architecture = try c.decodeIfPresent(String.self, forKey: .architecture)
            fsLayers = try c.decodeIfPresent([FSLayer].self, forKey: .fsLayers)
            history = try c.decodeIfPresent([History].self, forKey: .history)
            signatureCount = try c.decodeIfPresent([IgnoredJSON].self, forKey: .signatures)?.count
        }
    }

    // swiftlint:disable identifier_name
    struct RawConfig: Decodable {
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

    struct RawV1Layer: Decodable {
        struct ContainerConfig: Decodable { var Cmd: [String]? }
        var created: String?
        var comment: String?
        var throwaway: Bool?
        var container_config: ContainerConfig?
    }
    // swiftlint:enable identifier_name
}
