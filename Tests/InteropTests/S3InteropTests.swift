import Foundation
import RegistryStorage
import Testing

/// Drydock on a registry that stores in S3: the real registry (distribution 2.8.2, `storage.s3`) writes a bucket on
/// a real S3 endpoint (moto), and Drydock, through the direct form (`s3://BUCKET/ROOT --endpoint URL`) and the
/// registry's own config (`--config`), must read, verify, delete and collect exactly as on a filesystem store.
@Suite(.serialized, .heavy) struct S3InteropTests {
    // MARK: Reading and verifying

    @Test(.timeLimit(.minutes(3)))
    func listAndVerifyOverS3AgreeWithTheRegistryAPI() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        _ = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-agree")
        defer { scratch.remove() }
        let images = try AgreementImages(layout: OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout")))

        try await S3RegistryBed.with { bed in
            let expected = try await AgreementScenario.push(images, to: bed.server, openStore: { _ in try await bed.openLibrary() })
            // The registry really wrote to the bucket, under the root directory.
            let keys = try await bed.keys()
            #expect(keys.contains { $0.hasPrefix("repositories/team/app/_manifests/tags/v1/") }, "\(keys.prefix(5))")
            #expect(keys.contains { $0.hasPrefix("blobs/sha256/") })

            // The library.
            let registry = try await bed.openLibrary()
            #expect(registry.driver.location == bed.storeURL)
            let listing = try await registry.repositories()
            let contents = await registry.loadAll(listing.repositories)
            let index = StoreIndex(contents)
            let library = contents.map { RepositoryView(library: $0, index: index) }
            #expect(listing.problems.isEmpty, "\(listing.problems)")
            for repo in contents {
                #expect(repo.allProblems.isEmpty, "\(repo.name): \(repo.allProblems)")
            }

            // The binary, direct form and config form.
            let direct = try await bed.drydock(["ls", "--json"] + bed.direct)
            try #require(direct.succeeded, "\(direct.commandLine): \(direct.stderrString)")
            let document = try JSONDecoder().decode(ListJSON.Document.self, from: Data(direct.stdout))
            let binary = document.repositories.map(RepositoryView.init(json:))
            #expect(document.store == bed.storeURL)
            #expect(document.allProblems.isEmpty, "\(document.allProblems)")
            #expect(library == binary, "library and `drydock ls --json s3://...` read the store differently")

            // No AWS variables at all: the keys come from the config.
            let viaConfig = try await bed.drydock(["ls", "--json", "--config", bed.configPath], environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""])
            try #require(viaConfig.succeeded, "\(viaConfig.commandLine): \(viaConfig.stderrString)")
            let configDocument = try JSONDecoder().decode(ListJSON.Document.self, from: Data(viaConfig.stdout))
            #expect(configDocument.store == bed.storeURL)
            #expect(configDocument.repositories.map(RepositoryView.init(json:)) == binary, "--config and s3:// read the same store")

            // The registry's HTTP API, exactly as for a filesystem store.
            let checker = AgreementChecker(api: bed.api, readBlob: { try await bed.blobData($0) }, expected: expected)
            try await checker.checkCatalog(binary)
            for repo in binary { try await checker.checkRepository(repo) }
            checker.checkRepositorySizes(binary)
            try await checker.checkDeletion(binary)
            try await checker.checkNarrowing(store: bed.direct, environment: try bed.drydockEnvironment(), full: binary)

            // Verification: the library with deep hashing (ranged reads of every blob), and the binary.
            let verifier = Verifier(store: registry, options: VerificationOptions(deep: true))
            var results: [ManifestVerification] = []
            for repo in contents { results += await verifier.verify(repo) }
            #expect(results.count == binary.reduce(0) { $0 + $1.manifests.count })
            for v in results {
                #expect(v.ok, "\(v.repository)@\(v.digest): \(v.checks.filter { $0.status == .fail || $0.status == .warning })")
            }
            let findings = await verifier.storeFindings(contents, listing: listing)
            #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings)")
            for arguments in [bed.direct, ["--config", bed.configPath]] {
                let verify = try await bed.drydock(["verify", "--deep"] + arguments)
                #expect(verify.exitCode == 0, "\(verify.commandLine): \(verify.stderrString)\n\(verify.stdoutString.suffix(2000))")
            }

            // A damaged blob in the bucket is caught by the deep check (so the checks above can fail).
            let damaged = try #require(expected.tags["team/app"]?["v2"])
            let served = try await bed.api.manifest("team/app", damaged)
            let config = try #require(try JSONDecoder().decode(ServedManifest.self, from: Data(served.body)).config?.digest)
            try await bed.putObject(bed.blobKey(config), Array("{\"tampered\":true}".utf8))
            let caught = try await bed.drydock(["verify", "--deep"] + bed.direct + ["team/app:v2"])
            #expect(caught.exitCode == 1, "\(caught.stdoutString)")
            let short = String(config.dropFirst("sha256:".count).prefix(12))
            #expect(caught.stdoutString.contains("deep-integrity: \(short) is corrupted"), "\(caught.stdoutString)")
        }
    }

    // MARK: Deleting

    @Test(.timeLimit(.minutes(3)))
    func confirmedRemoveOnS3MatchesTheRegistrysDeleteAndUndoRestores() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-rm")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "s3rm-base")
        let one = try layout.addImage(tag: "one", layers: [base, LayerSpec(seed: "s3rm-one")], labels: ["image": "one"])
        let two = try layout.addImage(tag: "two", layers: [base, LayerSpec(seed: "s3rm-two")], labels: ["image": "two"])

        try await S3RegistryBed.with { bed in
            // The same pushes into two repositories: Drydock deletes in one, the registry in the other.
            var digests: [String: String] = [:]
            for repository in ["team/app", "mirror/app"] {
                for (source, tag) in [("one", "v1"), ("one", "latest"), ("two", "v2"), ("two", "v1")] {
                    digests[source] = try await Skopeo.copy(layout: layout, tag: source, to: bed.server, repository: repository, destinationTag: tag, format: .v2s2).digest
                }
            }
            _ = try await Skopeo.copy(layout: layout, tag: "two", to: bed.server, repository: "other", destinationTag: "v1", format: .oci)
            let dOne = try #require(digests["one"])
            let dTwo = try #require(digests["two"])
            let pristine = try await bed.keys()

            // Refused without delete permission on a bare s3:// store (no config says delete is enabled).
            let refused = try await bed.drydock(["rm", "--yes"] + bed.direct + ["team/app:latest"])
            #expect(refused.exitCode == 1 && refused.stderrString.contains("refused"), "\(refused.stderrString)")
            #expect(try await bed.keys() == pristine)

            // A tag, direct form: the registry stops serving it and serves the rest.
            let untag = try await bed.drydock(["rm", "--yes", "--json", "--delete-enabled"] + bed.direct + ["team/app:latest"])
            #expect(untag.exitCode == 0, "\(untag.stderrString)")
            #expect(try await bed.api.manifest("team/app", "latest").status == 404)
            #expect(try await bed.api.tags("team/app").sorted() == ["v1", "v2"])
            #expect(try await bed.api.manifest("team/app", dOne).status == 200, "untag keeps the manifest")
            let afterUntag = try await bed.keys().filter { !$0.hasPrefix("drydock/") }
            #expect(Set(pristine).subtracting(afterUntag) == Set(pristine.filter { $0.hasPrefix("repositories/team/app/_manifests/tags/latest/") }))

            // A manifest, config form (the registry's config enables deletes): compared with the registry's DELETE.
            let before = Set(try await bed.keys().filter { !$0.hasPrefix("drydock/") })
            let manifest = try await bed.drydock(["rm", "--yes", "--config", bed.configPath, "team/app@\(dTwo)"])
            #expect(manifest.exitCode == 0, "\(manifest.stderrString)")
            #expect(manifest.stdoutString.contains("drydock undo --config"), "\(manifest.stdoutString)")
            #expect(try await bed.api.deleteManifest("mirror/app", dTwo) == 202)
            let after = Set(try await bed.keys().filter { !$0.hasPrefix("drydock/") })
            let removed = before.subtracting(after)
            let ours = removed.filter { $0.hasPrefix("repositories/team/app/") }.map { String($0.dropFirst("repositories/team/app/".count)) }
            let theirs = removed.filter { $0.hasPrefix("repositories/mirror/app/") }.map { String($0.dropFirst("repositories/mirror/app/".count)) }
            #expect(!ours.isEmpty)
            #expect(Set(ours) == Set(theirs), "drydock rm and the registry's DELETE remove the same keys")
            #expect(removed.count == ours.count + theirs.count, "nothing else changed: \(removed.sorted())")
            for repository in ["team/app", "mirror/app"] {
                #expect(try await bed.api.manifest(repository, dTwo).status == 404)
                #expect(try await bed.api.manifest(repository, "v2").status == 404)
            }
            // No tag left: on S3 no key remains under _manifests/tags/, and the registry calls the name unknown.
            let noTags = try await bed.api.tagsResponse("team/app")
            #expect(noTags.status == 404 && DeleteScenario.errorCode(noTags.body) == "NAME_UNKNOWN", "\(noTags.status)")
            try await DeleteScenario.pullCompletely(bed.api, "other", "v1")
            try await DeleteScenario.pullCompletely(bed.api, "mirror/app", "latest")

            // The journal lives in the bucket; undo (both entries) restores every key and the registry serves all again.
            let listed = try await bed.drydock(["undo", "--list"] + bed.direct)
            #expect(listed.stdoutString.split(separator: "\n").count == 2, "\(listed.stdoutString)")
            for _ in 0..<2 {
                let undo = try await bed.drydock(["undo", "--yes"] + bed.direct)
                #expect(undo.exitCode == 0, "\(undo.stderrString)")
            }
            let restored = try await bed.keys().filter { !$0.hasPrefix("drydock/") }
            #expect(Set(restored) == Set(pristine).subtracting(theirs.map { "repositories/mirror/app/" + $0 }))
            #expect(try await bed.api.tags("team/app").sorted() == ["latest", "v1", "v2"])
            #expect(try await bed.api.manifest("team/app", "latest").digestHeader == dOne)
            #expect(try await bed.api.manifest("team/app", "v1").digestHeader == dTwo)
            try await DeleteScenario.pullCompletely(bed.api, "team/app", "v2")
            _ = one
            _ = two
        }
    }

    // MARK: Garbage collection

    @Test(.timeLimit(.minutes(4)))
    func gcOverS3MarksWhatTheRegistrysCollectorMarksAndARealRunKeepsEveryImage() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-gc")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "s3gc-base")
        var images: [String: ImageInfo] = [:]
        for (tag, seed) in [("a", "s3gc-a"), ("b", "s3gc-b"), ("c", "s3gc-c"), ("d", "s3gc-d")] {
            images[tag] = try layout.addImage(tag: tag, layers: [base, LayerSpec(seed: seed)], labels: ["image": tag])
        }

        try await S3RegistryBed.with { bed in
            // Retags leave untagged revisions in every format; a deleted manifest leaves orphan blobs.
            for (source, repository, format) in [("a", "s2", Skopeo.Format.v2s2), ("b", "s2", .v2s2), ("a", "oci", .oci), ("c", "oci", .oci), ("a", "lib/s1", .v2s1), ("d", "lib/s1", .v2s1)] {
                try await Skopeo.copy(layout: layout, tag: source, to: bed.server, repository: repository, destinationTag: "v1", format: format)
            }
            let doomed = try await Skopeo.copy(layout: layout, tag: "d", to: bed.server, repository: "doomed", destinationTag: "v1", format: .oci).digest
            #expect(try await bed.api.deleteManifest("doomed", doomed) == 202)

            func drydockGC(_ arguments: [String]) async throws -> GCInteropTests.DrydockGC {
                let result = try await bed.drydock(["gc", "--json"] + arguments + ["--config", bed.configPath])
                guard result.exitCode == 0 else { throw S3BedError("\(result.commandLine): exit \(result.exitCode): \(result.stderrString)") }
                return try JSONDecoder().decode(GCInteropTests.DrydockGC.self, from: Data(result.stdout))
            }
            for deleteUntagged in [false, true] {
                let registry = try await bed.registryGC(dryRun: true, deleteUntagged: deleteUntagged)
                let ours = try await drydockGC(["--dry-run"] + (deleteUntagged ? ["--delete-untagged"] : []))
                #expect(ours.asRegistry == registry, "--delete-untagged \(deleteUntagged)")
                #expect(!registry.blobs.isEmpty)
                #expect(deleteUntagged ? registry.manifests.count == 3 : registry.manifests.isEmpty)
                #expect(ours.keptAgainstRegistry.isEmpty)
            }

            // A real run (the registry keeps serving, but nothing pushes: only unreferenced blobs go). Its http.addr
            // answers, so the run needs --registry-stopped, the operator's word that nothing writes meanwhile.
            let keysBefore = Set(try await bed.keys())
            let ran = try await drydockGC(["--yes", "--registry-stopped"])
            #expect(!ran.blobs.isEmpty)
            let keysAfter = Set(try await bed.keys())
            for blob in ran.blobs {
                let hex = String(blob.split(separator: ":")[1])
                #expect(keysBefore.contains("blobs/sha256/\(hex.prefix(2))/\(hex)/data"))
                #expect(!keysAfter.contains("blobs/sha256/\(hex.prefix(2))/\(hex)/data"), "\(blob) swept")
            }
            #expect(try await bed.registryGC(dryRun: true).blobs.isEmpty, "the registry's collector finds nothing left")
            #expect(try await drydockGC(["--dry-run"]).blobs.isEmpty, "nothing left to collect")
            for repository in ["s2", "oci", "lib/s1"] {
                try await DeleteScenario.pullCompletely(bed.api, repository, "v1")
            }
            let entries = try await bed.drydock(["undo", "--list", "--json", "--config", bed.configPath])
            struct Entry: Decodable { var operation: String; var blobs: Int }
            let journal = try JSONDecoder().decode([Entry].self, from: Data(entries.stdout))
            #expect(journal.map(\.operation) == ["gc"], "the real run is journaled")
            #expect(journal.first?.blobs == ran.blobs.count)
            _ = images
        }
    }

    // MARK: Signatures and refusals

    @Test(.timeLimit(.minutes(3)))
    func strictAuthAcceptsSignedRequestsAndAWrongSecretIsAClearRefusal() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-strict")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        try layout.addImage(tag: "v1", layers: [LayerSpec(seed: "s3strict-base"), LayerSpec(seed: "s3strict-app")])

        try await S3RegistryBed.with(strictAuth: true) { bed in
            let digest = try await Skopeo.copy(layout: layout, tag: "v1", to: bed.server, repository: "team/app", format: .v2s2).digest
            #expect(try await bed.api.manifest("team/app", "v1").digestHeader == digest, "the registry signs its own requests")

            struct Listing: Decodable {
                struct Repository: Decodable { var name: String; var tags: [Tag] }
                struct Tag: Decodable { var name: String; var digest: String? }
                var store: String
                var repositories: [Repository]
            }
            // Signed with the config's keys, and with the environment's (the direct form).
            for (arguments, environment) in [(["--config", bed.configPath], ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]), (bed.direct, [:])] {
                let ls = try await bed.drydock(["ls", "--json"] + arguments, environment: environment)
                try #require(ls.exitCode == 0, "\(ls.commandLine): \(ls.stderrString)")
                let listing = try JSONDecoder().decode(Listing.self, from: Data(ls.stdout))
                #expect(listing.repositories.map(\.name) == ["team/app"])
                #expect(listing.repositories.first?.tags.map(\.digest) == [digest])
                let verify = try await bed.drydock(["verify", "--deep"] + arguments, environment: environment)
                #expect(verify.exitCode == 0, "\(verify.stderrString)")
            }
            // The shared credentials file, profile from AWS_PROFILE.
            let home = scratch.url.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
            try Data("# test profile\n[ci]\naws_access_key_id = \(bed.moto.accessKey)\naws_secret_access_key = \(bed.moto.secretKey)\n".utf8)
                .write(to: home.appendingPathComponent(".aws/credentials"))
            let fromFile = try await bed.drydock(
                ["ls", "--json"] + bed.direct, environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "HOME": home.path, "AWS_PROFILE": "ci"])
            #expect(fromFile.exitCode == 0, "\(fromFile.stderrString)")

            // A wrong secret in the config: exit 1, one clear line naming the S3 error code; nothing on stdout.
            let wrongConfig = try bed.configWithSecret("not-the-secret")
            for command in [["ls", "--json"], ["verify"], ["gc", "--dry-run"]] {
                let refused = try await bed.drydock(command + ["--config", wrongConfig])
                #expect(refused.exitCode == 1, "\(command): \(refused.stderrString)")
                #expect(refused.stderrString.contains("cannot open store"), "\(refused.stderrString)")
                #expect(refused.stderrString.contains("SignatureDoesNotMatch"), "\(refused.stderrString)")
                #expect(refused.stderrString.contains(bed.storeURL), "\(refused.stderrString)")
                #expect(refused.stderrString.contains("configuration's accesskey"), "\(refused.stderrString)")
                #expect(!refused.stderrString.contains("not-the-secret"), "the secret is never shown")
                #expect(refused.stdout.isEmpty)
            }
            // An unknown key id, and no credentials at all.
            let unknownKey = try await bed.drydock(["ls"] + bed.direct, environment: ["AWS_ACCESS_KEY_ID": "AKIAUNKNOWNKEY000000"])
            #expect(unknownKey.exitCode == 1)
            #expect(unknownKey.stderrString.contains("InvalidAccessKeyId") || unknownKey.stderrString.contains("SignatureDoesNotMatch"), "\(unknownKey.stderrString)")
            let anonymous = try await bed.drydock(["ls"] + bed.direct, environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""])
            #expect(anonymous.exitCode == 1)
            #expect(anonymous.stderrString.contains("unsigned"), "\(anonymous.stderrString)")
        }
    }

    // MARK: The browser

    @Test(.timeLimit(.minutes(3)))
    func browserShowsTheS3LocationAndTheStoreOverSignedRequests() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server", "tmux"])
        let drydock = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-tui")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        try layout.addImage(tag: "v1", layers: [LayerSpec(seed: "s3tui-base"), LayerSpec(seed: "s3tui-app")])

        try await S3RegistryBed.with(strictAuth: true) { bed in
            try await Skopeo.copy(layout: layout, tag: "v1", to: bed.server, repository: "team/app", format: .oci)
            try await Skopeo.copy(layout: layout, tag: "v1", to: bed.server, repository: "base", format: .v2s2)
            var environment = try bed.drydockEnvironment()
            environment = environment.filter { $0.key.hasPrefix("AWS_") || $0.key == "HOME" }
            let tmux = try await TmuxSession.start([drydock] + bed.direct, environment: environment, width: 140, height: 30)
            defer { tmux.stop() }
            let screen = try await tmux.waitFor("the indexed S3 store") {
                $0.contains("team/app") && $0.contains("base") && TmuxSession.isSettled($0)
            }
            #expect(screen.contains(bed.storeURL), "the status line names the s3:// location:\n\(screen)")
            #expect(screen.contains("Repositories (2)"))
            #expect(!screen.contains("access denied") && !screen.contains("error"), "\(screen)")
            try await tmux.send("q")
            #expect(try await tmux.waitForExit() == 0)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func openingProblemsAreClearMessagesNotCrashes() async throws {
        try RequiredTool.require("moto_server")
        _ = try DrydockBinary.path()
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try await moto.createBucket("empty-bucket")
        var env = Shell.childEnvironment()
        for key in env.keys where key.hasPrefix("AWS_") { env[key] = nil }
        env["HOME"] = "/nonexistent-drydock-home"
        env["AWS_ACCESS_KEY_ID"] = moto.accessKey
        env["AWS_SECRET_ACCESS_KEY"] = moto.secretKey
        func drydock(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> ProcessResult {
            try await Shell.run(try DrydockBinary.path(), arguments, environment: env.merging(extra) { $1 }, timeout: 120)
        }
        let endpoint = moto.endpoint.absoluteString

        let noBucket = try await drydock(["ls", "s3://no-such-bucket/r", "--endpoint", endpoint])
        #expect(noBucket.exitCode == 1)
        #expect(noBucket.stderrString.contains("no-such-bucket") && noBucket.stderrString.contains("does not exist"), "\(noBucket.stderrString)")

        let emptyPrefix = try await drydock(["ls", "s3://empty-bucket/registry", "--endpoint", endpoint])
        #expect(emptyPrefix.exitCode == 1)
        #expect(emptyPrefix.stderrString.contains("holds no docker/registry/v2"), "\(emptyPrefix.stderrString)")

        let closed = try ClosedLoopbackPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let unreachable = try await drydock(["ls", "s3://empty-bucket/r", "--endpoint", "http://127.0.0.1:\(port)"])
        #expect(unreachable.exitCode == 1)
        #expect(unreachable.stderrString.contains("cannot reach"), "\(unreachable.stderrString)")

        for (arguments, needle) in [
            (["ls", "s3://Bad_Bucket/r", "--endpoint", endpoint], "bucket name"),
            (["ls", "s3://bucket/a/../b", "--endpoint", endpoint], "\"..\""),
            (["ls", "s3://bucket/r"], "--region"),
            (["ls", "s3://bucket/r", "--endpoint", "ftp://host"], "--endpoint"),
        ] {
            let result = try await drydock(arguments)
            #expect(result.exitCode == 1, "\(arguments): \(result.stderrString)")
            #expect(result.stderrString.contains(needle), "\(arguments): \(result.stderrString)")
            #expect(result.stdout.isEmpty)
        }
        // Usage errors: S3 options without an s3:// store.
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-usage")
        defer { scratch.remove() }
        for arguments in [["ls", scratch.path, "--endpoint", endpoint], ["ls", "--config", scratch.url.appendingPathComponent("c.yml").path, "--region", "us-east-1"],
                          ["ls", "s3://bucket/r", "--path-style", "--virtual-hosted"]] {
            let result = try await drydock(arguments)
            #expect(result.exitCode == 2, "\(arguments): \(result.stderrString)")
        }
    }
}
