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
    public var digestText: String { writtenDigest ?? digest?.description ?? "" }
    public var digest: Digest?
    /// The text only when it is not the digest's own spelling: a store holds hundreds of thousands of descriptors.
    private var writtenDigest: String?
    public var size: Int64?
    public var urls: [String]
    public var annotations: [String: String]
    public var platform: Platform?
    public var artifactType: String?

    public init(
        mediaType: String?, digestText: String, size: Int64?, urls: [String] = [], annotations: [String: String] = [:],
        platform: Platform? = nil, artifactType: String? = nil
    ) {
        // Parsed media types already share the constants (`JSONDocument.commonMediaTypes`).
        self.mediaType = mediaType
        let digest = Digest(digestText)
        self.digest = digest
        self.writtenDigest = digest?.description == digestText ? nil : digestText
        self.size = size
        self.urls = urls
        self.annotations = annotations
        self.platform = platform
        self.artifactType = artifactType
    }
}

/// Fields of a schema1 manifest, read from the signed payload (never from the whole signed document, §4.3).
public struct Schema1Details: Sendable, Equatable {
    public var name: String
    public var tag: String
    public var architecture: String
    /// `fsLayers[].blobSum` as listed, top layer first, duplicates kept.
    public var fsLayers: [Descriptor]
    /// `history[].v1Compatibility` JSON strings.
    public var history: [String]
    /// True when the stored bytes carried a `signatures` key (a 2.5+ registry stores only the payload).
    public var signatureCount: Int
    /// The payload the digest is computed over: equal to the stored bytes unless those were a signed document.
    public var payload: [UInt8]
}

/// One parsed manifest of any format (spec §3), in one shape.
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
    public var annotations: [String: String]
    public var schema1: Schema1Details?

    /// Everything the manifest references, in the manifest's own order: config then layers; schema1 blobSums as listed;
    /// an index's children. `subject` is not a reference (the registry does not follow it).
    public var references: [Descriptor] {
        if let s1 = schema1 { return s1.fsLayers }
        if format.isIndex { return children }
        return (config.map { [$0] } ?? []) + layers
    }

    /// Blob references (config and layers), excluding child manifests.
    public var blobReferences: [Descriptor] { format.isIndex ? [] : references }

    /// The kind of artifact, for OCI 1.1 referrers: `artifactType`, else the config media type.
    public var effectiveArtifactType: String? {
        artifactType ?? (config?.mediaType == MediaType.ociEmpty ? nil : config?.mediaType).flatMap {
            ($0 == MediaType.ociConfig || $0 == MediaType.dockerConfig) ? nil : $0
        }
    }
}
