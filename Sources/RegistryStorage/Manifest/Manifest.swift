public struct Platform: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var architecture: String?
    public var os: String?
    public var osVersion: String?
    public var osFeatures: [String]?
    public var variant: String?
    public var features: [String]?

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant, features
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    public init(architecture: String? = nil, os: String? = nil, variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }

    /// `linux/arm64/v8`
    public var description: String {
        [os ?? "?", architecture ?? "?"].joined(separator: "/") + (variant.map { "/\($0)" } ?? "")
    }
}

/// A reference from a manifest to a blob or another manifest.
public struct Descriptor: Sendable, Equatable, Hashable {
    public var mediaType: String?
    /// The digest as written; `digest` is nil when it does not satisfy the registry's digest grammar.
    public var digestText: String { extras?.writtenDigest ?? digest?.description ?? "" }
    public var digest: Digest?
    /// `digest` when `digestText` is its own spelling (writers can then write it from its bytes), else nil.
    public var canonicalDigest: Digest? { extras?.writtenDigest == nil ? digest : nil }
    public var size: Int64?
    /// `size` when it can be a blob's size: nil when absent or negative. Go reads a negative `size` into its int64, so
    /// registry 2.8.2 stores and serves such a manifest (`ManifestParser.negativeSizes`); sums of bytes take the
    /// stored size instead.
    public var validSize: Int64? {
        guard let size, size >= 0 else { return nil }
        return size
    }
    /// Fields most descriptors lack, boxed: a store holds hundreds of thousands of descriptors and one manifest can
    /// hold tens of thousands, so the common one stays a media type, a digest and a size.
    private var extras: Extras?

    public var urls: [String] {
        get { extras?.urls ?? [] }
        set { updateExtras { $0.urls = newValue } }
    }
    public var annotations: [String: String] {
        get { extras?.annotations.dictionary ?? [:] }
        set { updateExtras { $0.annotations = CompactStringMap(newValue) } }
    }
    public var platform: Platform? {
        get { extras?.platform }
        set { updateExtras { $0.platform = newValue } }
    }
    public var artifactType: String? {
        get { extras?.artifactType }
        set { updateExtras { $0.artifactType = newValue } }
    }

    /// One annotation, without building the whole dictionary.
    public func annotation(_ key: String) -> String? { extras?.annotations[key] }

    public init(
        mediaType: String?, digestText: String, size: Int64?, urls: [String] = [], annotations: [String: String] = [:],
        platform: Platform? = nil, artifactType: String? = nil
    ) {
        self.init(mediaType: mediaType, digestText: digestText, size: size, urls: urls, annotations: CompactStringMap(annotations),
                  platform: platform, artifactType: artifactType)
    }

    init(
        mediaType: String?, digestText: String, size: Int64?, urls: [String], annotations: CompactStringMap,
        platform: Platform?, artifactType: String?
    ) {
        let (digest, written) = Descriptor.digest(written: digestText)
        self.init(mediaType: mediaType, digest: digest, writtenDigest: written, size: size, urls: urls, annotations: annotations,
                  platform: platform, artifactType: artifactType)
    }

    /// A digest as written: the digest when the text satisfies the grammar, and the text itself only when it is not
    /// the digest's own spelling.
    static func digest(written text: String) -> (digest: Digest?, written: String?) {
        let digest = Digest(text)
        return (digest, digest?.description == text ? nil : text)
    }

    /// `writtenDigest` is the text as written when it is not `digest`'s own spelling (nil when it is).
    init(
        mediaType: String?, digest: Digest?, writtenDigest written: String?, size: Int64?, urls: [String],
        annotations: CompactStringMap, platform: Platform?, artifactType: String?
    ) {
        // Parsed media types already share the constants (`JSONDocument.commonMediaTypes`).
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        let fields = Extras.Fields(writtenDigest: written, urls: urls, annotations: annotations, platform: platform, artifactType: artifactType)
        // Boxed only when there is something to box: most descriptors have no extras.
        self.extras = fields.isEmpty ? nil : Extras(fields)
    }

    private mutating func updateExtras(_ change: (inout Extras.Fields) -> Void) {
        var fields = extras?.fields ?? Extras.Fields()
        change(&fields)
        extras = fields.isEmpty ? nil : Extras(fields)
    }

    /// Immutable, so descriptors can share one box; a change makes a new one.
    private final class Extras: Sendable, Hashable {
        struct Fields: Sendable, Hashable {
            var writtenDigest: String?
            var urls: [String] = []
            var annotations = CompactStringMap()
            var platform: Platform?
            var artifactType: String?

            var isEmpty: Bool {
                writtenDigest == nil && urls.isEmpty && annotations.isEmpty && platform == nil && artifactType == nil
            }
        }

        let fields: Fields
        var writtenDigest: String? { fields.writtenDigest }
        var urls: [String] { fields.urls }
        var annotations: CompactStringMap { fields.annotations }
        var platform: Platform? { fields.platform }
        var artifactType: String? { fields.artifactType }

        init(_ fields: Fields) { self.fields = fields }

        convenience init(writtenDigest: String?, urls: [String], annotations: CompactStringMap, platform: Platform?, artifactType: String?) {
            self.init(Fields(writtenDigest: writtenDigest, urls: urls, annotations: annotations, platform: platform, artifactType: artifactType))
        }

        static func == (a: Extras, b: Extras) -> Bool { a === b || a.fields == b.fields }
        func hash(into hasher: inout Hasher) { hasher.combine(fields) }
    }
}

/// String pairs in one buffer, sorted by key, a key at most once. A manifest may carry megabytes of annotations, and a
/// `[String: String]` of them costs about three times their text (a heap string per key and per value, and the table).
public struct CompactStringMap: Sendable, Hashable {
    /// Keys and values back to back.
    private var text: [UInt8] = []
    /// `ends[2k]` is where key k ends in `text`, `ends[2k + 1]` where its value ends.
    private var ends: [UInt32] = []

    public init() {}

    public init(_ dictionary: [String: String]) {
        self.init(pairs: dictionary.sorted { $0.key < $1.key })
    }

    /// Pairs sorted by key, each key once.
    private init(pairs: [(key: String, value: String)]) {
        text.reserveCapacity(pairs.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count })
        ends.reserveCapacity(pairs.count * 2)
        for (key, value) in pairs {
            text += key.utf8
            ends.append(UInt32(text.count))
            text += value.utf8
            ends.append(UInt32(text.count))
        }
    }

    public var count: Int { ends.count / 2 }
    public var isEmpty: Bool { ends.isEmpty }

    private func piece(_ i: Int) -> String {
        let start = i == 0 ? 0 : Int(ends[i - 1])
        return String(decoding: text[start..<Int(ends[i])], as: UTF8.self)
    }

    public var dictionary: [String: String] {
        var out = [String: String](minimumCapacity: count)
        for k in 0..<count { out[piece(2 * k)] = piece(2 * k + 1) }
        return out
    }

    /// The value for `key` (a binary search over the sorted keys).
    public subscript(key: String) -> String? {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            let candidate = piece(2 * mid)
            if candidate == key { return piece(2 * mid + 1) }
            if candidate < key { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

/// Fields of a schema1 manifest, read from the signed payload (never from the whole signed document,
/// storage-format §4.3).
public struct Schema1Details: Sendable, Equatable {
    public var name: String
    public var tag: String
    public var architecture: String
    /// `fsLayers[].blobSum` as listed, top layer first, duplicates kept.
    public var fsLayers: [Descriptor]
    /// How many `history[].v1Compatibility` entries there are. The entries themselves are read into `config` and
    /// dropped: they are most of a schema1 manifest's bytes.
    public var historyCount: Int
    /// The image config the history describes (`ImageConfig.fromSchema1`); nil when the top entry does not read.
    public var config: ImageConfig?
    /// True when the stored bytes carried a `signatures` key (a 2.5+ registry stores only the payload).
    public var signatureCount: Int
    /// The payload the digest is computed over, when the stored bytes are a signed document; nil when the stored
    /// bytes are the payload themselves (they are not kept twice).
    public var signedPayload: [UInt8]?
}

/// One parsed manifest of any format (storage-format §3), in one shape.
public struct Manifest: Sendable, Equatable {
    public var format: ManifestFormat
    public var schemaVersion: Int
    /// The `mediaType` field as written (may be absent for OCI).
    public var declaredMediaType: String?
    public var config: Descriptor?
    public var layers: [Descriptor]
    /// Children of an index or manifest list.
    public var children: [Descriptor]
    public var subject: Descriptor?
    public var artifactType: String?
    public var annotations: [String: String] {
        get { compactAnnotations.dictionary }
        set { compactAnnotations = CompactStringMap(newValue) }
    }
    /// Held compactly: a manifest may carry megabytes of annotations.
    var compactAnnotations: CompactStringMap
    public var schema1: Schema1Details?

    init(
        format: ManifestFormat, schemaVersion: Int, declaredMediaType: String?, config: Descriptor?, layers: [Descriptor],
        children: [Descriptor], subject: Descriptor?, artifactType: String?, annotations: CompactStringMap,
        schema1: Schema1Details?
    ) {
        self.format = format
        self.schemaVersion = schemaVersion
        self.declaredMediaType = declaredMediaType
        self.config = config
        self.layers = layers
        self.children = children
        self.subject = subject
        self.artifactType = artifactType
        self.compactAnnotations = annotations
        self.schema1 = schema1
    }

    init(
        format: ManifestFormat, schemaVersion: Int, declaredMediaType: String?, config: Descriptor?, layers: [Descriptor],
        children: [Descriptor], subject: Descriptor?, artifactType: String?, annotations: [String: String],
        schema1: Schema1Details?
    ) {
        self.init(
            format: format, schemaVersion: schemaVersion, declaredMediaType: declaredMediaType, config: config, layers: layers,
            children: children, subject: subject, artifactType: artifactType, annotations: CompactStringMap(annotations),
            schema1: schema1)
    }

    /// Everything the manifest references, in the manifest's own order: config then layers; schema1 blobSums as listed;
    /// an index's children. `subject` is not a reference (the registry does not follow it).
    public var references: [Descriptor] {
        if let s1 = schema1 { return s1.fsLayers }
        if format.isIndex { return children }
        return (config.map { [$0] } ?? []) + layers
    }

    /// Blob references (config and layers), excluding child manifests.
    public var blobReferences: [Descriptor] { format.isIndex ? [] : references }

    /// `blobReferences` one by one, without building the array (it copies every layer descriptor).
    public func forEachBlobReference(_ body: (Descriptor) throws -> Void) rethrows {
        if !format.isIndex || schema1 != nil { try forEachReference(body) }
    }

    /// `references` one by one, without building the array.
    public func forEachReference(_ body: (Descriptor) throws -> Void) rethrows {
        if let s1 = schema1 {
            try s1.fsLayers.forEach(body)
        } else if format.isIndex {
            try children.forEach(body)
        } else {
            if let config { try body(config) }
            try layers.forEach(body)
        }
    }

    /// The digests of `references` that parse, in order, in one array sized up front (the collector keeps these).
    public var referenceDigests: [Digest] {
        var out: [Digest] = []
        out.reserveCapacity(schema1?.fsLayers.count ?? (format.isIndex ? children.count : layers.count + 1))
        forEachReference { if let d = $0.digest { out.append(d) } }
        return out
    }

    /// The kind of artifact, for OCI 1.1 referrers: `artifactType`, else the config media type.
    public var effectiveArtifactType: String? {
        artifactType ?? (config?.mediaType == MediaType.ociEmpty ? nil : config?.mediaType).flatMap {
            ($0 == MediaType.ociConfig || $0 == MediaType.dockerConfig) ? nil : $0
        }
    }
}
