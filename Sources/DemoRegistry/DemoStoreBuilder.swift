import enum Crypto.P256
import struct Crypto.SHA256
import Foundation
import RegistryStorage

/// Builds Drydock's demo registry store: a small `docker/registry/v2` tree, laid out byte for byte as registry 2.8.2
/// (and, for two repositories, the 2015 seed-era registry) writes it, with every interesting case planted once:
/// a multi-arch OCI index, schema2 and OCI images, seed-era schema1 images with valid and tampered signatures,
/// untagged revisions, a missing layer, a corrupted blob, a cosign signature tag, a notation referrer, a stale upload
/// and orphan blobs. Layers are real gzip'd tar archives and configs carry real `diff_ids`.
///
/// The output is deterministic (fixed times, keys derived from fixed strings, RFC 6979 signatures), so the committed
/// `Resources/demo-store` can be checked against a fresh build. Regenerate with `drydock demo generate DIR`.
public struct DemoStoreBuilder: Sendable {
    /// The digests a test or a tour needs to find the planted cases.
    public struct Facts: Sendable, Equatable {
        /// `library/alpine`: the OCI index (tags `latest`, `3.20`), its two untagged children, and the single-arch
        /// manifest `latest` pointed at before it was retagged (untagged now, still in the tag's history).
        public var alpineIndex: Digest
        public var alpineAMD64: Digest
        public var alpineARM64: Digest
        public var alpineOld: Digest
        /// `team/backend/api` (schema2) and its cosign signature manifest, tagged `sha256-<hex>.sig`.
        public var api: Digest
        public var apiSignature: Digest
        public var apiSignatureTag: String
        /// The shared alpine amd64 base layer, used by the api, migrations, frontend and broken images too.
        public var sharedBaseLayer: Digest
        public var migrations: Digest
        /// `team/frontend` (OCI), its notation signature (a referrer through `subject`, untagged) and the referrers
        /// fallback index tagged `sha256-<hex of frontend>`.
        public var frontend: Digest
        public var frontendNotation: Digest
        public var frontendReferrersIndex: Digest
        /// `legacy/seed-app`: schema1 payload linked under `_layers`, two signature blobs linked under `signatures/`.
        public var seedApp: Digest
        public var seedAppSignatures: [Digest]
        /// `legacy/tampered`: the payload was edited after signing (one byte, same length).
        public var tampered: Digest
        public var tamperedSignatures: [Digest]
        /// `broken/missing-layer`: the manifest and the layer whose `blobs/` folder is gone.
        public var missingLayerManifest: Digest
        public var missingLayer: Digest
        /// `broken/corrupted`: the manifest and the layer whose data no longer hashes to its digest.
        public var corruptedManifest: Digest
        public var corruptedLayer: Digest
        /// The upload under `team/backend/api/_uploads/` that started in 2023 and never finished.
        public var staleUploadID: String
        public var staleUploadSize: Int
        /// Blobs no manifest references (the deleted `team/frontend:v1`): manifest, config and layer, sorted.
        public var orphanBlobs: [Digest]
    }

    public struct Output: Sendable {
        /// Every file of the store, relative to `docker/registry/v2`.
        public var files: [StoragePath: [UInt8]]
        public var facts: Facts

        public var totalBytes: Int { files.values.reduce(0) { $0 + $1.count } }
    }

    public static let alpine = "library/alpine"
    public static let api = "team/backend/api"
    public static let migrations = "team/backend/api/migrations"
    public static let frontend = "team/frontend"
    public static let seedApp = "legacy/seed-app"
    public static let tampered = "legacy/tampered"
    public static let missingLayer = "broken/missing-layer"
    public static let corrupted = "broken/corrupted"

    /// Every repository, with what it shows.
    public static let tour: [(repository: String, shows: String)] = [
        (alpine, "multi-arch OCI index (amd64, arm64/v8) tagged latest and 3.20; untagged children; an older single-arch revision left untagged when latest moved"),
        (api, "schema2 image (labels with Unicode) signed with cosign: tag sha256-<hex>.sig; a stale upload from 2023"),
        (migrations, "nested repository under another repository (team/backend/api is a repository and a namespace)"),
        (frontend, "OCI image with a notation signature referrer (subject + artifactType) and the referrers fallback tag; orphan blobs of a deleted v1"),
        (seedApp, "seed-era (2015) schema1 image: manifest linked under _layers, two valid libtrust signatures linked under signatures/"),
        (tampered, "seed-era schema1 image whose payload was edited after signing: the signature no longer verifies"),
        (missingLayer, "schema2 image whose second layer is linked but has no data in blobs/"),
        (corrupted, "schema2 image whose second layer's data has one bit flipped (same size, wrong digest; drydock verify --deep)"),
    ]

    /// File name of the cosign public key written next to `docker/` by `write(toDirectory:)`.
    public static let cosignPublicKeyFileName = "cosign.pub"

    /// The key the `team/backend/api` cosign signature verifies with (`drydock verify --key cosign.pub`,
    /// or `drydock demo cosign-key`):
    ///
    ///     -----BEGIN PUBLIC KEY-----
    ///     MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9QaMKNGDkctTcjEcWAyP+G73TC28
    ///     RVHQBSEOEyioo3g6QpXZfTJKNdfF7BIYex8RobHQCkv6KR1x3HM3893kcA==
    ///     -----END PUBLIC KEY-----
    public static var cosignPublicKeyPEM: String { Keys.cosign.publicKey.pemRepresentation }

    /// libtrust key IDs of the two schema1 signing keys: `ABYI:OQXF:H5FQ:NJG7:3AZM:VFGO:LYNH:24F3:E4CJ:HEMU:2A53:COW6`
    /// (key 1, also the tampered image's) and `CUYZ:UBPM:SZR3:JBAO:JIH3:23JD:5VFU:EWAF:PCVP:FHIF:2IDL:RYEB` (key 2).
    public static var schema1KeyIDs: [String] { Keys.schema1.map { SigningKey.p256($0).keyID } }

    public init() {}

    /// The whole store in memory. Pure: the same bytes on every call and every machine.
    public func build() -> Output {
        let w = DemoWriter()
        let facts = w.buildAll()
        return Output(files: w.files, facts: facts)
    }

    /// Writes the store through `driver` (rooted at `docker/registry/v2`), in path order.
    @discardableResult
    public func write(to driver: any StorageDriver) async throws -> Facts {
        let output = build()
        for path in output.files.keys.sorted() {
            try await driver.write(path, contents: output.files[path]!)
        }
        return output.facts
    }

    /// Writes `root/docker/registry/v2/...` and `root/cosign.pub`. The caller decides whether `root` may hold data.
    @discardableResult
    public func write(toDirectory root: String) async throws -> Facts {
        let v2 = (root as NSString).appendingPathComponent("docker/registry/v2")
        try FileManager.default.createDirectory(atPath: v2, withIntermediateDirectories: true)
        let facts = try await write(to: try FilesystemDriver(v2Directory: v2))
        let pem = DemoStoreBuilder.cosignPublicKeyPEM
        try Data((pem.hasSuffix("\n") ? pem : pem + "\n").utf8)
            .write(to: URL(fileURLWithPath: (root as NSString).appendingPathComponent(DemoStoreBuilder.cosignPublicKeyFileName)))
        return facts
    }

    /// Fixed demo keys, each the P-256 scalar sha256(label). Never use them for anything but the demo.
    enum Keys {
        static let schema1 = [key("drydock demo key 1"), key("drydock demo key 2")]
        static let cosign = key("drydock demo cosign key")
        static let notation = key("drydock demo notation key")
        static var notationPublicKeyPEM: String { notation.publicKey.pemRepresentation }

        static func key(_ label: String) -> P256.Signing.PrivateKey {
            guard let k = try? P256.Signing.PrivateKey(rawRepresentation: Array(SHA256.hash(data: Array(label.utf8)))) else {
                preconditionFailure("sha256(\(label)) is not a valid P-256 scalar")
            }
            return k
        }
    }
}
