import Foundation
import Testing

/// Proves the interop harness end to end: build an OCI layout, start the real registry, push every manifest format
/// with skopeo, and check what the HTTP API serves against what landed on disk.
@Suite(.heavy) struct HarnessSmokeTests {
    @Test(.timeLimit(.minutes(2)))
    func pushesEveryFormatAndReadsItBack() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-smoke")
        defer { scratch.remove() }

        // Two images sharing a base layer, and an index over both.
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "base")
        let amd64 = try layout.addImage(
            tag: "v1", layers: [base, LayerSpec(seed: "app")], labels: ["org.example.name": "app"])
        let arm64 = try layout.addImage(
            tag: nil, layers: [base, LayerSpec(seed: "app-arm64")], architecture: "arm64", variant: "v8")
        let multi = try layout.addIndex(tag: "multi", images: [amd64, arm64])
        #expect(amd64.layerDigests[0] == arm64.layerDigests[0], "same LayerSpec, same blob")
        #expect(amd64.layerDigests[1] != arm64.layerDigests[1])
        #expect(amd64.diffIDs.count == 2 && amd64.diffIDs != amd64.layerDigests)

        try await RegistryServer.with { server in
            let api = server.api
            let store = StoreFiles(server)

            let schema2 = try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app", format: .v2s2)
            let oci = try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app/sub", format: .oci)
            let schema1 = try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "base", format: .v2s1)
            let index = try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "team/multi", all: true)

            // Catalog: depth-first bytewise walk; `team/app` (its `_layers`) before its child `team/app/sub`.
            let catalog = try await api.catalog()
            #expect(catalog == ["base", "team/app", "team/app/sub", "team/multi"], "\(server.logTail())")
            #expect(try await api.tags("team/app") == ["v1"])
            #expect(try await api.tags("team/multi") == ["multi"])
            #expect(try await api.tagsResponse("nope").status == 404)

            // Schema2: converted by skopeo, so a new manifest digest; blobs unchanged.
            let s2 = try await api.manifest("team/app", "v1")
            #expect(s2.status == 200)
            #expect(s2.contentType == MediaType.schema2)
            #expect(s2.digestHeader == schema2.digest)
            #expect(s2.digestHeader == StoreFiles.sha256(s2.body))
            #expect(s2.digestHeader != amd64.manifestDigest)
            #expect(s2.bodyString.contains(amd64.configDigest))

            // OCI: pushed as is, so the layout's digest.
            let o = try await api.manifest("team/app/sub", "v1")
            #expect(o.contentType == MediaType.ociManifest)
            #expect(o.digestHeader == amd64.manifestDigest)
            #expect(oci.digest == amd64.manifestDigest)
            #expect(o.body == amd64.manifestBytes)

            // Schema1: served signed (registry re-signs); digest = sha256 of the stored payload.
            let s1 = try await api.manifest("base", "v1")
            #expect(s1.contentType == MediaType.schema1Signed)
            #expect(s1.digestHeader == schema1.digest)
            #expect(s1.bodyString.contains("\"signatures\""))
            let s1Stored = try #require(store.read(store.blobData(schema1.digest)))
            #expect(StoreFiles.sha256(s1Stored) == schema1.digest)
            #expect(!String(decoding: s1Stored, as: UTF8.self).contains("signatures"), "2.8.2 stores the payload only")
            #expect(s1.body.starts(with: s1Stored.dropLast()), "served document = payload + signatures")

            // Index: pushed as is; every child is a manifest of the same repository.
            let i = try await api.manifest("team/multi", "multi")
            #expect(i.contentType == MediaType.ociIndex)
            #expect(i.digestHeader == multi.digest)
            #expect(index.digest == multi.digest)
            for image in [amd64, arm64] {
                let child = try await api.headManifest("team/multi", image.manifestDigest)
                #expect(child.status == 200)
                #expect(child.digestHeader == image.manifestDigest)
                #expect(child.contentLength == image.manifestSize)
                #expect(store.exists(store.revisionLink("team/multi", image.manifestDigest)))
                for blob in image.referencedBlobs {
                    #expect(try await api.blobStatus("team/multi", blob) == 200)
                    #expect(store.readLink(store.layerLink("team/multi", blob)) == blob)
                }
            }

            // On disk: links hold the bare digest (no newline), blobs hold the bytes.
            for (repository, digest) in [
                ("team/app", schema2.digest), ("team/app/sub", oci.digest), ("base", schema1.digest),
                ("team/multi", index.digest),
            ] {
                let tag = repository == "team/multi" ? "multi" : "v1"
                #expect(store.readLink(store.tagCurrentLink(repository, tag)) == digest, "\(repository)")
                #expect(store.readLink(store.tagIndexLink(repository, tag, digest)) == digest, "\(repository)")
                #expect(store.readLink(store.revisionLink(repository, digest)) == digest, "\(repository)")
                #expect(store.exists(store.blobData(digest)), "\(repository)")
            }
            for layer in amd64.layerDigests {
                #expect(store.exists(store.layerLink("team/app", layer)))
                #expect(store.exists(store.layerLink("base", layer)))
                let blob = try await api.getBlob("team/app", layer)
                #expect(blob.status == 200)
                #expect(StoreFiles.sha256(blob.body) == layer)
            }
            // Schema1 has no config blob: skopeo links only the layers.
            #expect(!store.exists(store.layerLink("base", amd64.configDigest)))
            #expect(store.exists(store.layerLink("team/app", amd64.configDigest)))

            let missing = StoreFiles.sha256(Array("not pushed".utf8))
            #expect(try await api.blobStatus("team/app", missing) == 404)
            #expect(try await api.manifest("team/app", missing).status == 404)

            // Delete works through the API (delete enabled by default), and GC's dry run answers.
            #expect(try await api.deleteManifest("team/app/sub", oci.digest) == 202)
            #expect(try await api.manifest("team/app/sub", "v1").status == 404)
            let gc = try await server.garbageCollect(dryRun: true)
            #expect(gc.exitCode == 0)
            #expect(gc.stdout.contains("blobs marked"), "\(gc.stdout)")
        }
    }
}
