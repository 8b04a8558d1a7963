import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage
import StoreGenerator

/// The local cache as a user meets it: the commands print the same bytes cold, warm and with `--no-cache`, and
/// `--no-cache` writes nothing. A store on a local disk uses the cache only with `--cache-local` (facts, never bytes).
@Suite struct ContentCacheCommandTests {
    static let commands: [[String]] = [
        ["ls", "--json"], ["ls"], ["gc", "--dry-run", "--json"], ["gc", "--dry-run", "--delete-untagged", "--json"],
    ]

    /// Runs each command against `root`: by default (no cache on a local disk: the folder stays absent), cold with
    /// `--cache-local` (an empty cache folder), warm (the same folder again) and with `--no-cache` (another empty
    /// folder, which must stay absent).
    func expectSameOutputColdWarmAndUncached(_ root: String, _ scratch: TemporaryDirectory) async throws {
        for command in Self.commands {
            let cache = scratch.url.appendingPathComponent("cache-\(command.joined(separator: "-"))").path
            let unused = scratch.url.appendingPathComponent("unused-\(command.joined(separator: "-"))").path
            let cached = Shell.childEnvironment(adding: ["DRYDOCK_CACHE_DIR": cache])
            let plain = try await DrydockBinary.run(command + [root], environment: cached)
            #expect(!FileManager.default.fileExists(atPath: cache), "\(command): a local store used the cache without --cache-local")
            let cold = try await DrydockBinary.run(command + ["--cache-local", root], environment: cached)
            // Only facts are kept for a local disk (over S3 the bytes are too, S3FlatListingInteropTests).
            #expect(!FileManager.default.fileExists(atPath: cache + "/content-v1"), "\(command): a local store's blobs were copied")
            let factShards = try FileManager.default.contentsOfDirectory(atPath: cache + "/facts-v1")
            #expect(factShards.count > 8, "\(command): the cold run recorded facts")
            let warm = try await DrydockBinary.run(command + ["--cache-local", root], environment: cached)
            let uncached = try await DrydockBinary.run(
                command + ["--no-cache", root], environment: Shell.childEnvironment(adding: ["DRYDOCK_CACHE_DIR": unused]))
            #expect(!FileManager.default.fileExists(atPath: unused), "\(command): --no-cache wrote a cache")
            #expect(!cold.stdout.isEmpty, "\(command): \(cold.stderrString)")
            for (name, run) in [("default", plain), ("warm", warm), ("--no-cache", uncached)] {
                #expect(run.exitCode == cold.exitCode, "\(command) \(name)")
                #expect(run.stdout == cold.stdout, "\(command): \(name) output differs from the cold run's")
            }
        }
        let both = try await DrydockBinary.run(["ls", "--no-cache", "--cache-local", root])
        #expect(both.exitCode == 2 && both.stderrString.contains("not both"), "\(both.stderrString)")
    }

    @Test(.timeLimit(.minutes(3)))
    func theDemoStoreListsAndCollectsTheSameColdAndWarm() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-cache-demo")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        try await expectSameOutputColdWarmAndUncached(root, scratch)
    }

    @Test(.timeLimit(.minutes(3)))
    func aGeneratedStoreListsAndCollectsTheSameColdAndWarm() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-cache-gen")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store").path
        var shape = StoreGenerator.Shape(repositories: 30, tagsPerRepository: 4, layersPerImage: 3)
        shape.indexEvery = 4
        shape.orphanBlobs = 5
        _ = try StoreGenerator(shape: shape, root: root).generate()
        try await expectSameOutputColdWarmAndUncached(root, scratch)
    }

    /// The trust rule as a user meets it: a forged facts record that drops a layer of a tagged manifest shows in a
    /// dry run (which reads facts), but `gc --yes` marks from hashed bytes and keeps the layer.
    @Test(.timeLimit(.minutes(3)))
    func aForgedFactsRecordNeverMakesGCDeleteAReferencedLayer() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-facts-forged")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store").path
        var shape = StoreGenerator.Shape(repositories: 4, tagsPerRepository: 2, layersPerImage: 3)
        shape.orphanBlobs = 2
        _ = try StoreGenerator(shape: shape, root: root).generate()
        let cache = scratch.url.appendingPathComponent("cache")
        let environment = Shell.childEnvironment(adding: ["DRYDOCK_CACHE_DIR": cache.path])
        let cold = try await DrydockBinary.run(["gc", "--dry-run", "--json", "--cache-local", root], environment: environment)
        #expect(cold.exitCode == 0, "\(cold.stderrString)")

        // A tagged manifest's layer that no other manifest references.
        let (_, repos) = try await RegistryStore.open(root: root).loadEverything(detail: .marking)
        var users: [Digest: Int] = [:]
        for r in repos.flatMap(\.revisions) { for l in r.manifest?.layers ?? [] { if let d = l.digest { users[d, default: 0] += 1 } } }
        let victim = try #require(repos.flatMap(\.revisions).first { r in r.isTagged && r.manifest?.layers.last?.digest.map { users[$0] == 1 } == true })
        let dropped = try #require(victim.manifest?.layers.last?.digest)
        var forged = try #require(FactsCache(root: cache).manifest(of: victim.digest), "the cold run recorded it")
        forged.manifest.layers.removeLast()
        let forger = FactsCache(root: cache)
        forger.record(victim.digest, size: forged.size, manifest: forged.manifest)
        forger.flush()

        let dry = try await DrydockBinary.run(["gc", "--dry-run", "--json", "--cache-local", root], environment: environment)
        #expect(dry.stdoutString.contains(dropped.description), "the dry run reads the (forged) facts")
        #expect(!cold.stdoutString.contains(dropped.description))
        let real = try await DrydockBinary.run(["gc", "--yes", "--json", "--cache-local", root], environment: environment)
        #expect(real.exitCode == 0, "\(real.stderrString)")
        #expect(!real.stdoutString.contains(dropped.description))
        let blob = root + "/docker/registry/v2/" + StoreLayout.blobData(dropped).components.joined(separator: "/")
        #expect(FileManager.default.fileExists(atPath: blob), "gc --yes kept the referenced layer")
    }
}
