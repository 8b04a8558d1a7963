import DemoRegistry
import Foundation
import Testing

/// The CLI as scripts and people read it (issue 16, items 7, 8, 10), on the bundled demo store: `ls -q` and
/// `--format`, signature tags apart, progress only on standard error, verify and ls agreeing on errors, gc's help,
/// the undo preview naming a tag once, and the browser taking `--key`.
@Suite struct CLIScriptingTests {
    func demoCopy() async throws -> (root: String, cleanup: () -> Void) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-cli-demo-\(UUID().uuidString)").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        return (root, { try? FileManager.default.removeItem(atPath: root) })
    }

    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func quietAndFormatListNamesOnly() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let json = try await DrydockBinary.run(["ls", "--json", demo.root])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        let repos = try #require(doc["repositories"] as? [[String: Any]])
        let quiet = try await DrydockBinary.run(["ls", "-q", demo.root])
        #expect(quiet.exitCode == 0, "\(quiet.stderrString)")
        #expect(lines(quiet.stdoutString) == repos.compactMap { $0["name"] as? String })

        let frontend = try #require(repos.first { $0["name"] as? String == "team/frontend" })
        let tags = try #require(frontend["tags"] as? [[String: Any]])
        let tagNames = tags.compactMap { $0["name"] as? String }
        let quietRepo = try await DrydockBinary.run(["ls", "-q", demo.root, "team/frontend"])
        #expect(lines(quietRepo.stdoutString) == tagNames.map { "team/frontend:\($0)" })
        let omitted = try await DrydockBinary.run(["ls", "-q", "--omit-digest-tags", demo.root, "team/frontend"])
        #expect(lines(omitted.stdoutString) == tagNames.filter { !$0.hasPrefix("sha256-") }.map { "team/frontend:\($0)" })
        #expect(lines(omitted.stdoutString).count < tagNames.count, "the demo holds a referrers-fallback tag")

        // --format per tag: the digest and size are those of ls --json.
        let manifests = try #require(frontend["manifests"] as? [[String: Any]])
        let formatted = try await DrydockBinary.run(["ls", "--format", "{{.Repository}}:{{.Tag}} {{ .Digest }} {{.Size}}", demo.root, "team/frontend"])
        #expect(formatted.exitCode == 0, "\(formatted.stderrString)")
        let expected = tags.map { t -> String in
            let digest = t["digest"] as? String ?? ""
            let size = manifests.first { $0["digest"] as? String == digest }?["size"] as? Int ?? -1
            return "team/frontend:\(t["name"] as? String ?? "") \(digest) \(size)"
        }
        #expect(lines(formatted.stdoutString) == expected)

        // REPO:TAG gives the manifest's digest (an index: then its children).
        let v2 = try #require(tags.first { $0["name"] as? String == "v2" }?["digest"] as? String)
        let quietTag = try await DrydockBinary.run(["ls", "-q", demo.root, "team/frontend:v2"])
        #expect(lines(quietTag.stdoutString).first == v2)

        let store = try await DrydockBinary.run(["ls", "--format", "{{.Repository}}\t{{.Unique}}", demo.root])
        #expect(lines(store.stdoutString).map { $0.split(separator: "\t").first.map(String.init) ?? "" } == repos.compactMap { $0["name"] as? String })
        #expect(lines(store.stdoutString).allSatisfy { Int($0.split(separator: "\t").last ?? "") != nil })

        let unknown = try await DrydockBinary.run(["ls", "--format", "{{.Nope}}", demo.root])
        #expect(unknown.exitCode == 2 && unknown.stderrString.contains("{{.Repository}}"), "\(unknown.stderrString)")
        let both = try await DrydockBinary.run(["ls", "-q", "--json", demo.root])
        #expect(both.exitCode == 2)
    }

    @Test func signatureTagsAreShownApart() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let shown = try await DrydockBinary.run(["ls", demo.root, "team/frontend"])
        let out = shown.stdoutString
        let tagTable = out.components(separatedBy: "SIGNATURE TAG").first ?? ""
        #expect(!tagTable.contains("  sha256-"), "the tag table holds no digest tags:\n\(out)")
        #expect(lines(out).contains { $0.hasPrefix("  referrers") && $0.contains(" latest,v2 ") }, "\(out)")
        // In the manifest table a signature tag is cut to its subject's short digest and kind.
        let api = try await DrydockBinary.run(["ls", demo.root, "team/backend/api"])
        #expect(api.stdoutString.contains("  .sig           1.4.2,latest  "), "\(api.stdoutString)")
        #expect(lines(api.stdoutString).contains { $0.hasSuffix("  sha256-cd2077aaa34b….sig  2     1.0 KiB  ok") }, "\(api.stdoutString)")
        let omitted = try await DrydockBinary.run(["ls", "--omit-digest-tags", demo.root, "team/frontend"])
        #expect(!omitted.stdoutString.contains("SIGNATURE TAG"))
        #expect(lines(omitted.stdoutString).filter { $0.hasPrefix("  sha256-") }.isEmpty)
        // The tag column is as wide as the widest ordinary tag, not 76 characters.
        let header = try #require(lines(out).first { $0.hasPrefix("  TAG") })
        #expect(header.distance(from: header.startIndex, to: try #require(header.range(of: "DIGEST")).lowerBound) < 20, "\(header)")
    }

    @Test func progressGoesToStandardErrorOnlyAndCountsTheWholeStore() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let plain = try await DrydockBinary.run(["ls", demo.root])
        let forced = try await DrydockBinary.run(["ls", "--progress", demo.root])
        #expect(forced.stdout == plain.stdout)
        #expect(forced.stderrString.contains("drydock: progress: read 8/8 repositories"), "\(forced.stderrString)")
        #expect(!plain.stderrString.contains("progress"), "no terminal, no flag: no progress")
        let off = try await DrydockBinary.run(["ls", "--no-progress", demo.root])
        #expect(!off.stderrString.contains("progress"))

        let deep = try await DrydockBinary.run(["verify", "--deep", "--json", "--progress", demo.root])
        #expect(try JSONSerialization.jsonObject(with: Data(deep.stdout)) is [String: Any], "stdout stays one JSON document")
        let hashing = lines(deep.stderrString).compactMap { line -> (Int, Int)? in
            guard let r = line.range(of: "hashing ") else { return nil }
            let parts = line[r.upperBound...].split(separator: " ")[0].split(separator: "/")
            return (Int(parts[0]) ?? -1, Int(parts[1]) ?? -1)
        }
        #expect(!hashing.isEmpty, "\(deep.stderrString)")
        // One total for the whole store (per-batch counting restarted at each repository with its own total).
        #expect(Set(hashing.map(\.1)).count == 1, "\(hashing)")
        #expect(hashing.last.map { $0.0 == $0.1 } == true, "\(hashing)")
        #expect((hashing.first?.1 ?? 0) > 10)
    }

    @Test func verifyCountsTheErrorsLsReports() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let ls = try await DrydockBinary.run(["ls", demo.root])
        let verify = try await DrydockBinary.run(["verify", demo.root])
        let byRepo = try #require(lines(verify.stdoutString).first { $0.hasPrefix("Errors by repository: ") })
        for line in lines(ls.stdoutString) where line.contains(" error") {
            let repo = String(line.split(separator: " ")[0])
            #expect(byRepo.contains("\(repo) "), "ls reports an error in \(repo); verify must too: \(byRepo)")
        }
        let summary = try #require(lines(verify.stdoutString).last)
        #expect(summary.contains("2 errors in 2 repositories"), "\(summary)")
        #expect(!summary.contains("store: 0 errors"))
    }

    @Test func gcHelpDoesNotOfferDeleteEnabled() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let help = try await DrydockBinary.run(["gc", "--help"])
        #expect(help.exitCode == 0)
        #expect(!help.stdoutString.contains("--delete-enabled"), "\(help.stdoutString)")
        #expect(help.stdoutString.contains("--read-only"))
        let accepted = try await DrydockBinary.run(["gc", "--dry-run", "--delete-enabled", demo.root])
        #expect(accepted.exitCode == 0, "\(accepted.stderrString)")
        #expect(accepted.stderrString.contains("--delete-enabled changes nothing here"))
    }

    @Test func undoPreviewNamesATagOnce() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let rm = try await DrydockBinary.run(["rm", "--yes", "--delete-enabled", demo.root, "team/frontend:latest"])
        #expect(rm.exitCode == 0, "\(rm.stderrString)")
        // No terminal and no --yes: the preview is printed, then undo refuses to go on.
        let preview = try await DrydockBinary.run(["undo", demo.root])
        #expect(preview.exitCode == 1)
        let restores = lines(preview.stdoutString).filter { $0.hasPrefix("  restore ") }
        #expect(restores.count == 1, "\(preview.stdoutString)")
        #expect(restores.first?.contains("tag latest -> sha256:") == true && restores.first?.hasSuffix("(and 1 history entry)") == true, "\(restores)")
    }

    @Test func browserTakesKey() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let missing = try await DrydockBinary.run([demo.root, "--key", demo.root + "/no-such.pub"])
        #expect(missing.exitCode == 1 && missing.stderrString.contains("drydock: cannot read the key file"), "\(missing.stderrString)")
        // Accepted and read: without a terminal the browser then says it needs one.
        let given = try await DrydockBinary.run([demo.root, "--key", demo.root + "/cosign.pub"])
        #expect(given.exitCode == 1 && given.stderrString.contains("needs a terminal") && !given.stderrString.contains("key file"), "\(given.stderrString)")
    }
}

/// `drydock STORE --key PEM` under tmux: the browser verifies the demo's cosign signature with the given key
/// ("signed ✓"), where without a key it can only say "signed, no key".
@Suite(.serialized, .heavy) struct BrowseKeyEndToEndTests {
    func signedMark(_ extra: [String], root: String) async throws -> String {
        let tmux = try await TmuxSession.start([try DrydockBinary.path(), root] + extra, width: 120, height: 35)
        defer { tmux.stop() }
        _ = try await tmux.waitFor("the repository list") { $0.contains("team/backend/api") && TmuxSession.isSettled($0) }
        try await tmux.send("/")
        try await tmux.type("backend/api")
        try await tmux.send("Enter")
        try await tmux.send("Enter")
        let screen = try await tmux.waitFor("the tags of team/backend/api") {
            $0.contains("1.4.2") && $0.contains("signed") && TmuxSession.isSettled($0)
        }
        let line = try #require(screen.split(separator: "\n").first { $0.hasPrefix(" 1.4.2 ") })
        try await tmux.send("q")
        return String(line)
    }

    @Test(.timeLimit(.minutes(2)))
    func keyVerifiesSignaturesInTheBrowser() async throws {
        try RequiredTool.require(all: ["tmux"])
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-browse-key-\(UUID().uuidString)").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let without = try await signedMark([], root: root)
        #expect(without.hasSuffix("signed, no key"), "\(without)")
        let with = try await signedMark(["--key", root + "/cosign.pub"], root: root)
        #expect(with.hasSuffix("signed ✓"), "\(with)")
    }
}
