import Foundation
import Testing
@testable import RegistryStorage

#if canImport(Glibc)
import Glibc

/// What Drydock skipped or could not read blocks a garbage collection: it cannot know what that part references, and
/// the sweep would delete it (issue 12). On-disk stores, since symlinks and FIFOs are what the filesystem driver refuses.
@Suite struct GCBlockerTests {
    /// A tagged image in `tools/ci`, an untagged one in `other`, and an orphan blob, written to a temporary folder.
    struct Disk {
        let root: String
        let outside: String
        let stable: StoreFixture.Image
        let orphan: Digest
        var v2: String { root + "/docker/registry/v2" }

        init() throws {
            let f = StoreFixture()
            stable = f.image("tools/ci", tag: "stable", layers: ["base", "ci only"])
            f.image("other", tag: "v1", layers: ["base", "other only"])
            orphan = f.blob("pushed, never referenced")
            root = try f.writeToDisk()
            outside = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-gc-outside-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        }

        func path(_ p: StoragePath) -> String { v2 + "/" + p.relativeString }

        /// Moves `p` out of the store and links it back.
        func relocateOutside(_ p: StoragePath) throws {
            let target = outside + "/" + (p.lastComponent ?? "x")
            try FileManager.default.moveItem(atPath: path(p), toPath: target)
            try FileManager.default.createSymbolicLink(atPath: path(p), withDestinationPath: target)
        }

        /// Replaces the file at `p` with a FIFO.
        func fifo(_ p: StoragePath) throws {
            try FileManager.default.removeItem(atPath: path(p))
            guard mkfifo(path(p), 0o644) == 0 else { throw DriverError.io(p, "mkfifo: errno \(errno)") }
        }

        func plan(deleteUntagged: Bool = false, followSymlinks: Bool = false) async throws -> GCPlan {
            let store = try RegistryStore.open(root: root, followSymlinks: followSymlinks)
            return try await GarbageCollector(store: store).plan(deleteUntagged: deleteUntagged)
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: outside)
        }
    }

    /// The plan's blockers name `path`, and a real run refuses before removing anything.
    static func expectBlocked(_ disk: Disk, by path: StoragePath, deleteUntagged: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let plan = try await disk.plan(deleteUntagged: deleteUntagged)
        #expect(plan.blockers.contains { $0.contains(path.description) }, "\(plan.blockers)", sourceLocation: sourceLocation)
        let store = try RegistryStore.open(root: disk.root)
        await #expect(throws: DeleteError.self, sourceLocation: sourceLocation) {
            try await GarbageCollector(store: store).collect(plan, policy: .unrestricted, registryStopped: true)
        }
        #expect(FileManager.default.fileExists(atPath: disk.path(StoreLayout.blobData(disk.orphan))), sourceLocation: sourceLocation)
    }

    @Test func aManifestBlobWhoseDataIsASymlinkOutsideBlocks() async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let data = StoreLayout.blobData(disk.stable.manifest)
        try disk.relocateOutside(data)
        try await Self.expectBlocked(disk, by: data)
        // Followed, the manifest is read and its layers are kept.
        let followed = try await disk.plan(followSymlinks: true)
        #expect(followed.blockers.isEmpty)
        #expect(followed.blobs.map(\.digest) == [disk.orphan])
    }

    @Test func aManifestBlobThatIsAFIFOBlocks() async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let data = StoreLayout.blobData(disk.stable.manifest)
        try disk.fifo(data)
        try await Self.expectBlocked(disk, by: data)
    }

    @Test func aRevisionLinkThatIsNotARegularFileBlocks() async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let link = StoreLayout.revisionLink(StoreLayout.repository("tools/ci"), disk.stable.manifest)
        try disk.fifo(link)
        try await Self.expectBlocked(disk, by: link)
    }

    @Test func anUnreadableTagLinkBlocksDeletingUntagged() async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let current = StoreLayout.tagCurrentLink(StoreLayout.repository("tools/ci"), "stable")
        try disk.fifo(current)
        try await Self.expectBlocked(disk, by: current, deleteUntagged: true)
    }

    @Test func aSymlinkedTagFolderBlocks() async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let tag = StoreLayout.tagDirectory(StoreLayout.repository("tools/ci"), "stable")
        try disk.relocateOutside(tag)
        try await Self.expectBlocked(disk, by: tag, deleteUntagged: true)
    }

    @Test func aSymlinkedAlgorithmFolderBlocks() async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let revisions = StoreLayout.manifestsDirectory(StoreLayout.repository("tools/ci")).appending(["revisions", "sha256"])
        try disk.relocateOutside(revisions)
        try await Self.expectBlocked(disk, by: revisions)
    }

    /// A symlinked algorithm folder beside a real `sha256/` leaves the link count of its parent at 3, as if
    /// `sha256/` were alone: the collector must still list the parent and see it (`listsTagHistoryByLinkCount` is
    /// for `ls` only). The registry would follow it, so what it holds is unknown to the plan.
    @Test(arguments: [["_manifests", "revisions"], ["_layers"]])
    func aSymlinkedAlgorithmFolderBesideSha256Blocks(_ parent: [String]) async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let repo = StoreLayout.repository("tools/ci")
        let beside = repo.appending(parent + ["sha512"])
        try FileManager.default.createDirectory(atPath: disk.outside + "/sha512", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: disk.path(beside), withDestinationPath: disk.outside + "/sha512")
        try await Self.expectBlocked(disk, by: beside)
        try await Self.expectBlocked(disk, by: beside, deleteUntagged: true)
    }

    @Test func aRepositoryFolderLinkedInsideTheStoreBlocks() async throws {
        let disk = try Disk()
        defer { disk.remove() }
        let repo = StoreLayout.repository("tools/ci")
        try FileManager.default.moveItem(atPath: disk.path(repo), toPath: disk.v2 + "/parked")
        try FileManager.default.createSymbolicLink(atPath: disk.path(repo), withDestinationPath: "../../parked")
        try await Self.expectBlocked(disk, by: repo)
        let followed = try await disk.plan(followSymlinks: true)
        #expect(followed.blockers.isEmpty)
        #expect(followed.blobs.map(\.digest) == [disk.orphan])
    }
}
#endif
