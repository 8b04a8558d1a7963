import DemoRegistry
import Foundation
import Testing

/// `drydock gc --json` is written by `FoundationJSONWriter` (`GCReport.json`); its oracle is the encoder that wrote it
/// before, as for `ls --json` (`ListJSONOracleTests.oracle`: decoded to a plain tree, encoded again by `JSONEncoder`
/// with the command's options, DEL and C1 escaped): the same bytes for a dry run with and without
/// `--delete-untagged` (blobs, manifests, layer links, what registry 2.8.2 would also delete, notes, blockers from
/// hostile tag names), a real run (with its journal) and a run with nothing left to collect.
@Suite struct GCJSONOracleTests {
    static func expectEncoderOutput(_ arguments: [String], exitCode: Int32 = 0) async throws -> String {
        let result = try await DrydockBinary.run(arguments)
        #expect(result.exitCode == exitCode, "\(arguments): \(result.stderrString)")
        #expect(!result.stdout.isEmpty, "\(arguments): no document")
        #expect(result.stdout == (try ListJSONOracleTests.oracle(result.stdout)), "\(arguments): the writer and the encoder differ")
        return result.stdoutString
    }

    @Test func documentsAreWhatTheEncoderWrote() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-gc-oracle-\(UUID().uuidString)").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        defer { try? FileManager.default.removeItem(atPath: root) }

        // The demo store as it is: index children, referrers, untagged manifests and orphans give every list content.
        let dry = try await Self.expectEncoderOutput(["gc", "--dry-run", "--json", root])
        #expect(dry.contains("\"blobs\" : [\n    \"sha256:"))
        let untagged = try await Self.expectEncoderOutput(["gc", "--dry-run", "--delete-untagged", "--json", root])
        #expect(untagged.contains("\"repository\" : \""))
        let real = try await Self.expectEncoderOutput(["gc", "--yes", "--delete-untagged", "--json", root])
        #expect(real.contains("\"journal\" : \""))
        let nothing = try await Self.expectEncoderOutput(["gc", "--yes", "--json", root])
        #expect(nothing.contains("\"dryRun\" : false") && !nothing.contains("\"journal\""))

        // Hostile tag names and a link that is no digest: the dry run is blocked, and says why in `blockers`.
        let repository = "team/frontend"
        let tags = "\(root)/docker/registry/v2/repositories/\(repository)/_manifests/tags"
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: tags).sorted().first)
        let link = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(tags)/\(first)/current/link")))
        try ListJSONOracleTests.addTag([0x63, 0x01, 0x1B, 0x7F, 0x22, 0x5C, 0x0A, 0xC2, 0x85], repository: repository, link: link, root: root)
        try FileManager.default.createDirectory(atPath: "\(tags)/unreadable/current/link", withIntermediateDirectories: true)
        let blocked = try await Self.expectEncoderOutput(["gc", "--dry-run", "--json", root], exitCode: 1)
        #expect(blocked.contains("\"blockers\" : [\n    \""))
    }
}
