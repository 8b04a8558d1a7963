import CDrydockSystem
import Foundation
import Testing
@testable import RegistryStorage

#if canImport(Glibc)
import Glibc
import TestHarness

/// The filesystem answers a tag's history from `<tag>/index/sha256/` alone (`listEachSoleSubfolder`) only when the
/// link count of `index` says `sha256` is its only folder and no symlink is on the way; every other shape is left to
/// a listing (nil). Where it answers, the loader's items (`DigestFolderListing.listEach`) are what listing `index`
/// gives, except that stray entries which are no folders are not seen (the documented cost).
@Suite struct SoleSubfolderListingTests {
    /// The protocol's own answers (a listing for every folder): what the fast path must agree with.
    final class ListingOnly: ForwardingDriver {
        let base: any StorageDriver
        init(_ base: any StorageDriver) { self.base = base }
    }

    static let h1 = String(repeating: "0123456789abcdef", count: 4)
    static let h2 = String(repeating: "fedcba9876543210", count: 4)

    /// Builds the tags folder `t/` under `root`, one tag per shape; returns the tag names.
    static func buildShapes(in root: String) throws -> [String] {
        func dir(_ p: String) throws { try FileManager.default.createDirectory(atPath: "\(root)/t/\(p)", withIntermediateDirectories: true) }
        func file(_ p: String) throws { try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/t/\(p)")) }
        func link(_ p: String, _ target: String) throws { try FileManager.default.createSymbolicLink(atPath: "\(root)/t/\(p)", withDestinationPath: target) }
        let (h1, h2) = (Self.h1, Self.h2)
        try dir("plain/index/sha256/\(h1)")
        try dir("plain/index/sha256/\(h2)")
        try dir("stray-file/index/sha256/\(h1)")
        try file("stray-file/index/README")
        try dir("stray-fifo/index/sha256/\(h2)")
        guard mkfifo("\(root)/t/stray-fifo/index/pipe", 0o644) == 0 else { throw POSIXError(.EIO) }
        try dir("two-algorithms/index/sha256/\(h1)")
        try dir("two-algorithms/index/sha512/\(h1)\(h1)")
        try dir("other-folder/index/sha256/\(h1)")
        try dir("other-folder/index/tmp")
        try dir("symlinked-sha256/index/real")
        try link("symlinked-sha256/index/sha256", "../../plain/index/sha256")
        try dir("symlinked-index")
        try link("symlinked-index/index", "../plain/index")
        try link("symlinked-tag", "plain")
        try dir("no-history/current")
        try dir("sha256-file/index/x")
        try file("sha256-file/index/sha256")
        try dir("no-sha256/index/sha512/\(h1)\(h1)")
        try dir("empty-sha256/index/sha256")
        try dir("symlink-beside/index/sha256/\(h1)")
        try link("symlink-beside/index/sha512", "../../plain/index/sha256")
        try dir("not-hex/index/sha256/\(h1.uppercased())")
        try file("not-hex/index/sha256/\(h2)")
        return ["plain", "stray-file", "stray-fifo", "two-algorithms", "other-folder", "symlinked-sha256", "symlinked-index",
                "symlinked-tag", "no-history", "sha256-file", "no-sha256", "empty-sha256", "not-hex", "symlink-beside"]
    }

    /// Roots on the temporary folder's filesystem and on /dev/shm (tmpfs) when there is one.
    static func roots() throws -> [String] {
        var roots: [String] = []
        for parent in [FileManager.default.temporaryDirectory.path, "/dev/shm"] where FileManager.default.isWritableFile(atPath: parent) {
            let root = "\(parent)/drydock-sole-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            roots.append(root)
        }
        return roots
    }

    static func countsSubfolders(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        return fd >= 0 && FilesystemDriver.subfolderCountingTypes.contains(Int64(drydock_filesystem_type(fd)))
    }

    @Test func answersOnlyWhenTheLinkCountSaysSha256IsTheOnlyFolder() async throws {
        var answeringFilesystems = 0
        for root in try Self.roots() {
            defer { removeTree(root) }  // FilesystemStoreTests: copes with FIFOs
            let tags = try Self.buildShapes(in: root)
            let dir = StoragePath(trusted: ["t"])
            let bases = tags.map { [$0, "index"] }
            let driver = try FilesystemDriver(v2Directory: root)
            let sole = await driver.listEachSoleSubfolder(in: dir, bases, named: "sha256")
            #expect(sole.count == tags.count)
            let byTag = Dictionary(uniqueKeysWithValues: zip(tags, sole))
            // Links that leave the store may be followed: then nothing is trusted without a listing.
            let following = try FilesystemDriver(v2Directory: root, followSymlinks: true)
            #expect(await following.listEachSoleSubfolder(in: dir, bases, named: "sha256").allSatisfy { $0 == nil })
            guard Self.countsSubfolders(root) else {
                #expect(sole.allSatisfy { $0 == nil }, "\(root): a filesystem whose link counts say nothing")
                continue
            }
            answeringFilesystems += 1
            func digests(_ names: [DigestFolderName]?) -> [String]? {
                names?.map { if case .sha256(let d) = $0 { d.hex } else { "entry \($0.entry.name)" } }.sorted()
            }
            #expect(digests(byTag["plain"]!) == [Self.h1, Self.h2].sorted(), "\(root)")
            #expect(digests(byTag["stray-file"]!) == [Self.h1], "\(root)")
            #expect(digests(byTag["stray-fifo"]!) == [Self.h2], "\(root)")
            // A link count counts folders only: a symlinked algorithm folder beside sha256/ is not seen this way.
            #expect(digests(byTag["symlink-beside"]!) == [Self.h1], "\(root)")
            #expect(digests(byTag["empty-sha256"]!) == [], "\(root)")
            #expect(digests(byTag["not-hex"]!) == ["entry \(Self.h1.uppercased())", "entry \(Self.h2)"], "\(root)")
            for tag in ["two-algorithms", "other-folder", "symlinked-sha256", "symlinked-index", "symlinked-tag", "no-history", "sha256-file", "no-sha256"] {
                #expect(byTag[tag]! == nil, "\(root): \(tag) was answered without a listing")
            }

            // The loader's items: those of listing every folder, but for the stray non-folders the fast path cannot see.
            let fast = await DigestFolderListing(driver: driver).listEach(in: dir, bases, trustingLinkCounts: true)
            let exact = await DigestFolderListing(driver: driver).listEach(in: dir, bases)
            let listed = await DigestFolderListing(driver: ListingOnly(driver)).listEach(in: dir, bases)
            func text(_ items: [DigestFolderListing.Item]) -> [String] { items.map { "\($0)" }.sorted() }
            for (i, tag) in tags.enumerated() {
                let unseen = text(listed[i]).filter { $0.contains("notAnAlgorithmFolder") && byTag[tag]! != nil }
                #expect(text(fast[i]) == text(listed[i]).filter { !unseen.contains($0) }, "\(root): \(tag)")
                #expect(unseen.count == (["stray-file", "stray-fifo", "symlink-beside"].contains(tag) ? 1 : 0), "\(root): \(tag)")
                // Without trusting link counts (every load but ls's): what a listing of every folder gives.
                #expect(text(exact[i]) == text(listed[i]), "\(root): \(tag)")
            }
        }
        // Under CI the fast path itself must have been exercised (ext4, XFS or tmpfs are everywhere CI runs).
        if RequiredTool.isCI { #expect(answeringFilesystems > 0, "no filesystem here counts sub-folders in link counts") }
    }
}
#endif
