import enum Crypto.P256
import Foundation
import RegistryStorage

/// The 2015 seed-era repositories (schema1, libtrust signatures linked beside the revision) and the planted damage.
extension DemoWriter {
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
