import Foundation
import Testing
import TestHarness
@testable import RegistryStorage

/// A manifest the online collector unlinked that something needs again comes back whole: its revision link and tag
/// history, its own blob, config, layers and children's, in the pass that restores it (README, "Online garbage
/// collection", steps 6 and 7 and the interleavings table).
@Suite struct OnlineGCRestoreTests {
    static let written: Double = 1000

    static func collector(_ f: StoreFixture, age: Double, deleteUntagged: Bool = true) -> OnlineCollector {
        let now = Date(timeIntervalSince1970: written + age)
        return OnlineCollector(
            store: f.store(), policy: .unrestricted, cache: .none,
            options: OnlineGCOptions(grace: 3600, quarantinePeriod: 86400, settle: .milliseconds(1), deleteUntagged: deleteUntagged),
            now: { now }, wait: { _ in })
    }

    /// `team/app:v1` pushed twice: `old` is untagged garbage two hours later (with `signed`, an untagged signature
    /// naming it as subject), the second push is tagged.
    static func replacedImage(oci: Bool = false, signed: Bool = false) -> (f: StoreFixture, old: StoreFixture.Image, signature: StoreFixture.Image?) {
        let f = StoreFixture()
        f.driver.clock.withLock { $0 = written }
        let old = f.image("team/app", tag: "v1", oci: oci, layers: ["base", "old"], labels: ["v": "1"])
        let signature = signed
            ? f.image("team/app", tag: nil, oci: true, layers: ["signature of v1"], subject: old.manifest, artifactType: MediaType.notarySignature)
            : nil
        _ = f.image("team/app", tag: "v1", oci: oci, layers: ["base", "new"], labels: ["v": "2"])
        return (f, old, signature)
    }

    /// The registry's PUT of `old`'s bytes by `tag` at T0 + `age`: linkBlob rewrites the revision link, then the tag's
    /// index and current links.
    static func putAgain(_ f: StoreFixture, _ d: Digest, tag: String, age: Double = 7200) {
        f.driver.clock.withLock { $0 = written + age }
        f.revisionLink("team/app", d)
        f.tag("team/app", tag, d)
    }

    /// Interleavings table: "tags an untagged manifest again … before the unlink the tag PUT rewrites the revision
    /// link: restored with its blobs". A rollback (`PUT /v2/team/app/manifests/rollback` with the bytes of an old
    /// untagged manifest) lands after the mark at T0 but before step 3, which removes the revision folder the PUT
    /// rewrote: the re-scan counts the tag's current link, so the manifest and its blobs come back, and a later run
    /// deletes nothing.
    @Test func manifestTaggedAgainBeforeTheUnlinkIsRestoredWithItsBlobs() async throws {
        let (f, old, _) = Self.replacedImage()
        let collector = Self.collector(f, age: 7200)
        let plan = try await collector.plan()
        #expect(plan.gc.manifests.map(\.digest) == [old.manifest])
        Self.putAgain(f, old.manifest, tag: "rollback")
        let r = try await collector.run(plan)
        #expect(r.restoredManifests == ["team/app@\(old.manifest)"])
        #expect(f.exists(StoreLayout.revisionLink(f.repo("team/app"), old.manifest)), "revision link restored")
        for d in [old.manifest, old.config] + old.layers {
            #expect(f.exists(StoreLayout.blobData(d)), "\(d) back in blobs/")
            #expect(f.exists(StoreLayout.layerLink(f.repo("team/app"), d)) || d == old.manifest, "\(d)'s _layers link back")
        }
        let later = Self.collector(f, age: 7200 + 90000)
        let r2 = try await later.run(try await later.plan())
        #expect(r2.deletedForGood.isEmpty, "deleted for good while tag rollback points at it: \(r2.deletedForGood)")
        #expect(f.exists(StoreLayout.blobData(old.layers[1])))
    }

    /// The same with the tag it had before (`PUT …/manifests/v1` back to the old bytes): the unlink removed that
    /// tag's history entry for the manifest too, and the restore writes it back.
    @Test func manifestTaggedAgainBeforeTheUnlinkGetsItsTagHistoryBack() async throws {
        let (f, old, _) = Self.replacedImage()
        let collector = Self.collector(f, age: 7200)
        let plan = try await collector.plan()
        #expect(plan.gc.manifests.map(\.digest) == [old.manifest])
        Self.putAgain(f, old.manifest, tag: "v1")
        _ = try await collector.run(plan)
        #expect(f.exists(StoreLayout.revisionLink(f.repo("team/app"), old.manifest)))
        #expect(f.exists(StoreLayout.tagIndexLink(f.repo("team/app"), "v1", old.manifest)), "tag history entry restored")
        for d in [old.config] + old.layers { #expect(f.exists(StoreLayout.blobData(d))) }
    }

    /// The README's remaining window for a tag: its current link lands only after the re-scan (the revision link it
    /// wrote went in step 3). The next run's step 7 restores the manifest from the tag's current link, with the
    /// config and layers read from the quarantined copy of the manifest, and purges none of them.
    @Test func stepSevenRestoresAManifestATagNamesWithItsBlobs() async throws {
        let (f, old, _) = Self.replacedImage()
        let first = Self.collector(f, age: 7200)
        let r1 = try await first.run(try await first.plan())
        #expect(Set(r1.quarantined) == Set([old.manifest, old.config, old.layers[1]]))
        f.tag("team/app", "rollback", old.manifest)
        let second = Self.collector(f, age: 7200 + 90000)
        let r2 = try await second.run(try await second.plan())
        #expect(r2.deletedForGood.isEmpty, "deleted for good while tag rollback points at it: \(r2.deletedForGood)")
        #expect(r2.restoredManifests == ["team/app@\(old.manifest)"])
        #expect(f.exists(StoreLayout.revisionLink(f.repo("team/app"), old.manifest)))
        for d in [old.manifest, old.config] + old.layers { #expect(f.exists(StoreLayout.blobData(d)), "\(d) back in blobs/") }
    }

    /// The README's remaining window: an index PUT whose child check passed before step 3 lands after the re-scan.
    /// The next run's step 7 restores the child's revision link and manifest blob and, in the same pass, its config
    /// and layers (the re-scan saw the child unlinked, so nothing it references was marked): the index pulls.
    @Test func stepSevenRestoresAChildManifestWithItsConfigAndLayers() async throws {
        let f = StoreFixture()
        f.driver.clock.withLock { $0 = Self.written }
        let child = f.image("multi", tag: nil, oci: true, layers: ["child layer"])
        // Run 1, two hours after the push: the child is untagged and old, so it is unlinked and quarantined with its
        // blobs; the slow index PUT has not written its links yet.
        let first = Self.collector(f, age: 7200)
        let r1 = try await first.run(try await first.plan())
        #expect(Set(r1.quarantined) == Set([child.manifest, child.config] + child.layers))
        // The slow request lands after the re-scan: a tagged index listing the child.
        _ = f.index("multi", tag: "v1", children: [(child.manifest, child.bytes.count, "amd64")])
        // Run 2, a day later: step 7 re-checks run 1's quarantine, now older than the quarantine period.
        let second = Self.collector(f, age: 7200 + 90000)
        let r2 = try await second.run(try await second.plan())
        #expect(r2.deletedForGood.isEmpty, "deleted for good while the tagged index needs them: \(r2.deletedForGood)")
        #expect(f.exists(StoreLayout.revisionLink(f.repo("multi"), child.manifest)), "child link restored")
        for d in [child.manifest, child.config] + child.layers { #expect(f.exists(StoreLayout.blobData(d)), "\(d) back in blobs/") }
    }

    /// A manifest tagged again between T0 and the unlink comes back with its referrers: the signature the same run
    /// had unlinked as untagged (its subject was untagged then) is restored with its blobs, as the offline mark keeps
    /// the referrers of what it keeps; `cosign verify` of the rollback still finds it.
    @Test func manifestTaggedAgainBeforeTheUnlinkGetsItsSignatureBack() async throws {
        let (f, old, signature) = Self.replacedImage(oci: true, signed: true)
        let sig = try #require(signature)
        var collector = Self.collector(f, age: 7200)
        let plan = try await collector.plan()
        #expect(Set(plan.gc.manifests.map(\.digest)) == [old.manifest, sig.manifest])
        // Asked to stop once every blob has moved: step 7 (which would re-check this run too) is skipped, so the
        // settle and re-scan of step 6 alone must bring the signature back.
        let asked = Locked(0)
        let moves = plan.gc.blobs.count
        collector.stopRequested = { asked.withLock { $0 += 1; return $0 > moves } }
        Self.putAgain(f, old.manifest, tag: "rollback")
        let r = try await collector.run(plan)
        #expect(r.interrupted && r.quarantinesChecked.isEmpty && r.quarantined.count == moves)
        #expect(Set(r.restoredManifests) == ["team/app@\(old.manifest)", "team/app@\(sig.manifest)"])
        #expect(f.exists(StoreLayout.revisionLink(f.repo("team/app"), sig.manifest)), "the signature's revision link is back")
        for d in [sig.manifest, sig.config] + sig.layers { #expect(f.exists(StoreLayout.blobData(d)), "\(d) back in blobs/") }
        let later = Self.collector(f, age: 7200 + 90000)
        let r2 = try await later.run(try await later.plan())
        #expect(r2.deletedForGood.isEmpty, "\(r2.deletedForGood)")
        #expect(r2.quarantined.isEmpty, "the signature of a tagged manifest is kept: \(r2.quarantined)")
    }

    /// The same found by a later run's step 7: a tag names the unlinked manifest again, and its signature, unlinked
    /// by the same run and quarantined, comes back with it before anything is purged.
    @Test func stepSevenRestoresATaggedManifestsSignature() async throws {
        let (f, old, signature) = Self.replacedImage(oci: true, signed: true)
        let sig = try #require(signature)
        let first = Self.collector(f, age: 7200)
        let r1 = try await first.run(try await first.plan())
        #expect(Set(r1.quarantined).isSuperset(of: [old.manifest, sig.manifest, sig.layers[0]]))
        f.tag("team/app", "rollback", old.manifest)
        let second = Self.collector(f, age: 7200 + 90000)
        let r2 = try await second.run(try await second.plan())
        #expect(r2.deletedForGood.isEmpty, "deleted for good while a tagged manifest's signature needs them: \(r2.deletedForGood)")
        #expect(Set(r2.restoredManifests) == ["team/app@\(old.manifest)", "team/app@\(sig.manifest)"])
        #expect(f.exists(StoreLayout.revisionLink(f.repo("team/app"), sig.manifest)))
        for d in [sig.manifest, sig.config] + sig.layers { #expect(f.exists(StoreLayout.blobData(d)), "\(d) back in blobs/") }
    }
}
