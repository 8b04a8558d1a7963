import Foundation

public enum ManifestParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(Int)
    case nestedTooDeeply
    case invalidJSON(String)
    case unknownSchemaVersion(Int?)
    case unrecognizedMediaType(String)
    case invalidSchema1(String)

    public var description: String {
        switch self {
        case .tooLarge(let n): "manifest is \(n) bytes, over the registry's 4 MiB limit"
        case .nestedTooDeeply: "JSON is nested more than \(JSONShape.maxDepth) levels deep"
        case .invalidJSON(let why): "not valid manifest JSON: \(why)"
        case .unknownSchemaVersion(let v): "unrecognized manifest schema version \(v.map(String.init) ?? "(missing)")"
        case .unrecognizedMediaType(let t): "unrecognized manifest content type \"\(SafeText.escaping(t))\""
        case .invalidSchema1(let why): "invalid schema1 manifest: \(why)"
        }
    }
}

/// Cheap structural checks before handing bytes to a JSON decoder: hostile input must not exhaust the stack.
public enum JSONShape {
    public static let maxDepth = 64

    /// Nesting depth of objects and arrays outside strings; stops counting once past `limit`.
    public static func depth(of bytes: [UInt8], limit: Int = maxDepth) -> Int {
        var depth = 0, deepest = 0
        var inString = false, escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x7B, 0x5B:
                depth += 1
                if depth > deepest {
                    deepest = depth
                    if deepest > limit { return deepest }
                }
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
        }
        return deepest
    }
}

/// Recognises and parses stored manifest bytes the way registry 2.8.2 does when reading a revision (§3.2).
public enum ManifestParser {
    public static let maxManifestSize = 4 * 1024 * 1024

    public static func parse(_ bytes: [UInt8]) -> Result<Manifest, ManifestParseError> {
        guard bytes.count <= maxManifestSize else { return .failure(.tooLarge(bytes.count)) }
        guard JSONShape.depth(of: bytes) <= JSONShape.maxDepth else { return .failure(.nestedTooDeeply) }
        let raw: RawManifest
        do {
            raw = try JSONDecoder().decode(RawManifest.self, from: Data(bytes))
        } catch {
            return .failure(.invalidJSON(describe(error)))
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
            // No media type: an OCI index when a non-null `manifests` is present, else an OCI image manifest.
            case "": format = raw.manifests != nil ? .ociIndex : .ociManifest
            case let other: return .failure(.unrecognizedMediaType(other))
            }
            return .success(build(raw, format: format))
        default:
            return .failure(.unknownSchemaVersion(raw.schemaVersion))
        }
    }

    private static func build(_ raw: RawManifest, format: ManifestFormat) -> Manifest {
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
        )
    }

    private static func parseSchema1(_ whole: RawManifest, bytes: [UInt8]) -> Result<Manifest, ManifestParseError> {
        var raw = whole
        var payload = bytes
        var signatureCount = 0
        if whole.signatureCount != nil {
            // A signed document: every field must come from the signed payload (§4.3).
            switch LibtrustJWS.parse(document: bytes) {
            case .success(let jws):
                payload = jws.payload
                signatureCount = jws.signatures.count
                guard JSONShape.depth(of: payload) <= JSONShape.maxDepth else { return .failure(.nestedTooDeeply) }
                do {
                    raw = try JSONDecoder().decode(RawManifest.self, from: Data(payload))
                } catch {
                    return .failure(.invalidSchema1("signed payload is not valid JSON: \(describe(error))"))
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
            history: (raw.history ?? []).map { $0.v1Compatibility ?? "" },
            signatureCount: signatureCount,
            payload: payload
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

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
            DecodingError.keyNotFound(_, let ctx), DecodingError.dataCorrupted(let ctx):
            let path = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return SafeText.escaping(path.isEmpty ? ctx.debugDescription : "\(path): \(ctx.debugDescription)")
        default:
            return SafeText.escaping(String(describing: error))
        }
    }
}

// MARK: wire format

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

/// Decodes any JSON value and keeps nothing (used to count `signatures` entries).
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
    /// nil when there is no `signatures` key.
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
