import enum Crypto.P256
import Foundation
import RegistryStorage

/// Accumulates the store's files; every helper writes what the registry would write for that operation.
final class DemoWriter {
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
}
