@testable import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

/// The demo store (`DemoStoreBuilder`, committed as `Resources/demo-store`): every planted case is found by the
/// loader and the verifier exactly as intended, the output is reproducible, and the committed copy has not drifted.
@Suite struct DemoStoreTests {
    typealias B = DemoStoreBuilder

    /// Everything one verification pass produces.
    struct Verified {
        var listing: Catalog.Listing
        var repos: [String: RepositoryContents]
        var manifests: [Digest: ManifestVerification]
        var findings: [StoreFinding]

        func repo(_ name: String) throws -> RepositoryContents { try #require(repos[name]) }
        func manifest(_ d: Digest) throws -> ManifestVerification { try #require(manifests[d]) }
        var failed: Set<Digest> { Set(manifests.values.filter { !$0.ok }.map(\.digest)) }
    }

    static let now = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15

    static func verify(_ store: RegistryStore, deep: Bool = false, key: String? = nil) async throws -> Verified {
        let (listing, repos) = try await store.loadEverything()
        let verifier = Verifier(store: store, options: VerificationOptions(deep: deep, cosignPublicKeyPEM: key))
        var manifests: [Digest: ManifestVerification] = [:]
        for repo in repos {
            for m in await verifier.verify(repo) {
                #expect(manifests[m.digest] == nil, "\(m.digest) is stored in two repositories")
                manifests[m.digest] = m
            }
        }
        let findings = await verifier.storeFindings(repos, listing: listing, now: now)
        return Verified(listing: listing, repos: Dictionary(uniqueKeysWithValues: repos.map { ($0.name, $0) }), manifests: manifests, findings: findings)
    }

    static func inMemory() async throws -> (RegistryStore, B.Facts) {
        let driver = InMemoryDriver(location: "demo://")
        let facts = try await B().write(to: driver)
        return (RegistryStore(driver: driver), facts)
    }

    static func status(_ m: ManifestVerification, _ check: CheckName) -> CheckStatus? { m.check(check)?.status }

    // MARK: shape

    @Test func buildIsDeterministicAndSmall() throws {
        let a = B().build(), b = B().build()
        #expect(a.files == b.files)
        #expect(a.facts == b.facts)
        #expect(a.totalBytes < 64 * 1024, "the demo must stay small: \(a.totalBytes) bytes")
        // Every file is a link, a blob or an upload file; links hold exactly a digest, no newline.
        for (path, bytes) in a.files {
            if path.lastComponent == "link" {
                let content = try LinkContent.parse(bytes).get()
                #expect(content.isCanonical, "\(path)")
            } else {
                #expect(path.components.first == "blobs" || path.components.contains("_uploads"), "\(path)")
            }
        }
        // Blob files are named by their content's digest, except the one corrupted on purpose.
        let corrupted = StoreLayout.blobData(a.facts.corruptedLayer)
        for (path, bytes) in a.files where path.components.first == "blobs" {
            let c = path.components
            let named = try #require(StoreLayout.digest(algorithm: c[1], hex: c[3]))
            #expect((Digest.sha256(of: bytes) == named) == (path != corrupted), "\(path)")
        }
        #expect(a.files[StoreLayout.blobData(a.facts.missingLayer)] == nil)
    }

    /// The key material the documentation quotes (DemoStoreBuilder's doc comments, the report of `drydock demo`).
    @Test func documentedKeysAreTheDemoKeys() {
        #expect(B.cosignPublicKeyPEM == """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9QaMKNGDkctTcjEcWAyP+G73TC28
            RVHQBSEOEyioo3g6QpXZfTJKNdfF7BIYex8RobHQCkv6KR1x3HM3893kcA==
            -----END PUBLIC KEY-----
            """)
        #expect(B.schema1KeyIDs == [
            "ABYI:OQXF:H5FQ:NJG7:3AZM:VFGO:LYNH:24F3:E4CJ:HEMU:2A53:COW6",
            "CUYZ:UBPM:SZR3:JBAO:JIH3:23JD:5VFU:EWAF:PCVP:FHIF:2IDL:RYEB",
        ])
    }

    @Test func catalogListsNestedRepositoriesInWalkOrder() async throws {
        let (store, _) = try await Self.inMemory()
        let listing = try await store.repositories()
        #expect(listing.problems.isEmpty)
        #expect(listing.repositories.map(\.name) == [
            B.corrupted, B.missingLayer, B.seedApp, B.tampered, B.alpine, B.api, B.migrations, B.frontend,
        ])
        #expect(listing.repositories.allSatisfy { $0.hasLayersFolder && $0.nameIsValid && $0.problems.isEmpty })
    }

    // MARK: what verification finds

    @Test func multiArchIndexWithUntaggedChildrenAndRetaggedRevision() async throws {
        let (store, facts) = try await Self.inMemory()
        let v = try await Self.verify(store)
        let alpine = try v.repo(B.alpine)
        #expect(alpine.revisions.map(\.digest) == [facts.alpineIndex, facts.alpineAMD64, facts.alpineARM64, facts.alpineOld].sorted())
        let index = try #require(alpine.revision(facts.alpineIndex))
        #expect(index.format == .ociIndex)
        #expect(index.tags.sorted() == ["3.20", "latest"])
        let children = try #require(index.manifest?.children)
        #expect(children.map(\.digest) == [facts.alpineAMD64, facts.alpineARM64])
        #expect(children.map { $0.platform?.description } == ["linux/amd64", "linux/arm64/v8"])
        for d in [facts.alpineAMD64, facts.alpineARM64, facts.alpineOld] {
            let r = try #require(alpine.revision(d))
            #expect(r.format == .ociManifest)
            #expect(r.tags.isEmpty, "\(d) should be untagged")
        }
        #expect(alpine.revision(facts.alpineARM64)?.config?.architecture == "arm64")
        #expect(alpine.revision(facts.alpineARM64)?.config?.variant == "v8")
        #expect(alpine.tag("latest")?.history == [facts.alpineIndex, facts.alpineOld].sorted())
        #expect(alpine.tag("latest")?.current == facts.alpineIndex)
        let verdict = try v.manifest(facts.alpineIndex)
        #expect(Self.status(verdict, .children) == .pass)
        #expect(Self.status(verdict, .sizes) == .pass)
        for d in [facts.alpineIndex, facts.alpineAMD64, facts.alpineARM64, facts.alpineOld] {
            #expect(try v.manifest(d).ok)
            #expect(try v.manifest(d).signature.status == .unsigned)
        }
        // Real layers: the config's diff_ids name the uncompressed tars, one per layer.
        let config = try #require(alpine.revision(facts.alpineAMD64)?.config)
        #expect(config.diffIDs.count == 1)
        #expect(config.labels["org.opencontainers.image.version"] == "3.20.3")
    }

    @Test func seedEraSchema1WithValidSignatureLinks() async throws {
        let (store, facts) = try await Self.inMemory()
        let v = try await Self.verify(store)
        let repo = try v.repo(B.seedApp)
        let r = try #require(repo.revision(facts.seedApp))
        #expect(r.placement == .layers)
        #expect(r.format == .schema1)
        #expect(r.signatureLinks == facts.seedAppSignatures)
        #expect(r.signatureLinks.count == 2)
        #expect(r.tags == ["1.0"])
        #expect(r.problems.map(\.code) == [.seedEraPlacement])
        #expect(r.config?.labels["description"] == "seed-era app, café ☕")
        let m = try v.manifest(facts.seedApp)
        #expect(m.ok)
        #expect(m.signature.kind == .schema1)
        #expect(m.signature.status == .valid)
        #expect(m.signature.keyIDs.sorted() == B.schema1KeyIDs.sorted())
        #expect(m.signature.algorithm == "ES256")
        for check in [CheckName.contentDigest, .format, .repositoryName, .historyLength, .signature, .referencedBlobs] {
            #expect(Self.status(m, check) == .pass, "\(check)")
        }
        // The payload alone is stored; the signatures live only in their own blobs.
        #expect(r.manifest?.schema1?.signatureCount == 0)
    }

    @Test func tamperedSeedEraSignatureIsInvalid() async throws {
        let (store, facts) = try await Self.inMemory()
        let v = try await Self.verify(store)
        let r = try #require(try v.repo(B.tampered).revision(facts.tampered))
        #expect(r.placement == .layers)
        #expect(r.signatureLinks == facts.tamperedSignatures)
        let m = try v.manifest(facts.tampered)
        #expect(!m.ok)
        #expect(m.signature.kind == .schema1)
        #expect(m.signature.status == .invalid)
        #expect(m.signature.keyIDs == [B.schema1KeyIDs[0]])
        #expect(Self.status(m, .signature) == .fail)
        // The stored payload is self-consistent: only the signature gives the edit away.
        #expect(Self.status(m, .contentDigest) == .pass)
        #expect(Self.status(m, .referencedBlobs) == .pass)
    }

    @Test func missingLayerFailsReferencedBlobs() async throws {
        let (store, facts) = try await Self.inMemory()
        let v = try await Self.verify(store, deep: true)
        let repo = try v.repo(B.missingLayer)
        #expect(repo.blobStates[facts.missingLayer] == .missing)
        #expect(repo.layerLinks.contains { $0.digest == facts.missingLayer && $0.target == facts.missingLayer })
        let m = try v.manifest(facts.missingLayerManifest)
        #expect(!m.ok)
        let blobs = try #require(m.check(.referencedBlobs))
        #expect(blobs.status == .fail)
        #expect(blobs.detail == "\(facts.missingLayer) is linked but its data is missing")
        #expect(Self.status(m, .deepIntegrity) == .fail)
        #expect(m.check(.deepIntegrity)?.detail.contains("\(facts.missingLayer.short) has no data to hash") == true)
    }

    @Test func corruptedBlobFailsOnlyDeepIntegrity() async throws {
        let (store, facts) = try await Self.inMemory()
        let shallow = try await Self.verify(store)
        let before = try shallow.manifest(facts.corruptedManifest)
        #expect(before.ok, "same size, still linked: only re-hashing can tell")
        #expect(Self.status(before, .deepIntegrity) == .notApplicable)

        let deep = try await Self.verify(store, deep: true)
        let m = try deep.manifest(facts.corruptedManifest)
        #expect(!m.ok)
        let check = try #require(m.check(.deepIntegrity))
        #expect(check.status == .fail)
        #expect(check.detail.hasPrefix("\(facts.corruptedLayer.short) is corrupted: its data hashes to sha256:"))
        #expect(Self.status(m, .referencedBlobs) == .pass)
        #expect(Self.status(m, .sizes) == .pass)
        // The shared base layer is intact wherever it is used.
        #expect(Self.status(try deep.manifest(facts.api), .deepIntegrity) == .pass)
        #expect(deep.failed == [facts.corruptedManifest, facts.missingLayerManifest, facts.tampered])
        #expect(shallow.failed == [facts.missingLayerManifest, facts.tampered])
    }

    @Test func cosignSignatureTagVerifiesWithTheDemoKey() async throws {
        let (store, facts) = try await Self.inMemory()
        #expect(facts.apiSignatureTag == "sha256-\(facts.api.hex).sig")

        let unkeyed = try await Self.verify(store)
        let m = try unkeyed.manifest(facts.api)
        #expect(m.ok)
        #expect(m.signatures.count == 1)
        #expect(m.signature.kind == .cosign)
        #expect(m.signature.status == .signedUnverified)
        #expect(m.signature.source == "tag \(facts.apiSignatureTag)")
        #expect(m.referrers == [Referrer(digest: facts.apiSignature, artifactType: nil, via: .cosignTag, tag: facts.apiSignatureTag)])
        let api = try unkeyed.repo(B.api)
        #expect(api.revision(facts.api)?.tags.sorted() == ["1.4.2", "latest"])
        #expect(api.revision(facts.apiSignature)?.tags == [facts.apiSignatureTag])
        #expect(try unkeyed.manifest(facts.apiSignature).ok)
        let labels = try #require(api.revision(facts.api)?.config?.labels)
        #expect(labels["org.opencontainers.image.authors"] == "Zoë Müller <zoe@example.com>")
        #expect(labels["org.opencontainers.image.description"] == "Takes orders for the café ☕")

        let keyed = try await Self.verify(store, key: B.cosignPublicKeyPEM)
        let valid = try keyed.manifest(facts.api)
        #expect(valid.signature.kind == .cosign)
        #expect(valid.signature.status == .valid)
        #expect(valid.signature.detail == "1 cosign signature(s) valid for the given key")

        let otherKey = DemoStoreBuilder.Keys.notationPublicKeyPEM
        let wrong = try await Self.verify(store, key: otherKey)
        #expect(try wrong.manifest(facts.api).signature.status == .invalid)
    }

    @Test func notationReferrerThroughSubjectAndFallbackTag() async throws {
        let (store, facts) = try await Self.inMemory()
        let v = try await Self.verify(store)
        let frontend = try v.repo(B.frontend)
        let notation = try #require(frontend.revision(facts.frontendNotation))
        #expect(notation.tags.isEmpty)
        #expect(notation.manifest?.subject?.digest == facts.frontend)
        #expect(notation.manifest?.effectiveArtifactType == MediaType.notarySignature)
        let fallbackTag = "sha256-\(facts.frontend.hex)"
        #expect(frontend.revision(facts.frontendReferrersIndex)?.tags == [fallbackTag])

        let m = try v.manifest(facts.frontend)
        #expect(m.ok)
        #expect(m.signatures.count == 1)
        #expect(m.signature.kind == .notation)
        #expect(m.signature.status == .signedUnverified)
        #expect(m.referrers == [Referrer(digest: facts.frontendNotation, artifactType: MediaType.notarySignature, via: .fallbackTag, tag: fallbackTag)])
        #expect(try v.manifest(facts.frontendNotation).ok)
        #expect(Self.status(try v.manifest(facts.frontendReferrersIndex), .children) == .pass)
        #expect(frontend.revision(facts.frontend)?.config?.labels["org.opencontainers.image.description"]?.contains("café ☕") == true)
    }

    @Test func nestedRepositoryIsAlsoANamespace() async throws {
        let (store, facts) = try await Self.inMemory()
        let v = try await Self.verify(store)
        let migrations = try v.repo(B.migrations)
        #expect(migrations.revisions.map(\.digest) == [facts.migrations])
        #expect(migrations.tags.map(\.name) == ["latest", "v12"])
        #expect(try v.manifest(facts.migrations).ok)
        // The parent's own contents do not leak into the child, and the reverse.
        #expect(try v.repo(B.api).revisions.count == 2)
        #expect(migrations.uploads.isEmpty)
    }

    @Test func storeFindingsAreExactlyTheSeedPlacementsStaleUploadAndOrphans() async throws {
        let (store, facts) = try await Self.inMemory()
        let v = try await Self.verify(store)
        #expect(v.findings.allSatisfy { $0.severity == .info }, "\(v.findings)")

        let upload = v.findings.filter { $0.kind == .staleUpload }
        #expect(upload.count == 1)
        #expect(upload.first?.repository == B.api)
        #expect(upload.first?.size == Int64(facts.staleUploadSize))
        #expect(upload.first?.path == StoreLayout.uploadDirectory(StoreLayout.repository(B.api), facts.staleUploadID))
        let api = try v.repo(B.api)
        #expect(api.uploads.map(\.id) == [facts.staleUploadID])
        #expect(api.uploads.first?.startedAt == ImageConfig.parseTimestamp("2023-11-02T08:14:09Z"))

        let orphans = v.findings.filter { $0.kind == .orphanBlob }
        #expect(orphans.compactMap(\.path).sorted() == facts.orphanBlobs.map(StoreLayout.blobData).sorted())
        #expect(facts.orphanBlobs.count == 3)

        let other = v.findings.filter { $0.kind == .other }
        #expect(other.compactMap(\.repository).sorted() == [B.seedApp, B.tampered])
        #expect(other.allSatisfy { $0.message.contains("linked under _layers only") })
        #expect(v.findings.count == upload.count + orphans.count + other.count)
    }

    // MARK: sizes

    /// A repository's blob uses (what `ls` keeps per repository for the store-wide sizes) against the plain formula:
    /// every manifest blob, each manifest's blob references and its seed-era signature links, each blob with the
    /// number of manifests referencing it. The demo has schema1 manifests with signatures, indexes, shared layers and
    /// references to manifests of the same repository; every load detail `ls` and the browser use is checked.
    @Test func blobUsesAreTheReferencedBlobsWithTheirManifestCounts() async throws {
        let (store, _) = try await Self.inMemory()
        for detail in [LoadDetail.full, .display, .listing] {
            let (_, repos) = try await store.loadEverything(detail: detail)
            var signatures = 0, schema1 = 0, indexes = 0
            for repo in repos {
                var expected = Set<Digest>()
                var counts: [Digest: Int] = [:]
                for r in repo.revisions {
                    expected.insert(r.digest)
                    expected.formUnion(r.signatureLinks)
                    signatures += r.signatureLinks.count
                    if r.manifest?.schema1 != nil { schema1 += 1 }
                    if r.manifest?.format.isIndex == true { indexes += 1 }
                    let referenced = Set((r.manifest?.blobReferences ?? []).compactMap(\.digest))
                    expected.formUnion(referenced)
                    for d in referenced { counts[d, default: 0] += 1 }
                }
                let use = StoreIndex.BlobUse(repo)
                #expect(use.repository == repo.name)
                #expect(use.blobs.count == Set(use.blobs.map(\.digest)).count, "\(repo.name): a blob listed twice")
                #expect(Set(use.blobs.map(\.digest)) == expected, "\(repo.name) (\(detail))")
                for b in use.blobs {
                    #expect(b.manifests == counts[b.digest] ?? 0, "\(repo.name) \(b.digest)")
                    #expect(b.size == repo.blobSize(b.digest) ?? 0, "\(repo.name) \(b.digest)")
                }
            }
            #expect(signatures > 0 && schema1 > 0 && indexes > 0, "the demo no longer has every kind (\(detail))")
        }
    }

    // MARK: on disk

    @Test func onDiskStoreMatchesTheInMemoryOne() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let facts = try await B().write(toDirectory: root)
        #expect(facts == B().build().facts)
        let pem = try String(contentsOfFile: root + "/" + B.cosignPublicKeyFileName, encoding: .utf8)
        #expect(pem.trimmingCharacters(in: .whitespacesAndNewlines) == B.cosignPublicKeyPEM)

        let disk = try await Self.verify(try RegistryStore.open(root: root), deep: true, key: pem)
        let (memoryStore, _) = try await Self.inMemory()
        let memory = try await Self.verify(memoryStore, deep: true, key: pem)
        #expect(disk.listing.repositories.map(\.name) == memory.listing.repositories.map(\.name))
        #expect(disk.failed == memory.failed)
        #expect(disk.manifests.count == 14)
        for (d, m) in memory.manifests {
            let other = try disk.manifest(d)
            #expect(other.checks.map(\.status) == m.checks.map(\.status), "\(m.repository)@\(d)")
            #expect(other.signature.status == m.signature.status, "\(m.repository)@\(d)")
        }
        #expect(try disk.manifest(facts.api).signature.status == .valid)
        let diskKinds: [String] = disk.findings.map(\.kind.rawValue).sorted()
        let memoryKinds: [String] = memory.findings.map(\.kind.rawValue).sorted()
        #expect(diskKinds == memoryKinds)
    }

    /// `Resources/demo-store` must be exactly what the builder writes today (regenerate with
    /// `drydock demo generate --force Resources/demo-store`).
    @Test func committedDemoStoreHasNotDrifted() async throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = packageRoot.appendingPathComponent("Resources/demo-store").path
        let fresh = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        try await B().write(toDirectory: fresh)

        let want = try Self.tree(fresh), have = try Self.tree(committed)
        #expect(Set(have.keys) == Set(want.keys), "regenerate with: drydock demo generate --force Resources/demo-store")
        for (path, bytes) in want where have[path] != nil {
            #expect(have[path] == bytes, "\(path) differs; regenerate with: drydock demo generate --force Resources/demo-store")
        }
    }

    /// Every regular file below `root`, by relative path.
    static func tree(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { return out }
        while let rel = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = (root as NSString).appendingPathComponent(rel)
            if fm.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[rel] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return out
    }

    // MARK: primitives

    /// RFC 6979 appendix A.2.5 (P-256, SHA-256): the nonces, hence the signatures, are the published ones.
    @Test func deterministicECDSAMatchesRFC6979() throws {
        let key = U256(hex: "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721").bytes
        let vectors = [
            ("sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"),
            ("test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"),
        ]
        for (message, expected) in vectors {
            let raw = try #require(DeterministicP256.sign(Array(message.utf8), rawKey: key))
            #expect(raw.map { String(format: "%02x", $0) }.joined() == expected, "\(message)")
        }
    }

    static let gzip = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func gunzip(_ data: [UInt8]) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(gzip))
        p.arguments = ["-dc"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(data))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return Array(out)
    }

    // gzip is part of every Debian system (and .ci/run checks for it): a missing one fails here, never skips.
    @Test
    func layersAreGzipTarsMatchingTheirDiffIDs() async throws {
        // The encoder on its own, with long matches, far distances and every byte value.
        var sample: [UInt8] = []
        for i in 0..<40_000 { sample.append(UInt8(truncatingIfNeeded: (i * 7919) >> (i % 5))) }
        sample += [UInt8](repeating: 0x41, count: 3000) + Array(sample.prefix(20_000))
        #expect(try Self.gunzip(DemoGzip.compress(sample)) == sample)
        #expect(try Self.gunzip(DemoGzip.compress([])) == [])

        let (store, facts) = try await Self.inMemory()
        let (_, repos) = try await store.loadEverything()
        var checked = 0
        for repo in repos {
            for r in repo.revisions {
                guard let m = r.manifest, let config = r.config, m.schema1 == nil, !config.diffIDs.isEmpty else { continue }
                #expect(config.diffIDs.count == m.layers.count)
                // The cosign signature "image" has one uncompressed layer: its payload.
                guard m.layers.allSatisfy({ $0.mediaType?.hasSuffix("gzip") == true }) else { continue }
                for (layer, diffID) in zip(m.layers, config.diffIDs) {
                    let d = try #require(layer.digest)
                    guard d != facts.missingLayer, d != facts.corruptedLayer else { continue }
                    let tar = try Self.gunzip(try await store.driver.read(StoreLayout.blobData(d), limit: 1 << 20))
                    #expect(Digest.sha256(of: tar).description == diffID)
                    try #require(tar.count >= 1536 && tar.count % 512 == 0)
                    #expect(Array(tar[257..<263]) == Array("ustar".utf8) + [0])
                    #expect(tar.suffix(1024).allSatisfy { $0 == 0 })
                    checked += 1
                }
            }
        }
        #expect(checked >= 10)
    }
}
