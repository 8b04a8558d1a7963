import Crypto
import Foundation
import Testing
@testable import RegistryStorage

/// Every check has a case that makes it pass and one that makes it fail.
@Suite struct VerificationTests {
    func verify(_ f: StoreFixture, _ repo: String, deep: Bool = false, skipLayers: Bool = false, key: String? = nil) async throws -> [RegistryStorage.Digest: ManifestVerification] {
        let store = f.store()
        let contents = try #require(await store.load(repository: repo))
        var options = VerificationOptions(deep: deep, skipLayers: skipLayers)
        options.cosignPublicKeyPEM = key
        let results = await Verifier(store: store, options: options).verify(contents)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.digest, $0) })
    }

    @Test func cleanImagePassesEveryApplicableCheck() async throws {
        let f = StoreFixture()
        let img = f.image("app", tag: "v1", layers: ["one", "two"])
        let v = try #require(try await verify(f, "app", deep: true)[img.manifest])
        #expect(v.ok)
        #expect(v.check(.contentDigest)?.status == .pass)
        #expect(v.check(.format)?.status == .pass)
        #expect(v.check(.referencedBlobs)?.status == .pass)
        #expect(v.check(.sizes)?.status == .pass)
        #expect(v.check(.deepIntegrity)?.status == .pass)
        #expect(v.check(.children)?.status == .notApplicable)
        #expect(v.check(.repositoryName)?.status == .notApplicable)
        #expect(v.signature.status == .unsigned)
    }

    @Test func contentDigestFailsWhenStoredBytesChanged() async throws {
        let f = StoreFixture()
        let img = f.image("app", tag: "v1", layers: ["one"])
        var bytes = img.bytes
        bytes[bytes.count - 2] = UInt8(ascii: " ")
        f.driver.put(StoreLayout.blobData(img.manifest), bytes)
        let v = try #require(try await verify(f, "app")[img.manifest])
        #expect(v.check(.contentDigest)?.status == .fail)
        #expect(!v.ok)
    }

    @Test func referencedBlobsFailWhenUnlinkedOrMissing() async throws {
        let f = StoreFixture()
        let unlinked = f.image("app", tag: "a", layers: ["not linked"], linkBlobs: false)
        let missing = f.image("app", tag: "b", layers: ["data gone"])
        try await f.driver.delete(StoreLayout.blobDirectory(missing.layers[0]))
        let v = try await verify(f, "app")
        #expect(v[unlinked.manifest]?.check(.referencedBlobs)?.status == .fail)
        #expect(v[unlinked.manifest]?.check(.referencedBlobs)?.detail.contains("not linked in _layers") == true)
        #expect(v[missing.manifest]?.check(.referencedBlobs)?.status == .fail)
        #expect(v[missing.manifest]?.check(.referencedBlobs)?.detail.contains("missing") == true)
        // The seed's skip-layer-verification turns the check off.
        let skipped = try await verify(f, "app", skipLayers: true)
        #expect(skipped[unlinked.manifest]?.check(.referencedBlobs)?.status == .notApplicable)
    }

    @Test func sizesFailOnMismatch() async throws {
        let f = StoreFixture()
        let layer = f.blob("exactly twenty bytes")
        f.layerLink("app", layer)
        let config = f.blob(StoreFixture.configJSON(layers: 1))
        f.layerLink("app", config)
        let configSize = StoreFixture.configJSON(layers: 1).utf8.count
        let text = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.schema2)\",\"config\":\(StoreFixture.descriptorJSON(MediaType.dockerConfig, config, configSize)),\"layers\":[\(StoreFixture.descriptorJSON(MediaType.dockerLayer, layer, 999))]}"
        let d = f.manifestBlob("app", Array(text.utf8), tag: "v1")
        let v = try #require(try await verify(f, "app")[d])
        #expect(v.check(.sizes)?.status == .fail)
        #expect(v.check(.sizes)?.detail.contains("declares 999 bytes, stores 20") == true)
    }

    @Test func indexChildrenMustBeStoredManifests() async throws {
        let f = StoreFixture()
        let amd = f.image("multi", tag: nil, oci: true, layers: ["amd"])
        let ghost = RegistryStorage.Digest.sha256(of: Array("arm manifest never pushed".utf8))
        let good = f.index("multi", tag: "good", children: [(amd.manifest, amd.bytes.count, "amd64")])
        let bad = f.index("multi", tag: "bad", children: [(amd.manifest, amd.bytes.count, "amd64"), (ghost, 100, "arm64")])
        let v = try await verify(f, "multi")
        #expect(v[good]?.check(.children)?.status == .pass)
        #expect(v[bad]?.check(.children)?.status == .fail)
        #expect(v[bad]?.check(.children)?.detail.contains(ghost.description) == true)
        #expect(v[bad]?.check(.referencedBlobs)?.status == .notApplicable)
    }

    @Test func deepIntegrityFindsCorruptedBlob() async throws {
        let f = StoreFixture()
        let img = f.image("app", tag: "v1", layers: ["original layer"])
        f.driver.put(StoreLayout.blobData(img.layers[0]), Array("tampered layer".utf8))
        let v = try #require(try await verify(f, "app", deep: true)[img.manifest])
        #expect(v.check(.deepIntegrity)?.status == .fail)
        #expect(v.check(.deepIntegrity)?.detail.contains("corrupted") == true)
        let shallow = try #require(try await verify(f, "app")[img.manifest])
        #expect(shallow.check(.deepIntegrity)?.status == .notApplicable)
    }

    @Test func schema1NameAndHistoryChecks() async throws {
        let f = StoreFixture()
        let good = f.schema1Image("legacy", tag: "ok", layers: ["a"])
        let misnamed = f.schema1Image("legacy", tag: "other", layers: ["b"], name: "someone/else")
        var payload = StoreFixture.schema1Payload(name: "legacy", tag: "short", layers: [good.layers[0]])
        let text = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"history\": [", with: "\"history\": [\n      {\"v1Compatibility\": \"{}\"},")
        payload = Array(text.utf8)
        let mismatched = f.manifestBlob("legacy", payload, tag: "short")
        let v = try await verify(f, "legacy")
        #expect(v[good.digest]?.check(.repositoryName)?.status == .pass)
        #expect(v[misnamed.digest]?.check(.repositoryName)?.status == .warning)
        #expect(v[misnamed.digest]?.ok == true)  // 2.8.2 dropped the rule: a warning, not a failure
        #expect(v[good.digest]?.check(.historyLength)?.status == .pass)
        #expect(v[mismatched]?.check(.historyLength)?.status == .fail)
        // Stored by 2.5+ (revision link, payload only): the signature was stripped.
        #expect(v[good.digest]?.signature.status == .stripped)
    }

    /// Seed era: payload under `_layers`, each signature a blob linked under `revisions/<d>/signatures/`.
    func seedSigned(_ f: StoreFixture, repo: String, tag: String, key: SigningKey, tamper: Bool = false) throws -> RegistryStorage.Digest {
        let layers = ["seed layer of \(tag)"].map { f.blob($0) }
        for d in layers { f.layerLink(repo, d) }
        let payload = StoreFixture.schema1Payload(name: repo, tag: tag, layers: layers)
        let document = try LibtrustJWS.sign(payload: payload, with: [key]).get()
        var blobs = LibtrustJWS.signatureBlobs(of: try LibtrustJWS.parse(document: document).get())
        if tamper {
            // Flip one character of the signature value inside the stored blob.
            var text = String(decoding: blobs[0], as: UTF8.self)
            let range = try #require(text.range(of: "\"signature\":\""))
            let i = text.index(range.upperBound, offsetBy: 5)
            text.replaceSubrange(i...i, with: text[i] == "A" ? "B" : "A")
            blobs[0] = Array(text.utf8)
        }
        let d = f.manifestBlob(repo, payload, tag: tag, seedEra: true)
        for b in blobs {
            let s = f.blob(b)
            f.link(StoreLayout.signatureLink(f.repo(repo), revision: d, signature: s), s)
        }
        return d
    }

    @Test func seedEraSignaturesVerifyAndTamperingFails() async throws {
        let f = StoreFixture()
        let key = SigningKey.p256(P256.Signing.PrivateKey())
        let good = try seedSigned(f, repo: "seed", tag: "good", key: key)
        let bad = try seedSigned(f, repo: "seed", tag: "bad", key: key, tamper: true)
        let v = try await verify(f, "seed")
        #expect(v[good]?.check(.signature)?.status == .pass)
        #expect(v[good]?.signature.status == .valid)
        #expect(v[good]?.signature.keyIDs == [key.keyID])
        #expect(v[good]?.signature.algorithm == "ES256")
        #expect(v[bad]?.check(.signature)?.status == .fail)
        #expect(v[bad]?.signature.status == .invalid)
        #expect(v[bad]?.ok == false)
    }

    @Test func signedDocumentStoredWholeIsVerified() async throws {
        let f = StoreFixture()
        let layer = f.blob("layer")
        f.layerLink("doc", layer)
        let payload = StoreFixture.schema1Payload(name: "doc", tag: "v1", layers: [layer])
        let document = try LibtrustJWS.sign(payload: payload, with: [.p384(P384.Signing.PrivateKey())]).get()
        // The revision digest is the payload's; the blob at that path holds the signed document.
        let d = RegistryStorage.Digest.sha256(of: payload)
        f.driver.put(StoreLayout.blobData(d), document)
        f.revisionLink("doc", d)
        f.tag("doc", "v1", d)
        let v = try #require(try await verify(f, "doc")[d])
        #expect(v.check(.contentDigest)?.status == .pass)
        #expect(v.signature.status == .valid)
        #expect(v.signature.algorithm == "ES384")
    }

    @Test func cosignSignatureTagFoundAndVerifiedWithKey() async throws {
        let f = StoreFixture()
        let img = f.image("signed", tag: "v1", layers: ["app"])
        let key = P256.Signing.PrivateKey()
        let payload = Array("{\"critical\":{\"identity\":{\"docker-reference\":\"signed\"},\"image\":{\"docker-manifest-digest\":\"\(img.manifest)\"},\"type\":\"cosign container image signature\"},\"optional\":null}".utf8)
        let signature = try key.signature(for: payload).derRepresentation.base64EncodedString()
        let payloadDigest = f.blob(payload)
        f.layerLink("signed", payloadDigest)
        let config = f.blob("{}")
        f.layerLink("signed", config)
        let sig = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociManifest)\",\"config\":\(StoreFixture.descriptorJSON(MediaType.ociConfig, config, 2)),\"layers\":[\(StoreFixture.descriptorJSON(MediaType.cosignSimpleSigning, payloadDigest, payload.count, extra: ",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"\(signature)\"}"))]}"
        f.manifestBlob("signed", Array(sig.utf8), tag: "sha256-\(img.manifest.hex).sig")

        let unkeyed = try #require(try await verify(f, "signed")[img.manifest])
        #expect(unkeyed.signature.kind == .cosign)
        #expect(unkeyed.signature.status == .signedUnverified)
        #expect(unkeyed.referrers.map(\.via) == [.cosignTag])
        let keyed = try #require(try await verify(f, "signed", key: key.publicKey.pemRepresentation)[img.manifest])
        #expect(keyed.signature.status == .valid)
        let wrong = try #require(try await verify(f, "signed", key: P256.Signing.PrivateKey().publicKey.pemRepresentation)[img.manifest])
        #expect(wrong.signature.status == .invalid)
        #expect(!wrong.ok)
    }

    @Test func notationReferrerThroughSubject() async throws {
        let f = StoreFixture()
        let img = f.image("app", tag: "v1", oci: true, layers: ["app"])
        let sig = f.image("app", tag: nil, oci: true, layers: ["jws envelope"], subject: img.manifest, artifactType: MediaType.notarySignature)
        let v = try #require(try await verify(f, "app")[img.manifest])
        #expect(v.signature.kind == .notation)
        #expect(v.signature.status == .signedUnverified)
        #expect(v.referrers.map(\.digest) == [sig.manifest])
        #expect(v.ok)
    }

    @Test func storeFindingsWeighErrorsAndInformation() async throws {
        let f = StoreFixture()
        f.image("app", tag: "v1", layers: ["kept"])
        f.tag("app", "dangling", RegistryStorage.Digest.sha256(of: Array("gone".utf8)))
        let orphan = f.blob(String(repeating: "o", count: 500))
        f.upload("app", id: "11111111-2222-3333-4444-555555555555", startedAt: "2023-01-01T00:00:00Z", data: Array(repeating: 1, count: 64))
        f.upload("app", id: "22222222-2222-3333-4444-555555555555", startedAt: ISO8601DateFormatter().string(from: Date()), data: [])
        let store = f.store()
        let (listing, repos) = try await store.loadEverything()
        let findings = await Verifier(store: store, options: VerificationOptions()).storeFindings(repos, listing: listing)
        #expect(findings.filter { $0.kind == .danglingTag }.map(\.severity) == [.error])
        let orphans = findings.filter { $0.kind == .orphanBlob }
        #expect(orphans.count == 1)
        #expect(orphans.first?.severity == .info)
        #expect(orphans.first?.size == 500)
        #expect(orphans.first?.message.contains(orphan.description) == true)
        let stale = findings.filter { $0.kind == .staleUpload }
        #expect(stale.count == 1)
        #expect(stale.first?.size == 64)
    }
}
