import Foundation
import Testing
@testable import RegistryStorage

#if canImport(Glibc)
import Glibc

/// `FilesystemDriver.listFolders` types each folder's entry with one `fstatat` instead of a listing per folder; it
/// must tell exactly what listing every folder tells (the protocol's default, reached here through a wrapper).
@Suite struct ListFoldersTests {
    @Test(arguments: [false, true])
    func filesystemFastPathAgreesWithAListingPerFolder(followSymlinks: Bool) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-listfolders-\(UUID().uuidString)").path
        let outside = root + "-outside"
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: outside)
        }
        let fm = FileManager.default
        let f = root + "/f"
        for folder in ["a", "b", "c", "d", "e", "g/link"] { try fm.createDirectory(atPath: "\(f)/\(folder)", withIntermediateDirectories: true) }
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("sha256:x".utf8).write(to: URL(fileURLWithPath: "\(f)/a/link"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: "\(outside)/link"))
        try Data("stray".utf8).write(to: URL(fileURLWithPath: "\(f)/h"))
        try fm.createSymbolicLink(atPath: "\(f)/c/link", withDestinationPath: "../a/link")  // stays inside
        try fm.createSymbolicLink(atPath: "\(f)/d/link", withDestinationPath: "\(outside)/link")  // leaves the store
        #expect(mkfifo("\(f)/e/link", 0o644) == 0)
        try fm.createSymbolicLink(atPath: "\(f)/i", withDestinationPath: "a")  // a linked folder
        try fm.createSymbolicLink(atPath: "\(f)/j", withDestinationPath: outside)

        let driver = try FilesystemDriver(v2Directory: root, followSymlinks: followSymlinks)
        func rows(_ listed: [(folder: DirectoryEntry, entry: EntryKind?)]) -> [String] {
            listed.map { "\($0.folder.name) \($0.folder.kind) \($0.entry.map(String.init(describing:)) ?? "-")" }.sorted()
        }
        let fast = rows(try await driver.listFolders(StoragePath(trusted: ["f"]), withEntry: "link"))
        let listing = rows(try await CountingDriver(base: driver).listFolders(StoragePath(trusted: ["f"]), withEntry: "link"))
        #expect(fast == listing)
        #expect(fast.contains("a directory file") && fast.contains("b directory -") && fast.contains("g directory directory"))
        #expect(fast.contains("e directory FIFO"))
        #expect(fast.contains(followSymlinks ? "d directory file" : "d directory symlink (\(SymlinkProblem.leavesRoot))"))
        #expect(fast.contains(followSymlinks ? "i directory file" : "i symlink (\(SymlinkProblem.folderNotFollowed)) -"))
    }
}
#endif
