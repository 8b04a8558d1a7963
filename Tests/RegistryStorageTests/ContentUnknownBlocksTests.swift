import Foundation
import Testing
import TestHarness
@testable import RegistryStorage

#if canImport(Glibc)
import Glibc

/// What cannot be read may be what keeps something alive, so it stops a cleanup instead of counting as absent: an
/// untagged manifest that cannot be read (it may be a referrer of a kept one), a seed-era manifest linked under
/// `_layers` that cannot be read, and a repository whose tags could not all be listed, for `prune --untagged`.
/// Found by a review of deletion safety; each case swept data a kept tag needs before its fix.
@Suite struct ContentUnknownBlocksTests {
    /// A driver whose reads of one path fail (EIO, or an S3 error that outlasted the retries).
    struct FailingReads: ForwardingDriver {
        let base: any StorageDriver
        let failing: StoragePath
        func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] {
            if path == failing { throw DriverError.io(path, "Input/output error") }
            return try await base.read(path, limit: limit)
        }
    }

    static func onDisk(_ f: StoreFixture) throws -> (root: String, v2: String) {
        let root = try f.writeToDisk()
        return (root, root + "/docker/registry/v2")
    }

    static func relocateOutside(_ v2: String, _ p: StoragePath) throws -> String {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-outside-\(UUID().uuidString)").path
        try FileManager.default.moveItem(atPath: v2 + "/" + p.relativeString, toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: v2 + "/" + p.relativeString, withDestinationPath: outside)
        return outside
    }

    /// A tagged image and an untagged notation-style referrer of it.
    static func signedImage() -> (StoreFixture, app: StoreFixture.Image, referrer: StoreFixture.Image) {
        let f = StoreFixture()
        let app = f.image("team/app", tag: "v1", oci: true, layers: ["app layer"])
        let referrer = f.image("team/app", tag: nil, oci: true, layers: ["notation envelope"], subject: app.manifest,
                               artifactType: MediaType.notarySignature)
        return (f, app, referrer)
    }

    @Test func anUnreadableUntaggedReferrerBlocksDeletingUntagged() async throws {
        let (f, _, referrer) = Self.signedImage()
        let readable = try await GarbageCollector(store: f.store()).plan(deleteUntagged: true)
        #expect(readable.blobs.isEmpty && readable.blockers.isEmpty, "readable, the referrer is kept")
        let failing = FailingReads(base: f.driver, failing: StoreLayout.blobData(referrer.manifest))
        let plan = try await GarbageCollector(store: RegistryStore(driver: failing)).plan(deleteUntagged: true)
        #expect(plan.blockers.contains { $0.contains(referrer.manifest.description) }, "\(plan.blockers)")
        // Without --delete-untagged it was always kept, so it always blocked.
        let keeping = try await GarbageCollector(store: RegistryStore(driver: failing)).plan(deleteUntagged: false)
        #expect(!keeping.blockers.isEmpty)
    }

    @Test(arguments: ["symlink", "fifo"])
    func anUntaggedReferrerThatIsNotARegularFileBlocksARealRun(_ kind: String) async throws {
        let (f, app, referrer) = Self.signedImage()
        let (root, v2) = try Self.onDisk(f)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = StoreLayout.blobData(referrer.manifest)
        var outside: String?
        // The relocated file must live until the end of the test: the symlink points at real, readable content.
        defer { if let outside { try? FileManager.default.removeItem(atPath: outside) } }
        if kind == "fifo" {
            try FileManager.default.removeItem(atPath: v2 + "/" + data.relativeString)
            #expect(mkfifo(v2 + "/" + data.relativeString, 0o644) == 0)
        } else {
            outside = try Self.relocateOutside(v2, data)
        }
        let store = try RegistryStore.open(root: root)
        let plan = try await GarbageCollector(store: store).plan(deleteUntagged: true)
        #expect(plan.blockers.contains { $0.contains(referrer.manifest.description) }, "\(plan.blockers)")
        await #expect(throws: DeleteError.self) {
            try await GarbageCollector(store: store).collect(plan, policy: .unrestricted, registryStopped: true)
        }
        for d in referrer.layers + app.layers {
            #expect(FileManager.default.fileExists(atPath: v2 + "/" + StoreLayout.blobData(d).relativeString))
        }
    }

    @Test func aSeedEraManifestThatCannotBeReadBlocks() async throws {
        let f = StoreFixture()
        let seed = f.schema1Image("old/app", tag: "v1", layers: ["seed layer"], seedEra: true)
        let readable = try await GarbageCollector(store: f.store()).plan(deleteUntagged: false)
        #expect(readable.blobs.isEmpty && readable.blockers.isEmpty, "readable, the seed-era image is kept")
        let failing = FailingReads(base: f.driver, failing: StoreLayout.blobData(seed.digest))
        let plan = try await GarbageCollector(store: RegistryStore(driver: failing)).plan(deleteUntagged: false)
        #expect(plan.blockers.contains { $0.contains(StoreLayout.blobData(seed.digest).description) }, "\(plan.blockers)")
    }

    @Test func aSeedEraManifestBehindASymlinkOutsideBlocks() async throws {
        let f = StoreFixture()
        let seed = f.schema1Image("old/app", tag: "v1", layers: ["seed layer"], seedEra: true)
        let (root, v2) = try Self.onDisk(f)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let outside = try Self.relocateOutside(v2, StoreLayout.blobData(seed.digest))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let plan = try await GarbageCollector(store: RegistryStore.open(root: root)).plan(deleteUntagged: false)
        #expect(plan.blockers.contains { $0.contains(StoreLayout.blobData(seed.digest).description) }, "\(plan.blockers)")
        // Followed (as the registry does), the image is read and kept.
        let followed = try await GarbageCollector(store: RegistryStore.open(root: root, followSymlinks: true)).plan(deleteUntagged: false)
        #expect(followed.blockers.isEmpty && followed.blobs.isEmpty, "\(followed.blockers) \(followed.blobs)")
    }

    /// A layer pushed by a SHA-512 digest: registry 2.8.2 stores its data once under the SHA-256 digest and links the
    /// SHA-512 name to it (`_layers/sha512/<hex>/link` holding `sha256:<hex>`). The mark does not follow that link,
    /// so before this block the SHA-256 data, which the tagged image pulls, was swept as unreferenced.
    @Test func aKeptManifestReferencingASHA512BlobBlocks() async throws {
        let f = StoreFixture()
        let data = Array("layer pushed by its sha512 digest".utf8)
        let stored = f.blob(data)
        let alias = try #require(Digest("sha512:" + String(repeating: "ab", count: 64)))
        f.layerLink("team/app", alias, content: stored.description)
        f.layerLink("team/app", stored)
        let config = f.blob(Array(StoreFixture.configJSON(architecture: "amd64", labels: [:], layers: 1).utf8))
        f.layerLink("team/app", config)
        let manifest = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociManifest)\",\"config\":"
            + StoreFixture.descriptorJSON(MediaType.ociConfig, config, 10) + ",\"layers\":["
            + StoreFixture.descriptorJSON("application/vnd.oci.image.layer.v1.tar+gzip", alias, data.count) + "]}"
        let m = f.manifestBlob("team/app", Array(manifest.utf8), tag: "v1")
        let plan = try await GarbageCollector(store: f.store()).plan(deleteUntagged: false)
        #expect(plan.blockers.contains { $0.contains(m.description) && $0.contains(alias.description) }, "\(plan.blockers)")
        await #expect(throws: DeleteError.self) {
            try await GarbageCollector(store: f.store()).collect(plan, policy: .unrestricted, registryStopped: true)
        }
        #expect(f.exists(StoreLayout.blobData(stored)))
    }

    /// `prune --untagged` on a repository whose tags folder is a symlink leaving the store (the registry follows it
    /// and serves the tags): no manifest is removed there, with a warning; before, every manifest was.
    @Test func pruneUntaggedRemovesNoManifestWhereTagsCouldNotBeListed() async throws {
        let f = StoreFixture()
        let v1 = f.image("team/app", tag: "v1", oci: true, layers: ["one"])
        let v2 = f.image("team/app", tag: "v2", oci: true, layers: ["two"])
        _ = f.image("team/app", tag: nil, oci: true, layers: ["untagged"])
        let (root, folder) = try Self.onDisk(f)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let outside = try Self.relocateOutside(folder, StoreLayout.repository("team/app").appending(["_manifests", "tags"]))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let repos = try await RegistryStore.open(root: root).loadEverything(detail: .marking).1
        let plan = RetentionPlan.make(repos, rules: [try RetentionRuleSet(keepLast: 1)], fingerprints: [:], untagged: true, now: Date())
        let app = try #require(plan.repositories.first { $0.name == "team/app" })
        #expect(app.manifests.isEmpty, "removed \(app.manifests) (v1 \(v1.manifest), v2 \(v2.manifest))")
        #expect(plan.warnings.contains { $0.contains("team/app") && $0.contains("no manifest is removed") }, "\(plan.warnings)")
    }

    /// The same with one tag folder whose name is not UTF-8 (skipped by the load, served by the registry).
    @Test func pruneUntaggedRemovesNoManifestWhereATagNameCannotBeRead() async throws {
        let f = StoreFixture()
        let v1 = f.image("team/app", tag: "v1", oci: true, layers: ["one"])
        _ = f.image("team/app", tag: "v2", oci: true, layers: ["two"])
        let (root, folder) = try Self.onDisk(f)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tags = folder + "/" + StoreLayout.repository("team/app").appending(["_manifests", "tags"]).relativeString
        var bad = Array((tags + "/v1").utf8); bad.append(0xFF); bad.append(0)
        let renamed = bad.withUnsafeBufferPointer { b in b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { Glibc.rename(tags + "/v1", $0) } }
        #expect(renamed == 0)
        let repos = try await RegistryStore.open(root: root).loadEverything(detail: .marking).1
        let plan = RetentionPlan.make(repos, rules: [try RetentionRuleSet(keepLast: 5)], fingerprints: [:], untagged: true, now: Date())
        let app = try #require(plan.repositories.first { $0.name == "team/app" })
        #expect(!app.manifests.contains(v1.manifest) && app.manifests.isEmpty, "removed \(app.manifests)")
    }
}
#endif
