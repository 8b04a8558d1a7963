import Foundation
import Testing
@testable import RegistryStorage

/// Verification against stores and signatures produced by the real registry 2.8.2.
@Suite(.heavy) struct VerifyInteropTests {
    @Test(.timeLimit(.minutes(3)))
    func registryWrittenStoreIsAllGreenAndSchema1SignaturesVerify() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-verify")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "base")
        let amd64 = try layout.addImage(tag: "v1", layers: [base, LayerSpec(seed: "app")], labels: ["team": "café ☕"])
        let arm64 = try layout.addImage(tag: nil, layers: [base, LayerSpec(seed: "arm")], architecture: "arm64", variant: "v8")
        _ = try layout.addIndex(tag: "multi", images: [amd64, arm64])

        try await RegistryServer.with { server in
            _ = try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app", format: .v2s2)
            _ = try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "team/app/oci", format: .oci)
            let s1 = try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: "legacy", format: .v2s1)
            _ = try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "team/multi", all: true)
            _ = try await Skopeo.copy(layout: layout, tag: "multi", to: server, repository: "team/list", format: .v2s2, all: true)

            // 1. Everything the registry wrote passes every check, deep hashing included.
            let store = try RegistryStore.open(root: server.rootDirectory.path)
            let (listing, repos) = try await store.loadEverything()
            let verifier = Verifier(store: store, options: VerificationOptions(deep: true))
            var results: [ManifestVerification] = []
            for repo in repos { results += await verifier.verify(repo) }
            #expect(results.count >= 9)
            for v in results {
                #expect(v.ok, "\(v.repository)@\(v.digest): \(v.checks.filter { $0.status == .fail || $0.status == .warning })")
                #expect(v.check(.deepIntegrity)?.status != .fail)
            }
            let findings = await verifier.storeFindings(repos, listing: listing)
            #expect(findings.filter { $0.severity != .info }.isEmpty, "\(findings)")
            // The schema1 revision is stored as payload only: the pusher's signature is gone.
            let parsedDigest = RegistryStorage.Digest(s1.digest)
            let s1Digest = try #require(parsedDigest)
            let legacy = try #require(results.first { $0.digest == s1Digest })
            #expect(legacy.signature.status == .stripped)

            // 2. The signed document the registry serves verifies, and its payload is what is stored.
            let served = try await server.api.manifest("legacy", "v1", accept: [MediaType.schema1Signed])
            #expect(served.contentType == MediaType.schema1Signed)
            let parsed = try LibtrustJWS.parse(document: served.body).get()
            #expect(parsed.payloadDigest.description == served.digestHeader)
            #expect(parsed.payloadDigest == s1Digest)
            let stored = try await store.driver.read(StoreLayout.blobData(s1Digest), limit: 1 << 20)
            #expect(parsed.payload == stored)
            let verdicts = parsed.verify()
            #expect(verdicts.count == 1)
            #expect(verdicts.allSatisfy { $0.isValid })
            #expect(verdicts.first?.algorithm == "ES256")
            #expect(verdicts.first?.keyID?.split(separator: ":").count == 12)

            // 3. Tampered copies of the real signed document fail, each for its own reason.
            for (what, tampered) in VerifyInteropTests.tamperings(of: served.body) {
                switch LibtrustJWS.parse(document: tampered) {
                case .failure:
                    continue  // refused at parse time (e.g. missing formatTail): also a failure
                case .success(let t):
                    let ok = !t.verify().isEmpty && t.verify().allSatisfy(\.isValid) && t.payloadDigest == s1Digest
                    #expect(!ok, "tampered copy (\(what)) must not verify")
                }
            }
        }
    }

    /// Byte-level edits of a served schema1 document.
    static func tamperings(of document: [UInt8]) -> [(String, [UInt8])] {
        let text = String(decoding: document, as: UTF8.self)
        var out: [(String, [UInt8])] = []
        // A payload byte: the architecture value inside the signed range.
        out.append(("payload byte flipped", Array(text.replacingOccurrences(of: "\"architecture\":\"amd64\"", with: "\"architecture\":\"amd65\"").utf8)))
        if let sig = text.range(of: "\"signature\":\"") ?? text.range(of: "\"signature\": \"") {
            var t = text
            let i = t.index(sig.upperBound, offsetBy: 3)
            t.replaceSubrange(i...i, with: t[i] == "A" ? "B" : "A")
            out.append(("signature byte flipped", Array(t.utf8)))
            var truncated = text
            let cut = truncated.index(sig.upperBound, offsetBy: 10)
            let end = truncated[cut...].firstIndex(of: "\"")!
            truncated.removeSubrange(cut..<end)
            out.append(("truncated signature", Array(truncated.utf8)))
        }
        if let kid = text.range(of: "\"kid\":\"") ?? text.range(of: "\"kid\": \"") {
            var t = text
            t.replaceSubrange(kid.upperBound..<t.index(kid.upperBound, offsetBy: 4), with: "ZZZZ")
            out.append(("wrong kid", Array(t.utf8)))
        }
        out.append(("alg/curve mismatch", Array(text.replacingOccurrences(of: "\"ES256\"", with: "\"ES384\"").utf8)))
        if let protected = VerifyInteropTests.protectedWithoutTail(text) {
            out.append(("missing formatTail", Array(protected.utf8)))
        }
        return out
    }

    /// Re-encodes the protected header without `formatTail`.
    static func protectedWithoutTail(_ text: String) -> String? {
        guard let r = text.range(of: "\"protected\":\"") ?? text.range(of: "\"protected\": \""),
            let end = text[r.upperBound...].firstIndex(of: "\"")
        else { return nil }
        let encoded = String(text[r.upperBound..<end])
        var b64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64),
            var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        object["formatTail"] = nil
        guard let json = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        let reencoded = json.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return text.replacingCharacters(in: r.upperBound..<end, with: reencoded)
    }
}
