import Foundation
import Testing
@testable import RegistryStorage
import StoreGenerator

/// The benchmark's generated stores must be real: registry 2.8.2 serves every tag and blob, and its collector marks
/// exactly what the generator predicts.
@Suite(.heavy) struct GeneratorInteropTests {
    @Test(.timeLimit(.minutes(3)))
    func registryServesGeneratedStoreAndCollectsWhatIsPredicted() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-gen")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store")
        var shape = StoreGenerator.Shape(repositories: 12, tagsPerRepository: 3, layersPerImage: 3)
        shape.indexEvery = 4
        shape.orphanBlobs = 5
        let prediction = try StoreGenerator(shape: shape, root: root.path).generate()

        var options = RegistryServer.Options()
        options.rootDirectory = root
        let server = try await RegistryServer.start(options)
        defer { server.stop() }

        // Catalog and tags as generated; every tag resolves; every referenced blob is served.
        let catalog = try await server.api.catalog()
        #expect(Set(catalog) == Set(prediction.repositoryNames))
        let store = try RegistryStore.open(root: root.path)
        let (_, repos) = try await store.loadEverything()
        #expect(repos.reduce(0) { $0 + $1.revisions.count } == prediction.manifests)
        for repo in repos {
            #expect(Set(try await server.api.tags(repo.name)) == Set(repo.tags.map(\.name)))
            for tag in repo.tags {
                let served = try await server.api.manifest(repo.name, tag.name)
                #expect(served.status == 200)
                #expect(served.digestHeader == tag.current?.description)
            }
            for r in repo.revisions {
                for ref in r.manifest?.blobReferences ?? [] {
                    #expect(try await server.api.blobStatus(repo.name, ref.digestText) == 200, "\(repo.name) \(ref.digestText)")
                }
            }
        }

        // The registry's own collector: without -m it sweeps exactly the orphans.
        let (code, output) = try await server.garbageCollect(dryRun: true, deleteUntagged: false)
        #expect(code == 0)
        #expect(Self.eligible(output) == Set(prediction.orphans.map(\.description)))
        // With -m it also sweeps what only untagged revisions reference (and, wrongly, index children's layers).
        let (codeM, outputM) = try await server.garbageCollect(dryRun: true, deleteUntagged: true)
        #expect(codeM == 0)
        let untagged = Set(prediction.untaggedOnly.union(prediction.orphans).map(\.description))
        #expect(untagged.isSubset(of: Self.eligible(outputM)))
    }

    static func eligible(_ output: String) -> Set<String> {
        Set(output.split(separator: "\n").compactMap { line in
            line.hasPrefix("blob eligible for deletion: ") ? String(line.dropFirst("blob eligible for deletion: ".count)) : nil
        })
    }
}
