@testable import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

/// The demo store is a real registry store: docker-registry 2.8.2 serves it, every tag of an intact repository pulls
/// completely, and what the demo breaks on purpose answers the way the tour says.
@Suite(.heavy) struct DemoRegistryInteropTests {
    typealias Demo = DemoStoreBuilder

    @Test(.timeLimit(.minutes(3)))
    func theRegistryServesTheDemoStoreAsTheTourSays() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-demo-registry")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store")
        // Made the way a user makes it.
        let generated = try await DrydockBinary.run(["demo", "generate", root.path])
        try #require(generated.exitCode == 0, "\(generated.stderrString)")

        var options = RegistryServer.Options()
        options.rootDirectory = root
        try await RegistryServer.with(options) { server in
            let api = server.api
            #expect(try await api.catalog() == Demo.tour.map(\.repository).sorted())

            // Intact repositories: every tag (cosign's .sig tag and notation's referrers tag included) pulls.
            let intact = [Demo.alpine, Demo.api, Demo.migrations, Demo.frontend, Demo.seedApp]
            for repository in intact {
                let tags = try await api.tags(repository)
                #expect(!tags.isEmpty, "\(repository)")
                for tag in tags { try await DeleteScenario.pullCompletely(api, repository, tag) }
            }

            // broken/missing-layer: the manifest is served, its second layer is not.
            try await Self.expectOneBadLayer(api, Demo.missingLayer) { response, digest in
                #expect(response.status == 404, "\(digest): \(response.status)")
                #expect(DeleteScenario.errorCode(response.body) == "BLOB_UNKNOWN")
            }
            // broken/corrupted: the layer is served with its full size, but its bytes do not hash to its digest.
            try await Self.expectOneBadLayer(api, Demo.corrupted) { response, digest in
                #expect(response.status == 200)
                #expect(StoreFiles.sha256(response.body) != digest)
            }
            // legacy/tampered: 2.8.2 checks schema1 signatures only on push, so it serves the edited payload (under
            // the payload's own digest) with a signature of its own; `drydock verify` is what finds the tampering.
            let tags = try await api.tags(Demo.tampered)
            #expect(tags.count == 1)
            let tampered = try await api.manifest(Demo.tampered, try #require(tags.first))
            #expect(tampered.status == 200)
            #expect(tampered.contentType == MediaType.schema1Signed)
        }
    }

    /// The repository's one tag has a manifest the registry serves, exactly one layer that `check` finds bad,
    /// and every other blob intact.
    static func expectOneBadLayer(
        _ api: RegistryAPI, _ repository: String, _ check: (HTTPResponse, String) -> Void
    ) async throws {
        struct Served: Decodable {
            struct D: Decodable { var digest: String }
            var config: D
            var layers: [D]
        }
        let tags = try await api.tags(repository)
        let manifest = try await api.manifest(repository, try #require(tags.first))
        try #require(manifest.status == 200, "\(repository): \(manifest.status)")
        let served = try JSONDecoder().decode(Served.self, from: Data(manifest.body))
        var bad = 0
        for digest in [served.config.digest] + served.layers.map(\.digest) {
            let blob = try await api.getBlob(repository, digest)
            if blob.status == 200 && StoreFiles.sha256(blob.body) == digest { continue }
            bad += 1
            check(blob, digest)
        }
        #expect(bad == 1, "\(repository): \(bad) bad blobs")
    }
}
