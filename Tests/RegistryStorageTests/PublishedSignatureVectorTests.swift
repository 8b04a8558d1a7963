import Crypto
import Foundation
import Testing
@testable import RegistryStorage

private typealias StoreDigest = RegistryStorage.Digest

/// Drydock's signature and referrer reading against artifacts published by the signing tools' own projects, so that a
/// misreading shared by our demo store and our fixtures cannot pass unnoticed. Each fixture names its source.
@Suite struct PublishedSignatureVectorTests {
    // MARK: cosign (sigstore/cosign specs/SIGNATURE_SPEC.md)

    /// SIGNATURE_SPEC.md "Tag-based Discovery", the example digest->tag mapping.
    static let specSignedDigest = "sha256:97fc222cee7991b5b061d4d4afdb5f3428fcb0c9054e1690313786befa1e4e36"
    static let specSignatureTag = "sha256-97fc222cee7991b5b061d4d4afdb5f3428fcb0c9054e1690313786befa1e4e36.sig"
    /// SIGNATURE_SPEC.md "Signature", the example `dev.cosignproject.cosign/signature` annotation value.
    static let specSignature = "MEUCIBKI9FIC+YD3m/lWViyPxsJsbnIHj86sSbb7L3qvpEFoAiEA2ZChO/67CuAPQKJLBVsAc7bs9hBK8RpsdfjBsByGKJM="
    /// SIGNATURE_SPEC.md "Certificate", the example `certificate` (a Fulcio leaf with a P-256 key).
    static let specCertificate = """
        -----BEGIN CERTIFICATE-----
        MIICrjCCAjSgAwIBAgIUAM4mURWUSkg06fmHmFfTmerYKaUwCgYIKoZIzj0EAwMw
        KjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTAeFw0y
        MTA0MDExNTU5MDZaFw0yMTA0MDExNjE4NTlaMDoxGzAZBgNVBAoMEmRsb3JlbmNA
        Z29vZ2xlLmNvbTEbMBkGA1UEAwwSZGxvcmVuY0Bnb29nbGUuY29tMFkwEwYHKoZI
        zj0CAQYIKoZIzj0DAQcDQgAE3R0ZtpfBd3Y8DaXuB1gM8JPlhsDIEfXO/WsMJEN1
        4hEn8wajX2HklqL7igZPFICv6tBUGylIHp2mTH2Nhv38mqOCASYwggEiMA4GA1Ud
        DwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDAzAMBgNVHRMBAf8EAjAAMB0G
        A1UdDgQWBBTy3UWIop0bNrdNgSrVHHD10qSASTAfBgNVHSMEGDAWgBTIxR0AQZok
        KTJRJOsNrkrtSgbT7DCBjQYIKwYBBQUHAQEEgYAwfjB8BggrBgEFBQcwAoZwaHR0
        cDovL3ByaXZhdGVjYS1jb250ZW50LTYwM2ZlN2U3LTAwMDAtMjIyNy1iZjc1LWY0
        ZjVlODBkMjk1NC5zdG9yYWdlLmdvb2dsZWFwaXMuY29tL2NhMzZhMWU5NjI0MmI5
        ZmNiMTQ2L2NhLmNydDAdBgNVHREEFjAUgRJkbG9yZW5jQGdvb2dsZS5jb20wCgYI
        KoZIzj0EAwMDaAAwZQIwC15Gtd9F6W9lmJuoXMym9DfWlBpK5HEPak38WPXqowRp
        6p+2/3jSLkFT5Nn5fuISAjEAouVlX4zH2rlkfg45HnDJax7o6ZV+E0/6BdAms44D
        Ej6T/GLK6XJSB28haSPRWB7k
        -----END CERTIFICATE-----

        """

    /// SIGNATURE_SPEC.md "Simple Signing", the example payload as printed (field `Docker-manifest-digest` capitalised,
    /// a number among the optional claims); the spec elides the digest (`sha256:20be...fe55`), so `digest` stands in.
    fileprivate static func specPayload(digest: StoreDigest) -> [UInt8] {
        Array("""
            {
                "critical": {
                       "identity": {
                           "docker-reference": "testing/manifest"
                       },
                       "image": {
                           "Docker-manifest-digest": "\(digest)"
                       },
                       "type": "cosign container image signature"
                },
                "optional": {
                       "creator": "atomic",
                       "timestamp": 1458239713
                }
            }
            """.utf8)
    }

    @Test func cosignTagNamesTheSignedDigest() {
        let base = String(Self.specSignatureTag.dropLast(".sig".count))
        #expect(SignatureDiscovery.digest(fromTag: base)?.description == Self.specSignedDigest)
    }

    /// Go decodes struct fields case-insensitively, so cosign reads `Docker-manifest-digest`; so must we.
    @Test func cosignSpecPayloadReadsWithGoFieldRules() throws {
        let digest = try #require(StoreDigest(Self.specSignedDigest))
        let payload = try CosignVerifier.parseSimpleSigningPayload(Self.specPayload(digest: digest)).get()
        #expect(payload.dockerManifestDigest == digest)
        #expect(payload.isCosignImageSignature)
        #expect(payload.dockerReference == "testing/manifest")
        #expect(payload.optional == ["creator": "atomic"])
    }

    /// The spec's signature manifest layout (OCI manifest, simple-signing layer carrying the signature and the
    /// certificate annotations), tagged `sha256-<hex>.sig` beside the image it signs.
    @Test func cosignSpecSignatureManifestIsFoundThroughItsTag() async throws {
        let f = StoreFixture()
        let img = f.image("dlorenc-vmtest2/demo", tag: "latest", oci: true, layers: ["app"])
        let payload = Self.specPayload(digest: img.manifest)
        let payloadDigest = f.blob(payload)
        f.layerLink("dlorenc-vmtest2/demo", payloadDigest)
        let config = f.blob("{}")
        f.layerLink("dlorenc-vmtest2/demo", config)
        let annotations = [
            ("dev.cosignproject.cosign/signature", Self.specSignature),
            ("dev.sigstore.cosign/certificate", Self.specCertificate),
        ]
        let annotationJSON = annotations.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",")
        let layer = StoreFixture.descriptorJSON(MediaType.cosignSimpleSigning, payloadDigest, payload.count, extra: ",\"annotations\":{\(annotationJSON)}")
        let manifest = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociManifest)\",\"config\":\(StoreFixture.descriptorJSON(MediaType.ociConfig, config, 2)),\"layers\":[\(layer)]}"
        let signatureManifest = f.manifestBlob("dlorenc-vmtest2/demo", Array(manifest.utf8), tag: "sha256-\(img.manifest.hex).sig")

        let found = try #require(try await Self.verify(f, "dlorenc-vmtest2/demo", key: nil)[img.manifest])
        #expect(found.signature.kind == .cosign)
        #expect(found.signature.status == .signedUnverified)
        #expect(found.signature.detail == "1 cosign signature(s) (keyless, with certificate), not verified: pass --key to verify")
        #expect(found.referrers.map(\.digest) == [signatureManifest])
        #expect(found.referrers.map(\.via) == [.cosignTag])
        // The spec's signature was made over another payload: with a key it must not pass.
        let keyed = try #require(try await Self.verify(f, "dlorenc-vmtest2/demo", key: P256.Signing.PrivateKey().publicKey.pemRepresentation)[img.manifest])
        #expect(keyed.signature.status == .invalid)
        #expect(!keyed.ok)
    }

    // MARK: notation (notaryproject/specifications specs/signature-specification.md)

    /// signature-specification.md "Storage", the signature manifest example, byte for byte as printed.
    static let specNotationManifest = """
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.cncf.notary.signature",
                "size": 2,
                "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
            },
            "layers": [
                {
                    "mediaType": "application/jose+json",
                    "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
                    "size": 32654
                }
            ],
            "subject": {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": "sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333",
                "size": 16724
            },
            "annotations": {
                "io.cncf.notary.x509chain.thumbprint#S256": 
                "[\\"B7A69A70992AE4F9FF103EBE04A2C3BA6C777E439253CE36562E6E98375068C3\\",\\"932EB6F5598435D4EF23F97B0B5ACB515FAE2B8D8FAC046AB813DDC419DD5E89\\"]"
            }
        }
        """

    @Test func notationSpecManifestReadsAsASignatureOfItsSubject() throws {
        let manifest = try ManifestParser.parse(Array(Self.specNotationManifest.utf8)).get()
        #expect(manifest.effectiveArtifactType == MediaType.notarySignature)
        #expect(manifest.subject?.digest?.description == "sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333")
        #expect(manifest.subject?.size == 16724)
        #expect(manifest.layers.map(\.mediaType) == ["application/jose+json"])
        // The config is the two bytes `{}`, as the spec's size and digest say.
        #expect(manifest.config?.digest == StoreDigest.sha256(of: Array("{}".utf8)))
        #expect(manifest.annotations["io.cncf.notary.x509chain.thumbprint#S256"]?.hasPrefix("[\"B7A69A70") == true)
    }

    /// The spec's manifest with its subject pointed at a stored image: a referrer through `subject`, reported as a
    /// notation signature that is present but not verified (Drydock does not check notation envelopes).
    @Test func notationSpecManifestIsFoundAsAReferrer() async throws {
        let f = StoreFixture()
        let img = f.image("net-monitor", tag: "v1", oci: true, layers: ["app"])
        f.layerLink("net-monitor", f.blob("{}"))
        let envelopeBytes = Array("{\"payload\":\"\",\"protected\":\"\",\"header\":{},\"signature\":\"\"}".utf8)
        let envelope = f.blob(envelopeBytes)
        f.layerLink("net-monitor", envelope)
        let text = Self.specNotationManifest
            .replacingOccurrences(of: "sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333", with: img.manifest.description)
            .replacingOccurrences(of: "\"size\": 16724", with: "\"size\": \(img.bytes.count)")
            .replacingOccurrences(of: "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0", with: envelope.description)
            .replacingOccurrences(of: "\"size\": 32654", with: "\"size\": \(envelopeBytes.count)")
        let signature = f.manifestBlob("net-monitor", Array(text.utf8), tag: nil)

        let v = try #require(try await Self.verify(f, "net-monitor", key: nil)[img.manifest])
        #expect(v.signature.kind == .notation)
        #expect(v.signature.status == .signedUnverified)
        #expect(v.referrers.map(\.digest) == [signature])
        #expect(v.referrers.map(\.via) == [.subject])
        #expect(v.referrers.map(\.artifactType) == [MediaType.notarySignature])
        #expect(v.ok)
    }

    // MARK: helpers

    fileprivate static func verify(_ f: StoreFixture, _ repo: String, key: String?) async throws -> [StoreDigest: ManifestVerification] {
        let store = f.store()
        let contents = try #require(await store.load(repository: repo))
        var options = VerificationOptions()
        options.cosignPublicKeyPEM = key
        let results = await Verifier(store: store, options: options).verify(contents)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.digest, $0) })
    }

    static func jsonString(_ s: String) -> String {
        var out = [UInt8]()
        GoJSONWriter.writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
