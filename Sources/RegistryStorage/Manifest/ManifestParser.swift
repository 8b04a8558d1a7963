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

/// Structural limits for manifest and config JSON: hostile input must not exhaust the stack.
public enum JSONShape {
    /// The deepest nesting of objects and arrays accepted; `JSONDocument.parse` enforces it while parsing.
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

/// Recognises and parses stored manifest bytes the way registry 2.8.2 does when reading a revision
/// (storage-format §3.2).
public enum ManifestParser {
    public static let maxManifestSize = 4 * 1024 * 1024

    public static func parse(_ bytes: [UInt8]) -> Result<Manifest, ManifestParseError> {
        guard bytes.count <= maxManifestSize else { return .failure(.tooLarge(bytes.count)) }
        let raw: RawManifest
        switch RawManifest.read(bytes) {
        case .success(let r): raw = r
        case .failure(let e): return .failure(e.isTooDeep ? .nestedTooDeeply : .invalidJSON(e.message))
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

    /// The descriptors of `m` that declare a negative `size`, each named by its field (`layers[1]`) with what it
    /// declares. No blob has a negative size, but the manifest is not rejected for it: Go's JSON reads any int64, so
    /// registry 2.8.2 accepts, stores and serves such a manifest, and its collector marks the references as usual. The
    /// loader reports these beside the manifest (`Problem.Code.manifestInvalidSize`); sizes are summed from
    /// `Descriptor.validSize`.
    public static func negativeSizes(in m: Manifest) -> [String] {
        var out: [String] = []
        func check(_ d: Descriptor, _ field: String) {
            guard let size = d.size, size < 0 else { return }
            let what = d.digest?.description ?? "\"\(SafeText.escaping(d.digestText))\""
            out.append("\(field) (\(what)) declares a negative size \(size)")
        }
        if let config = m.config { check(config, "config") }
        for (i, layer) in m.layers.enumerated() { check(layer, "layers[\(i)]") }
        for (i, child) in m.children.enumerated() { check(child, "manifests[\(i)]") }
        if let subject = m.subject { check(subject, "subject") }
        return out
    }

    private static func build(_ raw: RawManifest, format: ManifestFormat) -> Manifest {
        Manifest(
            format: format,
            schemaVersion: raw.schemaVersion ?? 0,
            declaredMediaType: raw.mediaType,
            config: format.isIndex ? nil : raw.config,
            layers: format.isIndex ? [] : raw.layers ?? [],
            children: format.isIndex ? raw.manifests ?? [] : [],
            subject: raw.subject,
            artifactType: raw.artifactType,
            annotations: raw.annotations ?? CompactStringMap(),
            schema1: nil
        )
    }

    private static func parseSchema1(_ whole: RawManifest, bytes: [UInt8]) -> Result<Manifest, ManifestParseError> {
        var raw = whole
        var signedPayload: [UInt8]?
        var signatureCount = 0
        if whole.signatureCount != nil {
            // A signed document: every field must come from the signed payload (storage-format §4.3).
            switch LibtrustJWS.parse(document: bytes) {
            case .success(let jws):
                signedPayload = jws.payload
                signatureCount = jws.signatures.count
                switch RawManifest.read(jws.payload) {
                case .success(let r): raw = r
                case .failure(let e):
                    if e.isTooDeep { return .failure(.nestedTooDeeply) }
                    return .failure(.invalidSchema1("signed payload is not valid JSON: \(e.message)"))
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
                Descriptor(mediaType: MediaType.schema1Layer, digestText: $0 ?? "", size: nil)
            },
            historyCount: raw.history?.count ?? 0,
            config: ImageConfig.fromSchema1(history: (raw.history ?? []).map { $0 ?? "" }, architecture: raw.architecture ?? ""),
            signatureCount: signatureCount,
            signedPayload: signedPayload
        )
        return .success(
            Manifest(
                format: signatureCount > 0 ? .schema1Signed : .schema1,
                schemaVersion: 1,
                declaredMediaType: raw.mediaType,
                config: nil, layers: [], children: [], subject: nil, artifactType: nil,
                annotations: CompactStringMap(),
                schema1: details
            ))
    }
}

// MARK: wire format

/// Why a manifest or config document could not be read: bad JSON, or a field of the wrong type.
struct JSONReadFailure: Error {
    var message: String
    var isTooDeep = false

    /// Parses `bytes` and hands the document to `read`; failures become safe, user-facing text.
    static func reading<T>(_ bytes: [UInt8], _ read: (JSONDocument) throws(JSONDocument.TypeError) -> T) -> Result<T, JSONReadFailure> {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(bytes)
        } catch {
            return .failure(JSONReadFailure(message: error.description, isTooDeep: error.isTooDeep))
        }
        do {
            return .success(try read(document))
        } catch {
            return .failure(JSONReadFailure(message: SafeText.escaping(document.describe(error))))
        }
    }
}

extension JSONDocument {
    /// The media types most descriptors and manifests carry.
    static let commonMediaTypes = KnownStrings([
        MediaType.dockerLayer, "application/vnd.oci.image.layer.v1.tar+gzip", MediaType.dockerConfig, MediaType.ociConfig,
        MediaType.schema2, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.ociIndex,
        "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+zstd", MediaType.ociEmpty,
        MediaType.dockerForeignLayer,
    ])

    /// A string from the common media types when it is one of them.
    func mediaType(_ i: Int) throws(TypeError) -> String? {
        kind(i) == .string ? string(i, preferring: JSONDocument.commonMediaTypes) : try optionalString(i)
    }

    /// A descriptor object (`config`, `layers[]`, `manifests[]`, `subject`).
    func descriptor(_ i: Int) throws(TypeError) -> Descriptor {
        try requireObject(i)
        var mediaType: String?, digest: Digest?, digestText: String?, size: Int64?, urls: [String]?, annotations: CompactStringMap?
        var platform: Platform?, artifactType: String?
        for key in keys(i) {
            let value = key + 1
            if stringEquals(key, "mediaType") {
                mediaType = try self.mediaType(value)
            } else if stringEquals(key, "digest") {
                // Nearly every digest is `sha256:` and 64 hex digits: read from the bytes, no string built for it.
                if let canonical = sha256Digest(value) {
                    (digest, digestText) = (canonical, nil)
                } else {
                    (digest, digestText) = Descriptor.digest(written: try optionalString(value) ?? "")
                }
            } else if stringEquals(key, "size") {
                size = try optionalInt64(value)
            } else if stringEquals(key, "urls") {
                urls = try optionalStrings(value)
            } else if stringEquals(key, "annotations") {
                annotations = try optionalCompactStringMap(value)
            } else if stringEquals(key, "platform") {
                platform = try self.platform(value)
            } else if stringEquals(key, "artifactType") {
                artifactType = try optionalString(value)
            }
        }
        // No `digest` member at all reads as the empty text, which is no digest.
        if digest == nil, digestText == nil { digestText = "" }
        return Descriptor(
            mediaType: mediaType, digest: digest, writtenDigest: digestText, size: size, urls: urls ?? [],
            annotations: annotations ?? CompactStringMap(), platform: platform, artifactType: artifactType)
    }

    /// String node `i` as a sha256 digest when it reads exactly `sha256:<64 lowercase hex>` without escapes.
    func sha256Digest(_ i: Int) -> Digest? {
        let node = nodes[i]
        guard kind(i) == .string, node.flags == 0 else { return nil }
        let start = Int(node.start), end = Int(node.end)
        return bytes.withUnsafeBufferPointer { Digest.parseSHA256(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// `platform` with the keys of `Platform.CodingKeys`.
    func platform(_ i: Int) throws(TypeError) -> Platform? {
        guard try isObject(orNull: i) else { return nil }
        var p = Platform()
        for key in keys(i) {
            let value = key + 1
            if stringEquals(key, "architecture") {
                p.architecture = try optionalString(value)
            } else if stringEquals(key, "os") {
                p.os = try optionalString(value)
            } else if stringEquals(key, "os.version") {
                p.osVersion = try optionalString(value)
            } else if stringEquals(key, "os.features") {
                p.osFeatures = try optionalStrings(value)
            } else if stringEquals(key, "variant") {
                p.variant = try optionalString(value)
            } else if stringEquals(key, "features") {
                p.features = try optionalStrings(value)
            }
        }
        return p
    }

    /// An object of string values kept in one buffer (`annotations`), or nil for null.
    func optionalCompactStringMap(_ i: Int) throws(TypeError) -> CompactStringMap? {
        try optionalStringMap(i).map(CompactStringMap.init)
    }

    func optionalDescriptor(_ i: Int) throws(TypeError) -> Descriptor? {
        kind(i) == .null ? nil : try descriptor(i)
    }

    func optionalDescriptors(_ i: Int) throws(TypeError) -> [Descriptor]? {
        guard try isArray(orNull: i) else { return nil }
        var out = [Descriptor]()
        out.reserveCapacity(count(i))
        for element in elements(i) { out.append(try descriptor(element)) }
        return out
    }

    /// An array of objects from each of which one optional string field is taken (`fsLayers[].blobSum`).
    func optionalFieldOfEach(_ i: Int, _ field: StaticString) throws(TypeError) -> [String?]? {
        guard try isArray(orNull: i) else { return nil }
        var out = [String?]()
        out.reserveCapacity(count(i))
        for element in elements(i) {
            try requireObject(element)
            var text: String?
            for key in keys(element) where stringEquals(key, field) { text = try optionalString(key + 1) }
            out.append(text)
        }
        return out
    }
}

/// The manifest fields any format uses; unknown fields are ignored, null reads as absent, and of
/// duplicate keys the last wins (as in Go).
struct RawManifest {
    var schemaVersion: Int?
    var mediaType: String?
    var config: Descriptor?
    var layers: [Descriptor]?
    var manifests: [Descriptor]?
    var subject: Descriptor?
    var artifactType: String?
    var annotations: CompactStringMap?
    var name: String?
    var tag: String?
    var architecture: String?
    /// `fsLayers[].blobSum`
    var fsLayers: [String?]?
    /// `history[].v1Compatibility`
    var history: [String?]?
    /// nil when there is no `signatures` key (or it is null).
    var signatureCount: Int?

    static func read(_ bytes: [UInt8]) -> Result<RawManifest, JSONReadFailure> {
        JSONReadFailure.reading(bytes) { (document) throws(JSONDocument.TypeError) in try RawManifest(document) }
    }

    init(_ d: JSONDocument) throws(JSONDocument.TypeError) {
        try d.requireObject(d.root)
        for key in d.keys(d.root) {
            let value = key + 1
            if d.stringEquals(key, "schemaVersion") {
                schemaVersion = try d.optionalInt(value)
            } else if d.stringEquals(key, "mediaType") {
                mediaType = try d.mediaType(value)
            } else if d.stringEquals(key, "config") {
                config = try d.optionalDescriptor(value)
            } else if d.stringEquals(key, "layers") {
                layers = try d.optionalDescriptors(value)
            } else if d.stringEquals(key, "manifests") {
                manifests = try d.optionalDescriptors(value)
            } else if d.stringEquals(key, "subject") {
                subject = try d.optionalDescriptor(value)
            } else if d.stringEquals(key, "artifactType") {
                artifactType = try d.optionalString(value)
            } else if d.stringEquals(key, "annotations") {
                annotations = try d.optionalCompactStringMap(value)
            } else if d.stringEquals(key, "name") {
                name = try d.optionalString(value)
            } else if d.stringEquals(key, "tag") {
                tag = try d.optionalString(value)
            } else if d.stringEquals(key, "architecture") {
                architecture = try d.optionalString(value)
            } else if d.stringEquals(key, "fsLayers") {
                fsLayers = try d.optionalFieldOfEach(value, "blobSum")
            } else if d.stringEquals(key, "history") {
                history = try d.optionalFieldOfEach(value, "v1Compatibility")
            } else if d.stringEquals(key, "signatures") {
                signatureCount = try d.isArray(orNull: value) ? d.count(value) : nil
            }
        }
    }
}
