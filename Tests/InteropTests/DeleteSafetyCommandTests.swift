import Foundation
import Testing
import RegistryStorage

/// The real `drydock` binary on a small on-disk store: `rm --repository` never takes nested content it was not asked
/// to, and `prune --apply` checks a saved plan against the caps and the store it is applied to. No tools needed.
@Suite struct DeleteSafetyCommandTests {
    /// Writes one image (config, one layer, manifest) into `repository` of the store at `root`, tagged `tags`.
    static func image(_ root: URL, _ repository: String, tags: [String], layer: String) throws {
        let files = StoreFiles(root: root)
        func put(_ url: URL, _ bytes: [UInt8]) throws {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        func blob(_ bytes: [UInt8]) throws -> Digest {
            let d = Digest.sha256(of: bytes)
            try put(files.blobData(d.description), bytes)
            return d
        }
        let configBytes = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
        let config = try blob(configBytes)
        let layerBytes = Array(layer.utf8)
        let layerDigest = try blob(layerBytes)
        let manifest = try blob(Array("""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":\(configBytes.count),"digest":"\(config)"},\
            "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":\(layerBytes.count),"digest":"\(layerDigest)"}]}
            """.utf8))
        for d in [config, layerDigest] { try put(files.layerLink(repository, d.description), Array(d.description.utf8)) }
        try put(files.revisionLink(repository, manifest.description), Array(manifest.description.utf8))
        for tag in tags {
            try put(files.tagIndexLink(repository, tag, manifest.description), Array(manifest.description.utf8))
            try put(files.tagCurrentLink(repository, tag), Array(manifest.description.utf8))
        }
    }

    /// Every file under `docker/registry/v2` but the journal, with its bytes.
    static func files(_ root: URL) -> [String: Data] {
        let v2 = root.appendingPathComponent("docker/registry/v2").path
        var out: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: v2) else { return out }
        while let relative = walker.nextObject() as? String {
            guard !relative.hasPrefix("drydock"), (walker.fileAttributes?[.type] as? FileAttributeType) == .typeRegular else { continue }
            out[relative] = FileManager.default.contents(atPath: v2 + "/" + relative)
        }
        return out
    }

    @Test(.timeLimit(.minutes(2)))
    func rmRepositoryKeepsWhatIsNestedUnlessAskedAndUndoRestoresIt() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-rm-nested")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store")
        try Self.image(root, "lib/app", tags: ["v1"], layer: "app")
        try Self.image(root, "lib/app/sub", tags: ["v1", "stable"], layer: "sub")
        // A first push into lib/app/wip still uploading: only `_uploads`, so no catalog lists it.
        let upload = StoreFiles(root: root).repository("lib/app/wip").appendingPathComponent("_uploads/u1")
        try FileManager.default.createDirectory(at: upload, withIntermediateDirectories: true)
        try Data("2024-05-01T10:00:00Z".utf8).write(to: upload.appendingPathComponent("startedat"))
        try Data([1, 2, 3]).write(to: upload.appendingPathComponent("data"))
        let before = Self.files(root)

        for nested in [false, true] {
            let run = try await DrydockBinary.run(
                ["rm", "--yes", "--delete-enabled", root.path, "lib/app", "--repository"] + (nested ? ["--nested"] : []), timeout: 60)
            #expect(run.exitCode == 0, "\(run.stderrString)")
            #expect(run.stdoutString.contains("lib/app also holds lib/app/wip"), "\(run.stdoutString)")
            let after = Self.files(root)
            #expect(after["repositories/lib/app/wip/_uploads/u1/data"] == Data([1, 2, 3]), "an upload nobody listed stays")
            #expect(!after.keys.contains { $0.hasPrefix("repositories/lib/app/_") })
            let sub = after.keys.filter { $0.hasPrefix("repositories/lib/app/sub/") }
            #expect(sub.isEmpty == nested, "lib/app/sub goes only with --nested: \(sub)")
            if !nested {
                let ls = try await DrydockBinary.run(["ls", root.path, "lib/app/sub:stable", "--json"], timeout: 60)
                #expect(ls.exitCode == 0, "its tags still resolve: \(ls.stderrString)")
            }
            let undo = try await DrydockBinary.run(["undo", "--yes", "--delete-enabled", root.path], timeout: 60)
            #expect(undo.exitCode == 0, "\(undo.stderrString)")
            #expect(Self.files(root) == before)
        }
    }

    /// A plan keeping only team/app:v4 of v1..v4, saved from `root`.
    static func savedPlan(_ scratch: TemporaryDirectory) async throws -> (root: URL, plan: String) {
        let root = scratch.url.appendingPathComponent("store")
        for tag in ["v1", "v2", "v3", "v4"] { try image(root, "team/app", tags: [tag], layer: "layer-\(tag)") }
        let plan = scratch.url.appendingPathComponent("plan.json").path
        let saved = try await DrydockBinary.run(["prune", "--plan-out", plan, root.path, "--keep-tag", "^v4$"], timeout: 60)
        try #require(saved.exitCode == 0, "\(saved.stderrString)")
        return (root, plan)
    }

    @Test(.timeLimit(.minutes(2)))
    func pruneApplyHonoursTheCapsGivenWithIt() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-prune-caps")
        defer { scratch.remove() }
        let (root, plan) = try await Self.savedPlan(scratch)
        let before = Self.files(root)
        let capped = try await DrydockBinary.run(["prune", "--yes", "--delete-enabled", root.path, "--apply", plan, "--max-delete", "2"], timeout: 60)
        #expect(capped.exitCode == 1, "\(capped.stdoutString)")
        #expect(capped.stderrString.contains("the plan removes 3 of 4 tags in scope, more than --max-delete 2 allows (2)"), "\(capped.stderrString)")
        #expect(Self.files(root) == before, "a capped plan changes nothing")

        let applied = try await DrydockBinary.run(["prune", "--yes", "--delete-enabled", root.path, "--apply", plan, "--max-delete", "75%"], timeout: 60)
        #expect(applied.exitCode == 0, "\(applied.stderrString)")
        #expect(Self.files(root).keys.filter { $0.contains("/_manifests/tags/") && $0.hasSuffix("current/link") } == ["repositories/team/app/_manifests/tags/v4/current/link"])
    }

    @Test(.timeLimit(.minutes(2)))
    func pruneApplyRefusesAPlanMadeForAnotherStoreAndAnUnreadableFile() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-prune-store")
        defer { scratch.remove() }
        let (root, plan) = try await Self.savedPlan(scratch)
        // A copy with the same tag links and times: the fingerprints alone would let the plan run there.
        let copy = scratch.url.appendingPathComponent("copy")
        let copied = try await Shell.run("/bin/cp", ["-a", root.path, copy.path], timeout: 60)
        try #require(copied.exitCode == 0, "\(copied.stderrString)")
        let before = Self.files(copy)
        let refused = try await DrydockBinary.run(["prune", "--yes", "--delete-enabled", copy.path, "--apply", plan], timeout: 60)
        #expect(refused.exitCode == 1)
        #expect(refused.stderrString.contains("the plan was made for \(StoreLocation.normalized(root.path)), not \(StoreLocation.normalized(copy.path))"), "\(refused.stderrString)")
        #expect(Self.files(copy) == before)
        let moved = try await DrydockBinary.run(["prune", "--yes", "--delete-enabled", copy.path, "--apply", plan, "--allow-other-store"], timeout: 60)
        #expect(moved.exitCode == 0, "\(moved.stderrString)")

        let broken = scratch.url.appendingPathComponent("broken.json").path
        try Data(#"{"format":"drydock-prune-plan/1","store":"/x","created":"2024-05-01T10:00:00Z","plan":{"repositories":[{"name":"team/app"}]}}"#.utf8).write(to: URL(fileURLWithPath: broken))
        let unreadable = try await DrydockBinary.run(["prune", "--yes", "--delete-enabled", root.path, "--apply", broken], timeout: 60)
        #expect(unreadable.exitCode == 2, "\(unreadable.stderrString)")
        #expect(unreadable.stderrString.contains("at plan.repositories[0]: the field \"order\" is missing"), "\(unreadable.stderrString)")
        #expect(!unreadable.stderrString.contains("DecodingError") && !unreadable.stderrString.contains("CodingKeys"), "\(unreadable.stderrString)")
    }
}
