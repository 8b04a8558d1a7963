import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

@Suite struct DeleteGCTests {
    /// A tagged image, an untagged older one (retagged away), and an orphan blob.
    static func plainStore() -> (f: StoreFixture, kept: StoreFixture.Image, old: StoreFixture.Image, orphan: Digest) {
        let f = StoreFixture()
        let old = f.image("team/app", tag: "v1", layers: ["base", "old"], labels: ["v": "1"])
        let kept = f.image("team/app", tag: "v1", layers: ["base", "new"], labels: ["v": "2"])
        let orphan = f.blob("pushed, never referenced")
        return (f, kept, old, orphan)
    }

    @Test func marksLikeTheRegistryOnAPlainStore() async throws {
        let (f, kept, old, orphan) = Self.plainStore()
        let repos = try await f.loadAll()
        for m in [false, true] {
            let ours = GarbageCollector.mark(repos, deleteUntagged: m)
            let registry = GarbageCollector.mark(repos, deleteUntagged: m, rules: .registry282)
            #expect(ours.marked == registry.marked)
            #expect(ours.deletions == registry.deletions)
        }
        let plain = try await f.gcPlan(deleteUntagged: false)
        #expect(plain.blobs.map(\.digest) == [orphan])
        #expect(plain.manifests.isEmpty && plain.layerLinks.isEmpty)
        #expect(plain.bytes == Int64("pushed, never referenced".utf8.count))
        let untagged = try await f.gcPlan(deleteUntagged: true)
        #expect(untagged.manifests.map(\.digest) == [old.manifest])
        #expect(untagged.manifests.first?.tagIndexEntries == ["v1"])
        #expect(Set(untagged.blobs.map(\.digest)) == [orphan, old.manifest, old.config, old.layers[1]])
        #expect(Set(untagged.layerLinks.map(\.digest)) == [old.config, old.layers[1]])
        #expect(untagged.keptAgainstRegistry.isEmpty && untagged.blobsKeptAgainstRegistry.isEmpty)
        #expect(!untagged.blobs.contains { kept.layers.contains($0.digest) })
    }

    @Test func keepsChildrenOfATaggedIndexTheRegistryWouldSweep() async throws {
        let f = StoreFixture()
        let (idx, amd, arm) = f.multiArch("multi")
        let repos = try await f.loadAll()
        let registry = GarbageCollector.mark(repos, deleteUntagged: true, rules: .registry282)
        #expect(Set(registry.deletions.map(\.digest)) == [amd.manifest, arm.manifest], "the 2.8.2 hazard (#3004)")
        #expect(!registry.marked.contains(amd.layers[1]))
        let plan = try await f.gcPlan(deleteUntagged: true)
        #expect(plan.manifests.isEmpty)
        #expect(plan.blobs.isEmpty)
        #expect(Set(plan.keptAgainstRegistry.map(\.digest)) == [amd.manifest, arm.manifest])
        #expect(Set(plan.blobsKeptAgainstRegistry).isSuperset(of: [amd.layers[1], arm.layers[1], amd.config, arm.config]))
        #expect(plan.notes.contains { $0.contains("Drydock keeps them") })
        // Untagging the index makes the whole family garbage.
        try await f.delete([.tag(repository: "multi", tag: "latest")])
        let after = try await f.gcPlan(deleteUntagged: true)
        #expect(Set(after.manifests.map(\.digest)) == [idx, amd.manifest, arm.manifest])
    }

    @Test func keepsReferrersOfKeptManifests() async throws {
        let f = StoreFixture()
        let img = f.image("app", tag: "v1", oci: true, layers: ["a"])
        let sig = f.image("app", tag: nil, oci: true, layers: ["signature"], subject: img.manifest, artifactType: MediaType.notarySignature)
        let stray = f.image("app", tag: nil, oci: true, layers: ["stray"])
        let plan = try await f.gcPlan(deleteUntagged: true)
        #expect(plan.manifests.map(\.digest) == [stray.manifest])
        #expect(plan.keptAgainstRegistry.map(\.digest) == [sig.manifest])
        #expect(!plan.blobs.contains { $0.digest == sig.layers[0] })
    }

    @Test func marksSeedEraManifestsAndSignatures() async throws {
        let f = StoreFixture()
        let s1 = f.schema1Image("old/app", tag: "latest", layers: ["l1", "l2"], seedEra: true)
        let sig = f.blob("{\"header\":{},\"signature\":\"x\",\"protected\":\"y\"}")
        f.link(StoreLayout.signatureLink(f.repo("old/app"), revision: s1.digest, signature: sig), sig)
        let repos = try await f.loadAll()
        let registry = GarbageCollector.mark(repos, deleteUntagged: false, rules: .registry282)
        #expect(registry.marked.isEmpty, "2.8.2 marks nothing on a seed-era store (spec 7.4)")
        let plan = try await f.gcPlan(deleteUntagged: false)
        #expect(plan.blobs.isEmpty)
        #expect(Set(plan.blobsKeptAgainstRegistry) == Set([s1.digest, sig] + s1.layers))
    }

    /// The plan compares with registry 2.8.2 from the revisions the two rules treat differently
    /// (`keptOnlyByDrydock`); the oracle is the direct way: both marks over the whole store, and every stored blob
    /// that Drydock's marks and 2.8.2's does not.
    @Test func theComparisonWithTheRegistryIsTheOneOfTwoWholeMarks() async throws {
        let mixed = StoreFixture()
        _ = mixed.multiArch("multi")
        let img = mixed.image("app", tag: "v1", oci: true, layers: ["a", "shared"])
        _ = mixed.image("app", tag: nil, oci: true, layers: ["signature"], subject: img.manifest, artifactType: MediaType.notarySignature)
        _ = mixed.image("app", tag: nil, oci: true, layers: ["stray", "shared"])
        _ = mixed.image("app", tag: "v2", layers: ["base", "old"])
        _ = mixed.image("app", tag: "v2", layers: ["base", "new"])
        let s1 = mixed.schema1Image("old/app", tag: "latest", layers: ["l1", "shared"], seedEra: true)
        let sig = mixed.blob("{\"header\":{},\"signature\":\"x\",\"protected\":\"y\"}")
        mixed.link(StoreLayout.signatureLink(mixed.repo("old/app"), revision: s1.digest, signature: sig), sig)
        _ = mixed.blob("orphan")
        let demo = InMemoryDriver(location: "demo://")
        _ = try await DemoStoreBuilder().write(to: demo)

        for store in [mixed.store(), Self.plainStore().f.store(), RegistryStore(driver: demo)] {
            let facts = try await store.loadEverything(detail: .marking).1.map(RepositoryGCFacts.init)
            let collector = GarbageCollector(store: store)
            let stored = try await collector.storedBlobs()
            for deleteUntagged in [false, true] {
                let plan = try await collector.plan(facts: facts, storeProblems: [], deleteUntagged: deleteUntagged, stored: stored)
                let ours = GarbageCollector.markCompact(facts, deleteUntagged: deleteUntagged)
                let registry = GarbageCollector.markCompact(facts, deleteUntagged: deleteUntagged, rules: .registry282)
                let oursDeleted = Set(ours.deletions)
                #expect(plan.keptAgainstRegistry == registry.deletions.filter { !oursDeleted.contains($0) }.sorted())
                #expect(plan.blobsKeptAgainstRegistry == stored.keys.filter { ours.marked.contains($0) && !registry.marked.contains($0) }.sorted())
            }
        }
        // The mixed store differs from 2.8.2 in both lists, so the oracle compared something.
        let facts = try await mixed.store().loadEverything(detail: .marking).1.map(RepositoryGCFacts.init)
        let plan = try await GarbageCollector(store: mixed.store()).plan(facts: facts, storeProblems: [], deleteUntagged: true)
        #expect(plan.keptAgainstRegistry.count >= 3 && plan.blobsKeptAgainstRegistry.count >= 6)
    }

    @Test func realRunVacuumsSweepsAndJournals() async throws {
        let (f, kept, old, orphan) = Self.plainStore()
        let plan = try await f.gcPlan(deleteUntagged: true)
        let collector = GarbageCollector(store: f.store())
        // gc does not consult storage.delete.enabled.
        let policy = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: false, readOnlyFlag: false)
        let result = try await collector.collect(plan, policy: policy, registryStopped: true)
        #expect(result.manifestsRemoved == 1 && result.blobsRemoved == 4 && result.layerLinksRemoved == 2)
        let repo = f.repo("team/app")
        #expect(f.driver.allFiles.keys.allSatisfy { !$0.hasPrefix(StoreLayout.revisionDirectory(repo, old.manifest)) })
        #expect(!f.exists(StoreLayout.tagIndexLink(repo, "v1", old.manifest)))
        #expect(f.exists(StoreLayout.tagIndexLink(repo, "v1", kept.manifest)))
        for d in [orphan, old.manifest, old.config, old.layers[1]] { #expect(!f.exists(StoreLayout.blobData(d))) }
        for d in [kept.manifest, kept.config] + kept.layers { #expect(f.exists(StoreLayout.blobData(d))) }
        #expect(!f.exists(StoreLayout.layerLink(repo, old.layers[1])))
        #expect(f.exists(StoreLayout.layerLink(repo, old.layers[0])), "the shared base stays linked")
        let after = try #require(await f.store().load(repository: "team/app"))
        #expect(after.allProblems.isEmpty, "\(after.allProblems)")
        let entry = try await Journal(driver: f.driver).entry(result.journalID)
        #expect(entry.operation == .garbageCollection && entry.completed && entry.blobs.count == 4)
        #expect(try await f.gcPlan(deleteUntagged: true).isEmpty)
        // The swept manifest cannot come back.
        await #expect(throws: DeleteError.self) { try await JournalUndo(store: f.store(), policy: policy).undo(result.journalID) }
    }

    @Test func realRunNeedsConfirmationAWritableStoreAndReadableManifests() async throws {
        let (f, _, _, _) = Self.plainStore()
        let before = f.driver.allFiles
        let collector = GarbageCollector(store: f.store())
        let plan = try await f.gcPlan(deleteUntagged: true)
        await #expect(throws: DeleteError.self) { try await collector.collect(plan, policy: .unrestricted, registryStopped: false) }
        let readOnly = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: true)
        await #expect(throws: DeleteError.refused(readOnly.writeRefusal!)) { try await collector.collect(plan, policy: readOnly, registryStopped: true) }
        #expect(f.driver.allFiles == before)

        let broken = f.blob("{ not a manifest")
        f.revisionLink("team/app", broken)
        f.tag("team/app", "broken", broken)
        let blocked = try await f.gcPlan(deleteUntagged: false)
        #expect(blocked.blockers.count == 1)
        await #expect(throws: DeleteError.blocked(blocked.blockers)) { try await collector.collect(blocked, policy: .unrestricted, registryStopped: true) }
    }
}
