import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

/// `drydock verify` as a user runs it: the binary on the bundled demo store, text and JSON, exit codes.
@Suite struct VerifyCommandTests {
    /// A fresh copy of the demo store (it holds planted faults: a tampered signature, a missing layer, a corrupted blob).
    func demoCopy() async throws -> (root: String, cleanup: () -> Void) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-verify-demo-\(UUID().uuidString)").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        return (root, { try? FileManager.default.removeItem(atPath: root) })
    }

    @Test func jsonReportOnTheDemoStore() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let result = try await DrydockBinary.run(["verify", "--json", demo.root])
        #expect(result.exitCode == 1, "planted faults fail the run: \(result.stderrString)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let manifests = try #require(json["manifests"] as? [[String: Any]])
        #expect(manifests.count == 14)
        for m in manifests {
            #expect(m["repository"] is String && m["digest"] is String && m["ok"] is Bool)
            let checks = try #require(m["checks"] as? [[String: Any]])
            #expect(checks.map { $0["name"] as? String } == CheckName.allCases.map(\.rawValue))
            let signature = try #require(m["signature"] as? [String: Any])
            #expect(["schema1", "cosign", "notation", "referrer"].contains(signature["kind"] as? String ?? ""))
            #expect(["valid", "invalid", "stripped", "unsigned", "signed-unverified"].contains(signature["status"] as? String ?? ""))
            #expect(signature["keyIds"] is [String])
        }
        let failed = Set(manifests.filter { ($0["ok"] as? Bool) == false }.compactMap { $0["repository"] as? String })
        #expect(failed == ["legacy/tampered", "broken/missing-layer"])
        let seed = try #require(manifests.first { $0["repository"] as? String == "legacy/seed-app" })
        #expect((seed["signature"] as? [String: Any])?["status"] as? String == "valid")
        let store = try #require(json["store"] as? [String: Any])
        let findings = try #require(store["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["kind"] as? String == "stale-upload" && $0["severity"] as? String == "info" })
        #expect(findings.contains { $0["kind"] as? String == "orphan-blob" && ($0["size"] as? Int ?? 0) > 0 })
        #expect(json["summary"] is [String: Any])
    }

    @Test func deepRunFindsTheCorruptedBlobAndTextNamesIt() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let shallow = try await DrydockBinary.run(["verify", demo.root, "broken/corrupted"])
        #expect(shallow.exitCode == 0, "without --deep the corruption is invisible: \(shallow.stdoutString)")
        let deep = try await DrydockBinary.run(["verify", "--deep", demo.root, "broken/corrupted"])
        #expect(deep.exitCode == 1)
        #expect(deep.stdoutString.contains("✗ broken/corrupted@sha256:"))
        #expect(deep.stdoutString.contains("deep-integrity"))
        #expect(deep.stdoutString.contains("is corrupted"))
    }

    @Test func cosignKeyVerifiesTheDemoSignature() async throws {
        let demo = try await demoCopy()
        defer { demo.cleanup() }
        let key = demo.root + "/cosign.pub"
        let result = try await DrydockBinary.run(["verify", "--json", "--key", key, demo.root, "team/backend/api:1.4.2"])
        #expect(result.exitCode == 0, "\(result.stderrString)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let manifests = try #require(json["manifests"] as? [[String: Any]])
        let signature = try #require(manifests.first?["signature"] as? [String: Any])
        #expect(signature["kind"] as? String == "cosign")
        #expect(signature["status"] as? String == "valid")
        let missing = try await DrydockBinary.run(["verify", "--key", demo.root + "/nope.pem", demo.root])
        #expect(missing.exitCode == 2)
    }
}
