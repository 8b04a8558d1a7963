import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// Permission-denied paths, seen by a user the permission bits bind. CI runs as root, which reads a mode-000 file as
/// if nothing were wrong, so the in-process tests cannot reach these paths there (see
/// `FilesystemStoreTests.unreadableFileIsAProblemUnlessRoot`, `ConfigurationTests.loadReportsUnreadableFiles`). Here
/// the built `drydock` runs as uid/gid 65534 (nobody) through `setpriv` when the tests run as root, and as the current
/// user otherwise. Each case first shows the same command succeeds on the readable file, so a failure is the
/// permission and nothing else (such as nobody not reaching the binary or the store).
@Suite struct UnprivilegedReadTests {
    static let nobody = "65534"

    /// Runs `drydock ARGUMENTS` as a user without root's file access.
    static func drydockUnprivileged(_ arguments: [String]) async throws -> ProcessResult {
        let drydock = try DrydockBinary.path()
        guard geteuid() == 0 else { return try await Shell.run(drydock, arguments, timeout: 120) }
        let setpriv = try RequiredTool.require("setpriv")
        return try await Shell.run(
            setpriv, ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", drydock] + arguments, timeout: 120)
    }

    /// A scratch folder everyone may enter (the store and config inside are world-readable unless a test says not).
    static func scratch(_ prefix: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory(prefix: prefix)
        #expect(chmod(dir.path, 0o755) == 0)
        return dir
    }

    @Test(.timeLimit(.minutes(3)))
    func anUnreadableConfigIsNamedWithTheReason() async throws {
        let dir = try Self.scratch("drydock-unpriv-config")
        defer { dir.remove() }
        let store = dir.url.appendingPathComponent("store").path
        try FileManager.default.createDirectory(atPath: store + "/docker/registry/v2/repositories", withIntermediateDirectories: true)
        let config = dir.url.appendingPathComponent("config.yml").path
        try "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(store)\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(chmod(config, 0o644) == 0)

        let readable = try await Self.drydockUnprivileged(["ls", "--config", config])
        #expect(readable.exitCode == 0, "the readable config opens for this user: \(readable.stderrString)")

        #expect(chmod(config, 0) == 0)
        let denied = try await Self.drydockUnprivileged(["ls", "--config", config])
        #expect(denied.exitCode == 1)
        #expect(denied.stderrString.contains("cannot read registry configuration \(config)"), "\(denied.stderrString)")
        #expect(denied.stderrString.contains("Permission denied"), "\(denied.stderrString)")
        #expect(denied.stdout.isEmpty)
    }

    @Test(.timeLimit(.minutes(3)))
    func unreadableLinksAreProblemsNamingThePath() async throws {
        let dir = try Self.scratch("drydock-unpriv-store")
        defer { dir.remove() }
        let root = dir.url.appendingPathComponent("store").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        let repository = "team/backend/api"
        let repoPath = root + "/docker/registry/v2/repositories/" + repository
        let layerFolder = repoPath + "/_layers/sha256"
        let layer = try #require(try FileManager.default.contentsOfDirectory(atPath: layerFolder).sorted().first)
        let link = "\(layerFolder)/\(layer)/link"
        let tag = try #require(try FileManager.default.contentsOfDirectory(atPath: repoPath + "/_manifests/tags").sorted().first)
        let tagFolder = "\(repoPath)/_manifests/tags/\(tag)"

        let readable = try await Self.drydockUnprivileged(["verify", "--json", root, repository])
        #expect(readable.exitCode == 0, "the intact repository verifies for this user: \(readable.stderrString)")
        #expect(!readable.stdoutString.contains("permission denied"))

        #expect(chmod(link, 0) == 0)
        #expect(chmod(tagFolder, 0) == 0)
        defer {
            chmod(link, 0o644)
            chmod(tagFolder, 0o755)
        }
        let denied = try await Self.drydockUnprivileged(["verify", "--json", root, repository])
        #expect(denied.exitCode == 1, "\(denied.stderrString)")
        let text = denied.stdoutString
        #expect(text.contains("_layers/sha256/\(layer)/link: permission denied"), "\(text)")
        #expect(text.contains("_manifests/tags/\(tag)"), "\(text)")
    }
}
