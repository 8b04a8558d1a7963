import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

/// `drydock completion bash|zsh|fish` as a shell uses it: bash's completion function run on a real command line
/// completes subcommands, and the repository names and tags of the store named on that line.
@Suite struct CompletionTests {
    /// Runs the bash completion function for `line` (the cursor at its end) as bash calls it (command, current word,
    /// previous word) and returns what it offers.
    func bashCompletions(_ line: String) async throws -> [String] {
        let binary = try DrydockBinary.path()
        let folder = URL(fileURLWithPath: binary).deletingLastPathComponent().path
        let script = """
            source <(drydock completion bash)
            COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
            read -r -a COMP_WORDS <<< "$COMP_LINE"
            if [[ "$COMP_LINE" == *" " ]]; then COMP_WORDS+=(""); fi
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            _drydock drydock "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try await Shell.run(
            "bash", ["-c", script, "bash", line], environment: Shell.childEnvironment(adding: ["PATH": folder + ":/usr/bin:/bin"]),
            timeout: 60)
        #expect(result.exitCode == 0, "\(result.stderrString)")
        return result.stdoutString.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    @Test func bashCompletesSubcommandsRepositoriesAndTags() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-completion-\(UUID().uuidString)").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        defer { try? FileManager.default.removeItem(atPath: root) }

        let commands = try await bashCompletions("drydock ver")
        #expect(commands == ["verify"])
        let repositories = try await bashCompletions("drydock ls \(root) team/back")
        #expect(repositories == ["team/backend/api", "team/backend/api/migrations"])
        let tags = try await bashCompletions("drydock verify \(root) team/backend/api:1")
        #expect(tags == ["team/backend/api:1.4.2"])
        let rmTargets = try await bashCompletions("drydock rm \(root) legacy/")
        #expect(rmTargets == ["legacy/seed-app", "legacy/tampered"])
        let flags = try await bashCompletions("drydock gc --dry")
        #expect(flags.contains("--dry-run"))
    }

    @Test func aLineWithoutAStoreCompletesNothingAndPrintsNothingElse() async throws {
        let result = try await DrydockBinary.run(["---completion", "ls", "--", "positional@1", "3", "0", "drydock", "ls", "/nonexistent-store", ""])
        #expect(result.exitCode == 0)
        #expect(result.stdoutString.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(result.stderrString.isEmpty)
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func everyShellGetsAScriptNamingTheSubcommands(shell: String) async throws {
        let result = try await DrydockBinary.run(["completion", shell])
        #expect(result.exitCode == 0)
        for command in ["ls", "verify", "rm", "prune", "undo", "gc"] {
            #expect(result.stdoutString.contains(command))
        }
        #expect(result.stdoutString.contains("---completion"), "target completion is wired in")
    }

    @Test func versionNamesTheReleaseAndTheCommit() async throws {
        let result = try await DrydockBinary.run(["--version"])
        #expect(result.exitCode == 0)
        let text = result.stdoutString.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.range(of: #"^drydock \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-modified)?|unknown)\)$"#, options: .regularExpression) != nil, "\(text)")
        let head = try await Shell.run("git", ["-C", #filePath.components(separatedBy: "/Tests/").first!, "rev-parse", "--short=12", "HEAD"], timeout: 30)
        if head.exitCode == 0 {
            #expect(text.contains(head.stdoutString.trimmingCharacters(in: .whitespacesAndNewlines)), "the commit of this checkout")
        }
    }
}
