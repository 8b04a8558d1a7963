import Foundation
import Testing

/// Typos of subcommands get "unknown command, did you mean …" (as crane and regctl do), not a usage error about an
/// unexpected argument or "cannot open store"; a store whose name looks like a command is still opened.
@Suite struct CommandTypoTests {
    @Test(arguments: [
        (["verfy", "/nonexistent"], "verify"), (["lss"], "ls"), (["prnue", "x"], "prune"), (["gcc", "--dry-run"], "gc"),
        (["delete", "store", "repo:tag"], "rm"), (["list"], "ls"), (["und"], "undo"),
    ])
    func typoNamesTheCommand(arguments: [String], expected: String) async throws {
        let result = try await DrydockBinary.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.stdoutString.isEmpty)
        #expect(result.stderrString.contains("unknown command '\(arguments[0])'. Did you mean 'drydock \(expected)'?"),
                "\(result.stderrString)")
    }

    @Test func aWordFarFromEveryCommandIsStillAStoreName() async throws {
        let result = try await DrydockBinary.run(["ls", "no-such-store-anywhere"])
        #expect(result.exitCode != 0)
        #expect(!result.stderrString.contains("unknown command"))
        let bare = try await DrydockBinary.run(["zzzzzz"])
        #expect(!bare.stderrString.contains("unknown command"), "\(bare.stderrString)")
    }

    @Test func anExistingStoreNamedLikeATypoIsOpened() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-typo-\(UUID().uuidString)")
        let store = parent.appendingPathComponent("lss")
        try FileManager.default.createDirectory(at: store.appendingPathComponent("docker/registry/v2/repositories"),
                                                withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        let result = try await Shell.run(try DrydockBinary.path(), ["ls", "lss"], currentDirectory: parent, timeout: 60)
        #expect(result.exitCode == 0, "\(result.stderrString)")
        let typo = try await Shell.run(try DrydockBinary.path(), ["lss", "--help"], currentDirectory: parent, timeout: 60)
        #expect(!typo.stderrString.contains("unknown command"), "a folder named lss is a store: \(typo.stderrString)")
    }

    @Test func controlCharactersInTheWordAreEscaped() async throws {
        let result = try await DrydockBinary.run(["ls\u{1b}"])
        #expect(result.exitCode == 2)
        #expect(!result.stderrString.contains("\u{1b}"))
        #expect(result.stderrString.contains("\\x1b"), "\(result.stderrString)")
    }
}
