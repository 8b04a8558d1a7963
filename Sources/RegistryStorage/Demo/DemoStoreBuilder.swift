import Crypto
import Foundation

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

// MARK: - JSON as Go writes it

private typealias J = LibtrustJSON

private func str(_ s: String) -> J { .string(s) }
private func num(_ n: Int) -> J { .number(String(n)) }
private func strings(_ xs: [String]) -> J { .array(xs.map { J.string($0) }) }
/// Struct order (the order given).
private func obj(_ pairs: [(String, J)]) -> J { .goStruct(pairs) }
/// Map order (sorted keys), as Go writes `map[string]...`.
private func map(_ pairs: [(String, J)]) -> J { .goMap(pairs) }
private func compact(_ v: J) -> [UInt8] { GoJSONWriter.marshal(v) }
private func indented(_ v: J, _ indent: String) -> [UInt8] { GoJSONWriter.marshalIndent(v, prefix: "", indent: indent) }

/// A blob as a descriptor sees it.
private struct Described {
    var mediaType: String
    var digest: Digest
    var size: Int
}

/// docker/distribution and go-containerregistry write `mediaType, size, digest`; the OCI image-spec Go types (buildkit,
/// oras, notation) write `mediaType, digest, size`.
private enum Dialect { case docker, oci }

private func descriptor(
    _ d: Described, _ dialect: Dialect, annotations: [(String, String)] = [], platform: J? = nil, artifactType: String? = nil
) -> J {
    var f: [(String, J)] = [("mediaType", str(d.mediaType))]
    switch dialect {
    case .docker: f += [("size", num(d.size)), ("digest", str(d.digest.description))]
    case .oci: f += [("digest", str(d.digest.description)), ("size", num(d.size))]
    }
    if !annotations.isEmpty { f.append(("annotations", map(annotations.map { ($0.0, str($0.1)) }))) }
    if let platform { f.append(("platform", platform)) }
    if let artifactType { f.append(("artifactType", str(artifactType))) }
    return obj(f)
}

// MARK: - The store

/// Accumulates the store's files; every helper writes what the registry would write for that operation.
private final class DemoWriter {
    var files: [StoragePath: [UInt8]] = [:]

    static let ociLayer = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    static let uploadID = "5f3c2a9e-81d4-4b7a-9c06-e2d1f4a8b7c3"
    static let referenceHost = "localhost:5000"

    // MARK: registry operations

    @discardableResult
    func blob(_ bytes: [UInt8]) -> Digest {
        let d = Digest.sha256(of: bytes)
        files[StoreLayout.blobData(d)] = bytes
        return d
    }

    func link(_ path: StoragePath, _ d: Digest) { files[path] = Array(d.description.utf8) }

    func layerLink(_ repo: String, _ d: Digest) { link(StoreLayout.layerLink(StoreLayout.repository(repo), d), d) }

    func revisionLink(_ repo: String, _ d: Digest) { link(StoreLayout.revisionLink(StoreLayout.repository(repo), d), d) }

    /// `current/link` to `d`, and an `index/` entry for `d` and for every digest the tag pointed at before.
    func tag(_ repo: String, _ name: String, _ d: Digest, history: [Digest] = []) {
        let r = StoreLayout.repository(repo)
        for h in history + [d] { link(StoreLayout.tagIndexLink(r, name, h), h) }
        link(StoreLayout.tagCurrentLink(r, name), d)
    }

    /// Removes a file or a whole folder, as the registry's (or a disk's) deletes do.
    func remove(_ path: StoragePath) {
        for key in files.keys where key.hasPrefix(path) { files[key] = nil }
    }

    // MARK: images

    /// One build step: a layer (files) or a metadata-only instruction.
    struct Step {
        var created: String
        var createdBy: String
        var layer: [DemoTar.Entry]?
        var comment: String? = "buildkit.dockerfile.v0"
    }

    struct ImageSpec {
        var architecture = "amd64"
        var variant: String?
        var created: String
        var labels: [(String, String)] = []
        var cmd: [String]
        var workingDir = "/"
        var steps: [Step]
    }

    struct Image {
        var manifest: Described
        var config: Described
        var layers: [Described]
    }

    static func epoch(_ timestamp: String) -> Int {
        guard let date = ImageConfig.parseTimestamp(timestamp) else { preconditionFailure("bad demo timestamp \(timestamp)") }
        return Int(date.timeIntervalSince1970)
    }

    /// Layer blobs, config blob and manifest blob of an image, linked into `repo` when given (`revision: false`
    /// keeps the manifest blob without a revision link: a deleted manifest whose blobs wait for garbage collection).
    func image(_ repo: String?, _ spec: ImageSpec, oci: Bool, revision: Bool = true) -> Image {
        var layers: [Described] = []
        var diffIDs: [String] = []
        var history: [J] = []
        for step in spec.steps {
            var h: [(String, J)] = [("created", str(step.created)), ("created_by", str(step.createdBy))]
            if let c = step.comment { h.append(("comment", str(c))) }
            if let entries = step.layer {
                let tar = DemoTar.archive(entries, modified: DemoWriter.epoch(step.created))
                let gz = DemoGzip.compress(tar)
                diffIDs.append(Digest.sha256(of: tar).description)
                layers.append(Described(mediaType: oci ? DemoWriter.ociLayer : MediaType.dockerLayer, digest: blob(gz), size: gz.count))
            } else {
                h.append(("empty_layer", .bool(true)))
            }
            history.append(obj(h))
        }
        var inner: [(String, J)] = [("Env", strings([DemoWriter.path])), ("Cmd", strings(spec.cmd)), ("WorkingDir", str(spec.workingDir))]
        if !spec.labels.isEmpty { inner.append(("Labels", map(spec.labels.map { ($0.0, str($0.1)) }))) }
        var top: [(String, J)] = [
            ("architecture", str(spec.architecture)), ("config", obj(inner)), ("created", str(spec.created)),
            ("history", .array(history)), ("os", str("linux")),
            ("rootfs", obj([("type", str("layers")), ("diff_ids", strings(diffIDs))])),
        ]
        if let v = spec.variant { top.append(("variant", str(v))) }
        let configBytes = compact(map(top))
        let config = Described(mediaType: oci ? MediaType.ociConfig : MediaType.dockerConfig, digest: blob(configBytes), size: configBytes.count)
        let dialect: Dialect = oci ? .oci : .docker
        let manifest = obj([
            ("schemaVersion", num(2)), ("mediaType", str(oci ? MediaType.ociManifest : MediaType.schema2)),
            ("config", descriptor(config, dialect)), ("layers", .array(layers.map { descriptor($0, dialect) })),
        ])
        // docker/distribution's schema2 builder indents with three spaces; buildkit's OCI manifests with two.
        let bytes = indented(manifest, oci ? "  " : "   ")
        let m = Described(mediaType: oci ? MediaType.ociManifest : MediaType.schema2, digest: blob(bytes), size: bytes.count)
        if let repo {
            layerLink(repo, config.digest)
            for l in layers { layerLink(repo, l.digest) }
            if revision { revisionLink(repo, m.digest) }
        }
        return Image(manifest: m, config: config, layers: layers)
    }

    // MARK: file trees

    static func osRelease(_ version: String) -> String {
        let short = version.split(separator: ".").prefix(2).joined(separator: ".")
        return """
            NAME="Alpine Linux"
            ID=alpine
            VERSION_ID=\(version)
            PRETTY_NAME="Alpine Linux v\(short) (Drydock demo build, not the real image)"
            HOME_URL="https://alpinelinux.org/"

            """
    }

    static func alpineFiles(version: String, arch: String) -> [DemoTar.Entry] {
        [
            .directory("etc"),
            .file("etc/alpine-release", "\(version)\n"),
            .directory("etc/apk"),
            .file("etc/apk/arch", "\(arch)\n"),
            .file("etc/motd", "Welcome to the Drydock demo registry.\nThis tiny image only carries a few text files.\n"),
            .file("etc/os-release", osRelease(version)),
        ]
    }

    static let alpineCreated = "2024-09-06T22:20:07Z"

    static func alpineSteps(version: String, arch: String, created: String) -> [Step] {
        [
            Step(created: created, createdBy: "ADD alpine-minirootfs-\(version)-\(arch).tar.gz / # buildkit", layer: alpineFiles(version: version, arch: arch)),
            Step(created: created, createdBy: "CMD [\"/bin/sh\"]", layer: nil),
        ]
    }

    // MARK: repositories

    func buildAll() -> DemoStoreBuilder.Facts {
        let alpine = buildAlpine()
        let api = buildAPI()
        let migrations = buildMigrations()
        let frontend = buildFrontend()
        let seed = buildSeedApp()
        let tampered = buildTampered()
        let missing = buildMissingLayer()
        let corrupted = buildCorrupted()
        let upload = buildStaleUpload(prefixOf: api.appLayer)
        return DemoStoreBuilder.Facts(
            alpineIndex: alpine.index, alpineAMD64: alpine.amd64, alpineARM64: alpine.arm64, alpineOld: alpine.old,
            api: api.manifest, apiSignature: api.signature, apiSignatureTag: api.signatureTag, sharedBaseLayer: alpine.baseLayer,
            migrations: migrations, frontend: frontend.manifest, frontendNotation: frontend.notation,
            frontendReferrersIndex: frontend.referrersIndex, seedApp: seed.digest, seedAppSignatures: seed.signatures,
            tampered: tampered.digest, tamperedSignatures: tampered.signatures,
            missingLayerManifest: missing.manifest, missingLayer: missing.layer,
            corruptedManifest: corrupted.manifest, corruptedLayer: corrupted.layer,
            staleUploadID: DemoWriter.uploadID, staleUploadSize: upload, orphanBlobs: frontend.orphans)
    }

    func buildAlpine() -> (index: Digest, amd64: Digest, arm64: Digest, old: Digest, baseLayer: Digest) {
        let repo = DemoStoreBuilder.alpine
        let labels = [
            ("org.opencontainers.image.title", "alpine"),
            ("org.opencontainers.image.description", "Drydock demo base image"),
        ]
        func spec(_ version: String, _ arch: String, _ apkArch: String, variant: String? = nil, created: String) -> ImageSpec {
            var l = labels
            l.append(("org.opencontainers.image.version", version))
            return ImageSpec(architecture: arch, variant: variant, created: created, labels: l, cmd: ["/bin/sh"],
                             steps: DemoWriter.alpineSteps(version: version, arch: apkArch, created: created))
        }
        // latest pointed at a single-arch 3.19 build first, then moved to the multi-arch 3.20 index.
        let old = image(repo, spec("3.19.4", "amd64", "x86_64", created: "2024-01-26T23:44:47Z"), oci: true)
        let amd64 = image(repo, spec("3.20.3", "amd64", "x86_64", created: DemoWriter.alpineCreated), oci: true)
        let arm64 = image(repo, spec("3.20.3", "arm64", "aarch64", variant: "v8", created: DemoWriter.alpineCreated), oci: true)
        func platform(_ arch: String, _ variant: String?) -> J {
            var f: [(String, J)] = [("architecture", str(arch)), ("os", str("linux"))]
            if let variant { f.append(("variant", str(variant))) }
            return obj(f)
        }
        let index = obj([
            ("schemaVersion", num(2)), ("mediaType", str(MediaType.ociIndex)),
            ("manifests", .array([
                descriptor(amd64.manifest, .oci, platform: platform("amd64", nil)),
                descriptor(arm64.manifest, .oci, platform: platform("arm64", "v8")),
            ])),
        ])
        let indexDigest = blob(indented(index, "  "))
        revisionLink(repo, indexDigest)
        tag(repo, "latest", indexDigest, history: [old.manifest.digest])
        tag(repo, "3.20", indexDigest)
        return (indexDigest, amd64.manifest.digest, arm64.manifest.digest, old.manifest.digest, amd64.layers[0].digest)
    }

    /// An image built `FROM` the alpine amd64 3.20 image: its base layer is the very same blob.
    func onAlpine(created: String, labels: [(String, String)], cmd: [String], workingDir: String = "/", steps: [Step]) -> ImageSpec {
        ImageSpec(created: created, labels: labels, cmd: cmd, workingDir: workingDir,
                  steps: DemoWriter.alpineSteps(version: "3.20.3", arch: "x86_64", created: DemoWriter.alpineCreated) + steps)
    }

    func buildAPI() -> (manifest: Digest, signature: Digest, signatureTag: String, appLayer: [UInt8]) {
        let repo = DemoStoreBuilder.api
        let created = "2024-10-14T09:30:00Z"
        let spec = onAlpine(
            created: created,
            labels: [
                ("org.opencontainers.image.title", "orders API"),
                ("org.opencontainers.image.version", "1.4.2"),
                ("org.opencontainers.image.authors", "Zoë Müller <zoe@example.com>"),
                ("org.opencontainers.image.description", "Takes orders for the café ☕"),
            ],
            cmd: ["/app/server.sh"], workingDir: "/app",
            steps: [
                Step(created: created, createdBy: "WORKDIR /app", layer: nil),
                Step(created: created, createdBy: "COPY server.sh config.json /app/ # buildkit", layer: [
                    .directory("app"),
                    .file("app/config.json", "{\n  \"listen\": \":8080\",\n  \"currency\": \"EUR\",\n  \"menu\": [\"espresso\", \"café au lait\", \"thé\"]\n}\n"),
                    .file("app/server.sh", "#!/bin/sh\necho \"orders API 1.4.2 listening on :8080\"\nexec sleep infinity\n", mode: 0o755),
                ]),
                Step(created: created, createdBy: "CMD [\"/app/server.sh\"]", layer: nil),
            ])
        let img = image(repo, spec, oci: false)
        tag(repo, "1.4.2", img.manifest.digest)
        tag(repo, "latest", img.manifest.digest)
        let appLayer = files[StoreLayout.blobData(img.layers[1].digest)]!

        // cosign sign --key cosign.key localhost:5000/team/backend/api@sha256:...
        let payload = compact(obj([
            ("critical", obj([
                ("identity", obj([("docker-reference", str("\(DemoWriter.referenceHost)/\(repo)"))])),
                ("image", obj([("docker-manifest-digest", str(img.manifest.digest.description))])),
                ("type", str(CosignVerifier.simpleSigningType)),
            ])),
            ("optional", .null),
        ]))
        let raw = DeterministicP256.sign(payload, with: DemoStoreBuilder.Keys.cosign)
        guard let der = try? P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation else {
            preconditionFailure("cannot DER-encode the demo cosign signature")
        }
        let payloadBlob = Described(mediaType: MediaType.cosignSimpleSigning, digest: blob(payload), size: payload.count)
        // go-containerregistry's config for an image made of the one payload layer.
        let zeroTime = "0001-01-01T00:00:00Z"
        let config = compact(obj([
            ("architecture", str("")), ("created", str(zeroTime)), ("history", .array([obj([("created", str(zeroTime))])])),
            ("os", str("")), ("rootfs", obj([("type", str("layers")), ("diff_ids", strings([payloadBlob.digest.description]))])),
            ("config", obj([])),
        ]))
        let configBlob = Described(mediaType: MediaType.ociConfig, digest: blob(config), size: config.count)
        let signatureManifest = compact(obj([
            ("schemaVersion", num(2)), ("mediaType", str(MediaType.ociManifest)),
            ("config", descriptor(configBlob, .docker)),
            ("layers", .array([descriptor(payloadBlob, .docker, annotations: [
                (SignatureDiscovery.cosignAnnotation, Base64URL.encodeStandard(Array(der))),
            ])])),
        ]))
        let sig = blob(signatureManifest)
        layerLink(repo, configBlob.digest)
        layerLink(repo, payloadBlob.digest)
        revisionLink(repo, sig)
        let sigTag = "\(img.manifest.digest.algorithm.name)-\(img.manifest.digest.hex).sig"
        tag(repo, sigTag, sig)
        return (img.manifest.digest, sig, sigTag, appLayer)
    }

    func buildMigrations() -> Digest {
        let repo = DemoStoreBuilder.migrations
        let created = "2024-10-14T09:31:12Z"
        let spec = onAlpine(
            created: created,
            labels: [("org.opencontainers.image.title", "orders API migrations"), ("org.opencontainers.image.version", "12")],
            cmd: ["/bin/sh", "-c", "for f in /migrations/*.sql; do echo \"apply $f\"; done"],
            steps: [
                Step(created: created, createdBy: "COPY migrations/ /migrations/ # buildkit", layer: [
                    .directory("migrations"),
                    .file("migrations/001_orders.sql", "CREATE TABLE orders (id SERIAL PRIMARY KEY, item TEXT NOT NULL, placed_at TIMESTAMPTZ);\n"),
                    .file("migrations/002_prices.sql", "ALTER TABLE orders ADD COLUMN price_cents INTEGER NOT NULL DEFAULT 0;\n"),
                ]),
                Step(created: created, createdBy: "CMD [\"/bin/sh\" \"-c\" \"for f in /migrations/*.sql; do echo \\\"apply $f\\\"; done\"]", layer: nil),
            ])
        let img = image(repo, spec, oci: false)
        tag(repo, "v12", img.manifest.digest)
        tag(repo, "latest", img.manifest.digest)
        return img.manifest.digest
    }

    func buildFrontend() -> (manifest: Digest, notation: Digest, referrersIndex: Digest, orphans: [Digest]) {
        let repo = DemoStoreBuilder.frontend
        func spec(version: String, created: String, html: String) -> ImageSpec {
            onAlpine(
                created: created,
                labels: [
                    ("org.opencontainers.image.title", "storefront"),
                    ("org.opencontainers.image.version", version),
                    ("org.opencontainers.image.description", "Storefront for the café ☕ — crème brûlée included"),
                ],
                cmd: ["/bin/sh", "-c", "cat /srv/www/index.html"],
                steps: [
                    Step(created: created, createdBy: "COPY index.html /srv/www/ # buildkit", layer: [
                        .directory("srv"), .directory("srv/www"), .file("srv/www/index.html", html),
                    ]),
                    Step(created: created, createdBy: "CMD [\"/bin/sh\" \"-c\" \"cat /srv/www/index.html\"]", layer: nil),
                ])
        }
        // v1 was pushed, then deleted through the API: revision link and tag gone, blobs and _layers links left
        // for garbage collection.
        let v1 = image(repo, spec(version: "1", created: "2024-06-02T08:00:00Z",
                                  html: "<!doctype html>\n<title>Café</title>\n<h1>Coming soon</h1>\n"), oci: true, revision: false)
        let v2 = image(repo, spec(version: "2", created: "2024-11-05T16:45:00Z",
                                  html: "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Café ☕</title>\n<h1>Espresso, café au lait, thé</h1>\n"), oci: true)
        tag(repo, "v2", v2.manifest.digest)
        tag(repo, "latest", v2.manifest.digest)

        // notation sign localhost:5000/team/frontend@sha256:..., against a registry without the referrers API.
        let signingTime = "2024-11-05T16:50:00Z"
        let emptyBytes = Array("{}".utf8)
        let empty = Described(mediaType: MediaType.ociEmpty, digest: blob(emptyBytes), size: emptyBytes.count)
        let target = obj([("targetArtifact", descriptor(v2.manifest, .oci))])
        let protected = compact(obj([
            ("alg", str("ES256")), ("crit", strings(["io.cncf.notary.signingScheme"])),
            ("cty", str("application/vnd.cncf.notary.payload.v1+json")),
            ("io.cncf.notary.signingScheme", str("notary.x509")), ("io.cncf.notary.signingTime", str(signingTime)),
        ]))
        let encodedPayload = Base64URL.encode(compact(target))
        let encodedProtected = Base64URL.encode(protected)
        let signature = DeterministicP256.sign(Array((encodedProtected + "." + encodedPayload).utf8), with: DemoStoreBuilder.Keys.notation)
        let envelope = compact(obj([
            ("payload", str(encodedPayload)), ("protected", str(encodedProtected)),
            ("header", obj([("io.cncf.notary.signingAgent", str("notation-go/1.2.1 (drydock demo)"))])),
            ("signature", str(Base64URL.encode(signature))),
        ]))
        let envelopeBlob = Described(mediaType: "application/jose+json", digest: blob(envelope), size: envelope.count)
        let keyThumbprint = Digest.sha256(of: Array(DemoStoreBuilder.Keys.notation.publicKey.derRepresentation)).hex
        let annotations = [
            ("io.cncf.notary.x509chain.thumbprint#S256", "[\"\(keyThumbprint)\"]"),
            ("org.opencontainers.image.created", signingTime),
        ]
        let notation = compact(obj([
            ("schemaVersion", num(2)), ("mediaType", str(MediaType.ociManifest)), ("artifactType", str(MediaType.notarySignature)),
            ("config", descriptor(empty, .oci)), ("layers", .array([descriptor(envelopeBlob, .oci)])),
            ("subject", descriptor(v2.manifest, .oci)),
            ("annotations", map(annotations.map { ($0.0, str($0.1)) })),
        ]))
        let notationBlob = Described(mediaType: MediaType.ociManifest, digest: blob(notation), size: notation.count)
        layerLink(repo, empty.digest)
        layerLink(repo, envelopeBlob.digest)
        revisionLink(repo, notationBlob.digest)
        // The referrers tag schema: an index tagged <alg>-<hex> listing the referrers.
        let referrers = compact(obj([
            ("schemaVersion", num(2)), ("mediaType", str(MediaType.ociIndex)),
            ("manifests", .array([descriptor(notationBlob, .oci, annotations: annotations, artifactType: MediaType.notarySignature)])),
        ]))
        let referrersIndex = blob(referrers)
        revisionLink(repo, referrersIndex)
        tag(repo, "\(v2.manifest.digest.algorithm.name)-\(v2.manifest.digest.hex)", referrersIndex)
        let orphans = [v1.manifest.digest, v1.config.digest, v1.layers[1].digest].sorted()
        return (v2.manifest.digest, notationBlob.digest, referrersIndex, orphans)
    }

    // MARK: seed era

    /// A schema1 payload as docker 1.6 pushed it (`MarshalIndent` with three spaces), layers top first.
    func schema1Payload(name: String, tag: String, layers: [(blobSum: Digest, v1Compatibility: J)]) -> [UInt8] {
        indented(obj([
            ("schemaVersion", num(1)), ("name", str(name)), ("tag", str(tag)), ("architecture", str("amd64")),
            ("fsLayers", .array(layers.map { obj([("blobSum", str($0.blobSum.description))]) })),
            ("history", .array(layers.map { obj([("v1Compatibility", str(String(decoding: compact($0.v1Compatibility), as: UTF8.self)))]) })),
        ]), "   ")
    }

    /// v1 image JSON as docker 1.6 wrote it into `v1Compatibility`.
    static func v1Compatibility(id: String, parent: String?, created: String, cmd: [String], config: J?) -> J {
        var f: [(String, J)] = [("id", str(id))]
        if let parent { f.append(("parent", str(parent))) }
        f += [
            ("created", str(created)),
            ("container", str(Digest.sha256(of: Array("container of \(id)".utf8)).hex)),
            ("container_config", obj([("Cmd", strings(cmd))])),
            ("docker_version", str("1.6.2")),
        ]
        if let config { f.append(("config", config)) }
        f += [("architecture", str("amd64")), ("os", str("linux")), ("Size", num(0))]
        return obj(f)
    }

    static func v1ID(_ label: String) -> String { Digest.sha256(of: Array("v1 image \(label)".utf8)).hex }

    /// libtrust signing (`NewJSONSignature` + `Sign` + `PrettySignature`) with deterministic ES256 signatures.
    static func signSchema1(_ payload: [UInt8], keys: [P256.Signing.PrivateKey], time: String) -> ParsedSchema1JWS {
        guard case .success(let layout) = LibtrustJWS.analyzeContent(payload) else { preconditionFailure("demo payload is not signable") }
        let protectedJSON = compact(map([
            ("formatLength", num(layout.formatLength)),
            ("formatTail", str(Base64URL.encode(payload[layout.formatLength...]))),
            ("time", str(time)),
        ]))
        let protected = Base64URL.encode(protectedJSON)
        let input = Array((protected + "." + Base64URL.encode(payload)).utf8)
        let entries = keys.map { key in
            JWSSignatureEntry(
                algorithm: "ES256", protectedHeader: protected, signature: Base64URL.encode(DeterministicP256.sign(input, with: key)),
                jwk: SigningKey.p256(key).publicKey.jwk, jwkError: nil, x5c: [], x5cEncoded: [], rawHeaderJSON: [],
                protectedJSON: protectedJSON, time: time)
        }
        let document = LibtrustJWS.prettyDocument(payload: payload, formatLength: layout.formatLength, indent: layout.indent, entries: entries)
        guard case .success(let parsed) = LibtrustJWS.parse(document: document) else { preconditionFailure("demo signature does not parse") }
        return parsed
    }

    /// Stores a schema1 image as the seed-era registry did: payload linked under `_layers`, each signature its own
    /// blob linked under `_manifests/revisions/<alg>/<hex>/signatures/`.
    func storeSeedEra(_ repo: String, payload: [UInt8], signatures: [[UInt8]], tag name: String) -> (digest: Digest, signatures: [Digest]) {
        let d = blob(payload)
        layerLink(repo, d)
        var sigs: [Digest] = []
        for s in signatures {
            let sd = blob(s)
            link(StoreLayout.signatureLink(StoreLayout.repository(repo), revision: d, signature: sd), sd)
            sigs.append(sd)
        }
        tag(repo, name, d)
        return (d, sigs.sorted())
    }

    func schema1Layer(_ repo: String, _ entries: [DemoTar.Entry], created: String) -> Digest {
        let gz = DemoGzip.compress(DemoTar.archive(entries, modified: DemoWriter.epoch(created)))
        let d = blob(gz)
        layerLink(repo, d)
        return d
    }

    func buildSeedApp() -> (digest: Digest, signatures: [Digest]) {
        let repo = DemoStoreBuilder.seedApp
        let baseCreated = "2015-06-02T11:08:40.412843203Z"
        let created = "2015-06-18T14:22:31.907652318Z"
        let base = schema1Layer(repo, [
            .directory("etc"), .file("etc/seed-release", "seed base 2015.06\n"),
        ], created: "2015-06-02T11:08:40Z")
        let app = schema1Layer(repo, [
            .directory("srv"), .directory("srv/app"),
            .file("srv/app/hello.sh", "#!/bin/sh\necho \"hello from 2015, pushed to registry v2.1.0\"\n", mode: 0o755),
        ], created: "2015-06-18T14:22:31Z")
        let topID = DemoWriter.v1ID("seed-app app"), baseID = DemoWriter.v1ID("seed-app base")
        let payload = schema1Payload(name: repo, tag: "1.0", layers: [
            (app, DemoWriter.v1Compatibility(
                id: topID, parent: baseID, created: created, cmd: ["/bin/sh", "-c", "#(nop) ADD dir:hello in /srv/app"],
                config: obj([("Cmd", strings(["/srv/app/hello.sh"])), ("Labels", map([("description", str("seed-era app, café ☕"))]))]))),
            (base, DemoWriter.v1Compatibility(id: baseID, parent: nil, created: baseCreated, cmd: ["/bin/sh", "-c", "#(nop) ADD file:seed in /"], config: nil)),
        ])
        let signed = DemoWriter.signSchema1(payload, keys: DemoStoreBuilder.Keys.schema1, time: "2015-06-18T14:25:02Z")
        precondition(signed.verify().allSatisfy { $0.result == .valid }, "demo seed-era signatures must verify")
        return storeSeedEra(repo, payload: payload, signatures: LibtrustJWS.signatureBlobs(of: signed), tag: "1.0")
    }

    func buildTampered() -> (digest: Digest, signatures: [Digest]) {
        let repo = DemoStoreBuilder.tampered
        let created = "2015-07-02T09:12:55.118403911Z"
        let layer = schema1Layer(repo, [
            .directory("usr"), .directory("usr/local"), .directory("usr/local/bin"),
            .file("usr/local/bin/tool", "#!/bin/sh\necho \"tool 2.3\"\n", mode: 0o755),
        ], created: "2015-07-02T09:12:55Z")
        let payload = schema1Payload(name: repo, tag: "2.3", layers: [
            (layer, DemoWriter.v1Compatibility(
                id: DemoWriter.v1ID("tampered tool"), parent: nil, created: created,
                cmd: ["/bin/sh", "-c", "chmod 0755 /usr/local/bin/tool"], config: obj([("Cmd", strings(["/usr/local/bin/tool"]))]))),
        ])
        let signed = DemoWriter.signSchema1(payload, keys: [DemoStoreBuilder.Keys.schema1[0]], time: "2015-07-02T09:13:40Z")
        // Someone edited the stored manifest afterwards: 0755 became setuid 4755, same length, signature unchanged.
        let needle = Array("chmod 0755".utf8)
        guard let at = (0...(payload.count - needle.count)).first(where: { Array(payload[$0..<($0 + needle.count)]) == needle }) else {
            preconditionFailure("tamper target not in the demo payload")
        }
        var edited = payload
        edited[at + 6] = UInt8(ascii: "4")
        return storeSeedEra(repo, payload: edited, signatures: LibtrustJWS.signatureBlobs(of: signed), tag: "2.3")
    }

    // MARK: damage

    func buildMissingLayer() -> (manifest: Digest, layer: Digest) {
        let repo = DemoStoreBuilder.missingLayer
        let created = "2024-03-11T13:37:00Z"
        let img = image(repo, onAlpine(
            created: created, labels: [("org.opencontainers.image.title", "missing layer demo")], cmd: ["/bin/sh"],
            steps: [Step(created: created, createdBy: "COPY data/ /data/ # buildkit", layer: [
                .directory("data"), .file("data/readme.txt", "This layer's blob was deleted from blobs/ by hand.\n"),
            ])]), oci: false)
        tag(repo, "latest", img.manifest.digest)
        let lost = img.layers[1].digest
        remove(StoreLayout.blobDirectory(lost))
        return (img.manifest.digest, lost)
    }

    func buildCorrupted() -> (manifest: Digest, layer: Digest) {
        let repo = DemoStoreBuilder.corrupted
        let created = "2024-03-12T08:05:00Z"
        let img = image(repo, onAlpine(
            created: created, labels: [("org.opencontainers.image.title", "bit rot demo")], cmd: ["/bin/sh"],
            steps: [Step(created: created, createdBy: "COPY notes.txt /notes.txt # buildkit", layer: [
                .file("notes.txt", "One bit of this layer flipped on disk after the push.\n"),
            ])]), oci: false)
        tag(repo, "latest", img.manifest.digest)
        let rotten = img.layers[1].digest
        let path = StoreLayout.blobData(rotten)
        files[path]![files[path]!.count / 2] ^= 0x04
        return (img.manifest.digest, rotten)
    }

    /// An upload started in 2023 that never finished: `startedat` and the bytes received so far.
    func buildStaleUpload(prefixOf layer: [UInt8]) -> Int {
        let repo = StoreLayout.repository(DemoStoreBuilder.api)
        let data = Array(layer.prefix(layer.count / 2))
        files[StoreLayout.uploadStartedAt(repo, DemoWriter.uploadID)] = Array("2023-11-02T08:14:09Z".utf8)
        files[StoreLayout.uploadData(repo, DemoWriter.uploadID)] = data
        return data.count
    }
}
