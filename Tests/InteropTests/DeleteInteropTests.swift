import Foundation
import RegistryStorage
import Testing

/// Drydock's deletes against the real registry (distribution 2.8.2): after each kind of `drydock rm` on a store the
/// registry wrote, the registry started on that store must answer as after its own DELETE, and the tree must equal
/// the one the registry's own DELETE leaves. With deletion disabled by any source, every path refuses and the store
/// stays byte for byte the same. Undo makes the registry serve what was deleted again.
@Suite(.heavy) struct DeleteInteropTests {
    @Test(.timeLimit(.minutes(3)))
    func eachDeleteLeavesWhatTheRegistrysOwnDeleteLeaves() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-delete")
        defer { scratch.remove() }
        let pushed = try await DeleteScenario.push(into: scratch.url.appendingPathComponent("pristine"), layout: scratch.url.appendingPathComponent("layout"))
        let pristine = DeleteScenario.snapshot(pushed.root)

        // Manifest: `drydock rm REPO@DIGEST` against the registry's DELETE /v2/REPO/manifests/DIGEST.
        try await DeleteScenario.compareWithRegistry(
            pushed, in: scratch.url.appendingPathComponent("manifest"),
            drydock: ["team/app@\(pushed.two)"],
            registry: { api in
                let status = try await api.deleteManifest("team/app", pushed.two)
                #expect(status == 202)
            },
            check: { api in
                let byDigest = try await api.manifest("team/app", pushed.two)
                #expect(byDigest.status == 404 && DeleteScenario.errorCode(byDigest.body) == "MANIFEST_UNKNOWN")
                for tag in ["v1", "v2"] {
                    let byTag = try await api.manifest("team/app", tag)
                    #expect(byTag.status == 404 && DeleteScenario.errorCode(byTag.body) == "MANIFEST_UNKNOWN", "\(tag)")
                }
                #expect(try await api.tags("team/app") == ["latest"])
                #expect(try await api.manifest("team/app", "latest").digestHeader == pushed.one)
                #expect(try await api.manifest("other", "v1").status == 200, "the same image elsewhere is untouched")
            })

        // Layer link: `drydock rm REPO --layer DIGEST` against DELETE /v2/REPO/blobs/DIGEST.
        try await DeleteScenario.compareWithRegistry(
            pushed, in: scratch.url.appendingPathComponent("layer"),
            drydock: ["team/app", "--layer", pushed.appOneLayer],
            registry: { api in
                let status = try await api.deleteBlob("team/app", pushed.appOneLayer)
                #expect(status == 202)
            },
            check: { api in
                let blob = try await api.getBlob("team/app", pushed.appOneLayer)
                #expect(blob.status == 404 && DeleteScenario.errorCode(blob.body) == "BLOB_UNKNOWN")
                #expect(try await api.getBlob("team/app/sub", pushed.appOneLayer).status == 200)
            })

        // Tag: the registry's untag (it has no HTTP route of its own in 2.8.2).
        let tag = try await DeleteScenario.runDrydock(pushed, in: scratch.url.appendingPathComponent("tag"), ["team/app:latest"])
        #expect(DeleteScenario.snapshot(tag) == pristine.filter { !$0.key.contains("/repositories/team/app/_manifests/tags/latest/") })
        try await DeleteScenario.serve(tag) { api in
            let byTag = try await api.manifest("team/app", "latest")
            #expect(byTag.status == 404 && DeleteScenario.errorCode(byTag.body) == "MANIFEST_UNKNOWN")
            #expect(try await api.tags("team/app").sorted() == ["v1", "v2"])
            #expect(try await api.manifest("team/app", pushed.one).status == 200, "untag keeps the manifest")
            #expect(try await api.manifest("team/app", "v1").digestHeader == pushed.two)
            let upload = try await api.request("GET", pushed.uploadPath)
            #expect(upload.status == 204, "the upload is known before it is purged: \(upload.bodyString)")
        }

        // Repository: its own folders go, the nested repository stays.
        let repo = try await DeleteScenario.runDrydock(pushed, in: scratch.url.appendingPathComponent("repo"), ["team/app", "--repository"])
        let ownFolders = ["_layers/", "_manifests/", "_uploads/"].map { "/repositories/team/app/\($0)" }
        #expect(DeleteScenario.snapshot(repo) == pristine.filter { file in !ownFolders.contains { file.key.contains($0) } })
        try await DeleteScenario.serve(repo) { api in
            #expect(try await api.catalog() == ["other", "team/app/sub"])
            let tags = try await api.tagsResponse("team/app")
            #expect(tags.status == 404 && DeleteScenario.errorCode(tags.body) == "NAME_UNKNOWN")
            try await DeleteScenario.pullCompletely(api, "team/app/sub", "v1")
        }

        // Stale uploads: the registry then knows the upload no more.
        let uploads = try await DeleteScenario.runDrydock(pushed, in: scratch.url.appendingPathComponent("uploads"), ["--uploads-older-than", "24h"])
        #expect(DeleteScenario.snapshot(uploads) == pristine.filter { !$0.key.contains("/_uploads/\(pushed.upload)/") })
        try await DeleteScenario.serve(uploads) { api in
            let status = try await api.request("GET", pushed.uploadPath)
            #expect(status.status == 404 && DeleteScenario.errorCode(status.body) == "BLOB_UPLOAD_UNKNOWN")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func everyPathRefusesWhenDeletionIsDisabled() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-refuse")
        defer { scratch.remove() }
        let pushed = try await DeleteScenario.push(into: scratch.url.appendingPathComponent("pristine"), layout: scratch.url.appendingPathComponent("layout"))
        let root = pushed.root
        let before = DeleteScenario.snapshot(root, includingJournal: true)
        func config(delete: Bool, readOnly: Bool = false) throws -> String {
            let path = scratch.url.appendingPathComponent("config-\(delete)-\(readOnly).yml")
            let yaml = "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(root.path)\n  delete:\n    enabled: \(delete)\n"
                + (readOnly ? "  maintenance:\n    readonly:\n      enabled: true\n" : "")
            try Data(yaml.utf8).write(to: path)
            return path.path
        }
        let env = "REGISTRY_STORAGE_DELETE_ENABLED"
        // (store arguments, environment, what the message must name)
        let sources: [([String], [String: String], String)] = [
            (["--config", try config(delete: false)], [:], "storage.delete.enabled is false in"),
            (["--config", try config(delete: true)], [env: "false"], "\(env)=false overrides"),
            ([root.path], [:], "storage.delete.enabled defaults to false"),
            ([root.path, "--delete-enabled"], [env: "false"], "--delete-enabled does not override \(env)=false"),
            (["--config", try config(delete: false), "--delete-enabled"], [:], "--delete-enabled does not override the registry configuration"),
            ([root.path, "--delete-enabled", "--read-only"], [:], "--read-only"),
            (["--config", try config(delete: true, readOnly: true)], [:], "storage.maintenance.readonly.enabled is true"),
        ]
        let paths: [[String]] = [
            ["team/app:latest"], ["team/app@\(pushed.two)"], ["team/app", "--layer", pushed.appOneLayer],
            ["team/app", "--repository"], ["--uploads-older-than", "1s"],
        ]
        for (store, environment, message) in sources {
            for path in paths {
                let result = try await DeleteScenario.drydock(["rm", "--yes"] + store + path, environment: environment)
                #expect(result.exitCode == 1, "\(store) \(path): \(result.stderrString)")
                #expect(result.stderrString.contains(message), "\(store) \(path): \(result.stderrString)")
                #expect(result.stderrString.contains("refused"), "\(result.stderrString)")
            }
        }
        // Read-only also refuses undo and a real gc (which ignore storage.delete.enabled otherwise).
        for command in [["gc", "--yes", "--delete-untagged"], ["undo", "--yes"]] {
            for store in [[root.path, "--read-only"], ["--config", try config(delete: true, readOnly: true)]] {
                let result = try await DeleteScenario.drydock(command + store)
                #expect(result.exitCode == 1, "\(command) \(store): \(result.stderrString)")
                #expect(result.stderrString.contains("read-only"), "\(result.stderrString)")
            }
        }
        #expect(DeleteScenario.snapshot(root, includingJournal: true) == before, "nothing on disk changed, not even a journal")
    }

    @Test(.timeLimit(.minutes(3)))
    func undoMakesTheRegistryServeTheDeletedTagAndManifestAgain() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-undo")
        defer { scratch.remove() }
        let pushed = try await DeleteScenario.push(into: scratch.url.appendingPathComponent("pristine"), layout: scratch.url.appendingPathComponent("layout"))
        let root = pushed.root
        let pristine = DeleteScenario.snapshot(root)
        let untag = try await DeleteScenario.drydock(["rm", "--yes", "--json", "--delete-enabled", root.path, "team/app:latest"])
        #expect(untag.exitCode == 0, "\(untag.stderrString)")
        let manifest = try await DeleteScenario.drydock(["rm", "--yes", "--json", "--delete-enabled", root.path, "team/app@\(pushed.two)"])
        #expect(manifest.exitCode == 0, "\(manifest.stderrString)")
        try await DeleteScenario.serve(root) { api in
            let latest = try await api.manifest("team/app", "latest")
            let two = try await api.manifest("team/app", pushed.two)
            let tags = try await api.tags("team/app")
            #expect(latest.status == 404 && two.status == 404)
            #expect(tags.isEmpty, "every tag pointed at a deleted manifest")
        }
        let listed = try await DeleteScenario.drydock(["undo", "--list", root.path])
        #expect(listed.stdoutString.split(separator: "\n").count == 2, "\(listed.stdoutString)")
        for _ in 0..<2 {
            let undo = try await DeleteScenario.drydock(["undo", "--yes", root.path])
            #expect(undo.exitCode == 0, "\(undo.stderrString)")
        }
        #expect(DeleteScenario.snapshot(root) == pristine)
        try await DeleteScenario.serve(root) { api in
            #expect(try await api.tags("team/app").sorted() == ["latest", "v1", "v2"])
            #expect(try await api.manifest("team/app", "latest").digestHeader == pushed.one)
            #expect(try await api.manifest("team/app", "v1").digestHeader == pushed.two)
            try await DeleteScenario.pullCompletely(api, "team/app", "v2")
        }
        let nothing = try await DeleteScenario.drydock(["undo", "--yes", root.path])
        #expect(nothing.exitCode == 1 && nothing.stderrString.contains("nothing to undo"), "\(nothing.stderrString)")

        // After a garbage collection swept its blobs, undo refuses and says why.
        let again = try await DeleteScenario.drydock(["rm", "--yes", "--json", "--delete-enabled", root.path, "team/app@\(pushed.one)"])
        struct Report: Decodable { var journal: String? }
        let id = try #require(try JSONDecoder().decode(Report.self, from: Data(again.stdout)).journal)
        let gc = try await DeleteScenario.drydock(["gc", "--yes", root.path])
        #expect(gc.exitCode == 0, "\(gc.stderrString)")
        let refused = try await DeleteScenario.drydock(["undo", "--yes", root.path, id])
        #expect(refused.exitCode == 1)
        #expect(refused.stderrString.contains("blob(s) are gone") && refused.stderrString.contains(pushed.one), "\(refused.stderrString)")
    }
}

// MARK: - The scenario

/// A store written by the real registry: `team/app` (schema2: `v1` retagged from image one to image two, `latest` =
/// one, `v2` = two, an unfinished upload started long ago), `team/app/sub` (OCI, image one) and `other` (OCI, two).
struct PushedStore: Sendable {
    var root: URL
    /// Schema2 digests in `team/app`.
    var one: String
    var two: String
    /// The OCI digests in `team/app/sub` and `other`.
    var subOne: String
    var otherTwo: String
    /// Image one's own (non-base) layer.
    var appOneLayer: String
    /// Every blob the images reference (configs and layers).
    var blobs: [String]
    /// The upload id in `team/app/_uploads`.
    var upload: String
    /// `/v2/team/app/blobs/uploads/<id>?_state=...` (the registry needs its signed state to look an upload up).
    var uploadPath: String
}

enum DeleteScenario {
    static func push(into root: URL, layout layoutURL: URL) async throws -> PushedStore {
        let layout = try OCIImageBuilder(directory: layoutURL)
        let base = LayerSpec(seed: "delete-base")
        let one = try layout.addImage(tag: "one", layers: [base, LayerSpec(seed: "delete-one")], labels: ["image": "one"])
        let two = try layout.addImage(tag: "two", layers: [base, LayerSpec(seed: "delete-two")], labels: ["image": "two"])
        var options = RegistryServer.Options()
        options.rootDirectory = root
        return try await RegistryServer.with(options) { server in
            func copy(_ source: String, _ repository: String, _ tag: String, _ format: Skopeo.Format) async throws -> String {
                try await Skopeo.copy(layout: layout, tag: source, to: server, repository: repository, destinationTag: tag, format: format).digest
            }
            let d1 = try await copy("one", "team/app", "v1", .v2s2)
            #expect(try await copy("one", "team/app", "latest", .v2s2) == d1)
            let d2 = try await copy("two", "team/app", "v2", .v2s2)
            #expect(try await copy("two", "team/app", "v1", .v2s2) == d2)
            let subOne = try await copy("one", "team/app/sub", "v1", .oci)
            let otherTwo = try await copy("two", "other", "v1", .oci)
            let started = try await server.api.request("POST", "/v2/team/app/blobs/uploads/")
            let upload = try #require(started.header("docker-upload-uuid"), "\(started.status) \(started.bodyString)")
            let location = try #require(started.header("location").flatMap(URLComponents.init(string:)))
            let uploadPath = location.path + "?" + (location.percentEncodedQuery ?? "")
            let status = try await server.api.request("GET", uploadPath)
            #expect(status.status == 204, "\(status.bodyString)")
            // Started long ago: stale for any age.
            let startedAt = StoreFiles(server).repository("team/app").appendingPathComponent("_uploads/\(upload)/startedat")
            try Data("2000-01-01T00:00:00Z".utf8).write(to: startedAt)
            return PushedStore(
                root: root, one: d1, two: d2, subOne: subOne, otherTwo: otherTwo, appOneLayer: one.layerDigests[1],
                blobs: Array(Set(one.referencedBlobs + two.referencedBlobs)).sorted(), upload: upload, uploadPath: uploadPath)
        }
    }

    /// Every regular file under `root` (relative path to bytes), without Drydock's journal unless asked.
    static func snapshot(_ root: URL, includingJournal: Bool = false) -> [String: [UInt8]] {
        let files = StoreFiles(root: root)
        var out: [String: [UInt8]] = [:]
        for path in files.allFiles() where includingJournal || !path.hasPrefix("docker/registry/v2/drydock/") {
            out[path] = files.read(root.appendingPathComponent(path)) ?? []
        }
        return out
    }

    static func drydock(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await Shell.run(try DrydockBinary.path(), arguments, environment: Shell.childEnvironment(adding: environment), timeout: 120)
    }

    /// Copies the pristine store to `directory` and runs `drydock rm --yes --delete-enabled` there.
    static func runDrydock(_ pushed: PushedStore, in directory: URL, _ arguments: [String]) async throws -> URL {
        try FileManager.default.copyItem(at: pushed.root, to: directory)
        let result = try await drydock(["rm", "--yes", "--delete-enabled", directory.path] + arguments)
        try #require(result.exitCode == 0, "\(result.commandLine): \(result.stderrString)\n\(result.stdoutString)")
        return directory
    }

    /// Serves `root` with the real registry while `body` runs.
    static func serve(_ root: URL, _ body: (RegistryAPI) async throws -> Void) async throws {
        var options = RegistryServer.Options()
        options.rootDirectory = root
        try await RegistryServer.with(options) { try await body($0.api) }
    }

    /// Drydock on one copy, the registry's own DELETE on another: same files, same API answers, and `check` holds.
    static func compareWithRegistry(
        _ pushed: PushedStore, in directory: URL, drydock arguments: [String],
        registry: (RegistryAPI) async throws -> Void, check: (RegistryAPI) async throws -> Void
    ) async throws {
        let ours = try await runDrydock(pushed, in: directory.appendingPathComponent("drydock"), arguments)
        let theirs = directory.appendingPathComponent("registry")
        try FileManager.default.copyItem(at: pushed.root, to: theirs)
        try await serve(theirs, registry)
        #expect(snapshot(ours) == snapshot(theirs), "\(arguments): the trees differ: \(difference(snapshot(ours), snapshot(theirs)))")
        var answers: [[String]] = []
        for root in [ours, theirs] {
            try await serve(root) { api in
                try await check(api)
                answers.append(try await fingerprint(api, pushed))
            }
        }
        #expect(answers[0] == answers[1], "\(arguments): the registry answers differently")
    }

    static func difference(_ a: [String: [UInt8]], _ b: [String: [UInt8]]) -> String {
        let keys = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
        return keys.prefix(10).map { "\($0): \(a[$0] == nil ? "only registry" : b[$0] == nil ? "only drydock" : "content")" }.joined(separator: ", ")
    }

    /// What the registry answers for every name, tag, manifest and blob of the scenario.
    static func fingerprint(_ api: RegistryAPI, _ pushed: PushedStore) async throws -> [String] {
        var lines = ["catalog \(try await api.catalog())"]
        for repo in ["team/app", "team/app/sub", "other"] {
            let tags = try await api.tagsResponse(repo)
            lines.append("\(repo) tags \(tags.status) \(tags.status == 200 ? "\(try await api.tags(repo).sorted())" : errorCode(tags.body) ?? "")")
            for ref in ["v1", "v2", "latest", pushed.one, pushed.two, pushed.subOne, pushed.otherTwo] {
                let m = try await api.manifest(repo, ref)
                lines.append("\(repo) manifest \(ref) \(m.status) \(m.digestHeader ?? "") \(errorCode(m.body) ?? "")")
            }
            for blob in pushed.blobs {
                let b = try await api.getBlob(repo, blob)
                lines.append("\(repo) blob \(blob) \(b.status) \(errorCode(b.body) ?? "")")
            }
        }
        return lines
    }

    /// `errors[0].code` of a registry error body.
    static func errorCode(_ body: [UInt8]) -> String? {
        struct Body: Decodable {
            struct E: Decodable { var code: String }
            var errors: [E]
        }
        return (try? JSONDecoder().decode(Body.self, from: Data(body)))?.errors.first?.code
    }

    /// Pulls `reference` the way a client does: the manifest, an index's children, then every blob, checking digests.
    static func pullCompletely(_ api: RegistryAPI, _ repository: String, _ reference: String) async throws {
        struct Served: Decodable {
            struct D: Decodable { var digest: String }
            struct L: Decodable { var blobSum: String }
            var manifests: [D]?
            var config: D?
            var layers: [D]?
            var fsLayers: [L]?
        }
        let m = try await api.manifest(repository, reference)
        try #require(m.status == 200, "\(repository):\(reference): \(m.status) \(m.bodyString)")
        let served = try JSONDecoder().decode(Served.self, from: Data(m.body))
        if m.contentType != MediaType.schema1Signed { #expect(m.digestHeader == StoreFiles.sha256(m.body)) }
        for child in served.manifests ?? [] { try await pullCompletely(api, repository, child.digest) }
        let blobs = (served.config.map { [$0.digest] } ?? []) + (served.layers ?? []).map(\.digest) + (served.fsLayers ?? []).map(\.blobSum)
        for blob in blobs {
            let b = try await api.getBlob(repository, blob)
            #expect(b.status == 200 && StoreFiles.sha256(b.body) == blob, "\(repository)@\(reference): blob \(blob) \(b.status)")
        }
    }
}
