import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage
import StoreGenerator

/// The content cache as a user meets it: the commands print the same bytes cold, warm and with `--no-cache`, and
/// `--no-cache` writes nothing.
@Suite struct ContentCacheCommandTests {
    static let commands: [[String]] = [
        ["ls", "--json"], ["ls"], ["gc", "--dry-run", "--json"], ["gc", "--dry-run", "--delete-untagged", "--json"],
    ]

    /// Runs each command three times against `root`: cold (an empty cache folder), warm (the same folder again) and
    /// with `--no-cache` (another empty folder, which must stay empty).
    func expectSameOutputColdWarmAndUncached(_ root: String, _ scratch: TemporaryDirectory) async throws {
        for command in Self.commands {
            let cache = scratch.url.appendingPathComponent("cache-\(command.joined(separator: "-"))").path
            let unused = scratch.url.appendingPathComponent("unused-\(command.joined(separator: "-"))").path
            let cached = Shell.childEnvironment(adding: ["DRYDOCK_CACHE_DIR": cache])
            let cold = try await DrydockBinary.run(command + [root], environment: cached)
            let shards = try FileManager.default.contentsOfDirectory(atPath: cache + "/content-v1")
            #expect(shards.count > 8, "\(command): the cold run filled the cache")
            let warm = try await DrydockBinary.run(command + [root], environment: cached)
            let uncached = try await DrydockBinary.run(
                command + ["--no-cache", root], environment: Shell.childEnvironment(adding: ["DRYDOCK_CACHE_DIR": unused]))
            #expect(!FileManager.default.fileExists(atPath: unused), "\(command): --no-cache wrote a cache")
            #expect(!cold.stdout.isEmpty, "\(command): \(cold.stderrString)")
            for (name, run) in [("warm", warm), ("--no-cache", uncached)] {
                #expect(run.exitCode == cold.exitCode, "\(command) \(name)")
                #expect(run.stdout == cold.stdout, "\(command): \(name) output differs from the cold run's")
            }
        }
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
}
