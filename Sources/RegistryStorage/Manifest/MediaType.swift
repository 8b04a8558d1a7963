/// Media type strings of storage-format §3.1.
public enum MediaType {
    public static let schema1 = "application/vnd.docker.distribution.manifest.v1+json"
    public static let schema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    public static let schema2 = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociArtifactManifest = "application/vnd.oci.artifact.manifest.v1+json"

    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"
    public static let schema1Layer = "application/vnd.docker.container.image.rootfs.diff+x-gtar"
    public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    public static let dockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

    public static let cosignSimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json"
    public static let dsseEnvelope = "application/vnd.dsse.envelope.v1+json"
    public static let notarySignature = "application/vnd.cncf.notary.signature"

    /// Types whose blobs are manifests (checked as manifests, not as layers).
    public static let manifestTypes: Set<String> = [
        schema1, schema1Signed, schema2, dockerManifestList, ociManifest, ociIndex,
    ]

    public static func isIndex(_ t: String?) -> Bool { t == dockerManifestList || t == ociIndex }
}

/// How a stored manifest was recognised (storage-format §3.2).
public enum ManifestFormat: String, Sendable, CaseIterable, Codable {
    case schema1
    case schema1Signed
    case schema2
    case dockerManifestList
    case ociManifest
    case ociIndex

    public var mediaType: String {
        switch self {
        case .schema1: MediaType.schema1
        case .schema1Signed: MediaType.schema1Signed
        case .schema2: MediaType.schema2
        case .dockerManifestList: MediaType.dockerManifestList
        case .ociManifest: MediaType.ociManifest
        case .ociIndex: MediaType.ociIndex
        }
    }

    public var isIndex: Bool { self == .dockerManifestList || self == .ociIndex }
    public var isSchema1: Bool { self == .schema1 || self == .schema1Signed }

    /// Short label for tables.
    public var shortName: String {
        switch self {
        case .schema1: "v2s1"
        case .schema1Signed: "v2s1-signed"
        case .schema2: "v2s2"
        case .dockerManifestList: "list"
        case .ociManifest: "oci"
        case .ociIndex: "oci-index"
        }
    }
}
