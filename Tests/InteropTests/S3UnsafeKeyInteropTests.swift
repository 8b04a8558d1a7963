import Foundation
import RegistryStorage
import Testing

/// A bucket can hold keys no registry writes: `..` segments, control characters. A request naming such a key has
/// its dot segments collapsed by the HTTP client after signing, so deleting it once deleted objects outside the store
/// and in other buckets. `drydock gc` and `drydock rm --uploads-older-than` must leave those keys in place, say which
/// (escaped), touch nothing outside the store, and still remove the real garbage.
@Suite(.serialized, .heavy) struct S3UnsafeKeyInteropTests {
    static let otherBucket = "drydock-victims"
    static let victimBytes = Array("keep me".utf8)
    static let plantedBytes = Array("planted".utf8)

    @Test(.timeLimit(.minutes(4)))
    func gcAndUploadPurgeLeaveUnsafeKeysAndEverythingOutsideTheStore() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        _ = try DrydockBinary.path()
        let scratch = try TemporaryDirectory(prefix: "drydock-s3-unsafe")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        try layout.addImage(tag: "v1", layers: [LayerSpec(seed: "s3unsafe-base"), LayerSpec(seed: "s3unsafe-app")])

        try await S3RegistryBed.with { bed in
            try await Skopeo.copy(layout: layout, tag: "v1", to: bed.server, repository: "app", format: .v2s2)
            try await bed.moto.createBucket(Self.otherBucket)
            let victims = [
                (bucket: S3RegistryBed.bucket, key: "drydock/store/victim-near"),
                (bucket: S3RegistryBed.bucket, key: "victim-outside"),
                (bucket: Self.otherBucket, key: "victim-other-bucket"),
            ]
            for victim in victims { try await bed.putRawObject(bucket: victim.bucket, victim.key, Self.victimBytes) }

            /// Keys below `folder` (relative to the v2 prefix) that name each victim once `..` segments collapse,
            /// and two with control characters only.
            func plant(below folder: String) async throws -> [String] {
                let start = bed.v2KeyPrefix + folder + "/\u{1}"
                // `depth` `..`s climb from the `\x01` segment to the top of the bucket; one more leaves the bucket.
                let depth = start.split(separator: "/").count
                func up(_ n: Int) -> String { String(repeating: "../", count: n) }
                let keys = [
                    start + "/" + up(depth - 2) + "victim-near",
                    start + "/" + up(depth) + "victim-outside",
                    start + "/" + up(depth + 1) + Self.otherBucket + "/victim-other-bucket",
                    bed.v2KeyPrefix + folder + "/x\u{85}",
                    bed.v2KeyPrefix + folder + "/\u{7F}",
                ]
                for key in keys { try await bed.putRawObject(key, Self.plantedBytes) }
                return keys
            }
            func expectUntouched(_ planted: [String], after command: String) async throws {
                for victim in victims {
                    let bytes = try await bed.rawObject(bucket: victim.bucket, victim.key)
                    #expect(bytes == Self.victimBytes, "\(command): \(victim.bucket)/\(victim.key) was changed or deleted")
                }
                for key in planted {
                    #expect(try await bed.rawObject(key) == Self.plantedBytes, "\(command): \(SafeText.escaping(key)) was deleted")
                }
            }
            func expectReported(_ planted: [String], in result: ProcessResult) {
                let output = result.stdoutString + result.stderrString
                #expect(output.contains("were left untouched"), "\(result.commandLine):\n\(output)")
                for key in planted {
                    #expect(output.contains(SafeText.escaping(key)), "\(SafeText.escaping(key)) is not reported:\n\(output)")
                }
                #expect(output.contains(#"/\x01/../"#), "keys with `..` segments are shown, escaped:\n\(output)")
                #expect(output.contains(#"/x\x85 (has a control character)"#), "\(output)")
                for bytes in [result.stdout, result.stderr] {
                    let controls = zip(bytes, bytes.dropFirst() + [0]).filter { byte, next in
                        (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F || (byte == 0xC2 && (0x80..<0xA0).contains(next))
                    }
                    #expect(controls.isEmpty, "raw control characters in the output: \(controls.map(\.0))")
                }
            }

            // An orphan blob (no manifest references it) whose folder also holds the planted keys.
            let orphan = Array("an orphan blob \(UUID().uuidString)".utf8)
            let orphanDigest = "sha256:" + Digest.sha256(of: orphan).hex
            let orphanKey = bed.blobKey(orphanDigest)
            try await bed.putObject(orphanKey, orphan)
            let blobPlanted = try await plant(below: String(orphanKey.dropLast("/data".count)))
            // A stale upload whose folder holds them too.
            let upload = "repositories/app/_uploads/\(UUID().uuidString.lowercased())"
            try await bed.putObject(upload + "/startedat", Array("2023-11-02T08:14:09Z".utf8))
            try await bed.putObject(upload + "/data", Array("half a layer".utf8))
            let uploadPlanted = try await plant(below: upload)
            // The planting itself kept every key apart (moto stored the dot segments literally).
            try await expectUntouched(blobPlanted + uploadPlanted, after: "planting")

            let gc = try await bed.drydock(["gc", "--yes"] + bed.direct)
            #expect(gc.exitCode == 0, "\(gc.commandLine): \(gc.stderrString)\n\(gc.stdoutString)")
            #expect(gc.stdoutString.contains("blob eligible for deletion: \(orphanDigest)"), "\(gc.stdoutString)")
            #expect(try await bed.object(orphanKey) == nil, "the orphan blob is still swept")
            try await expectUntouched(blobPlanted + uploadPlanted, after: "gc")
            expectReported(blobPlanted, in: gc)
            try await DeleteScenario.pullCompletely(bed.api, "app", "v1")

            // Victims back in place (a failing gc may have removed them), so the purge is judged on its own.
            for victim in victims { try await bed.putRawObject(bucket: victim.bucket, victim.key, Self.victimBytes) }
            let rm = try await bed.drydock(["rm", "--yes", "--delete-enabled"] + bed.direct + ["--uploads-older-than", "1h"])
            #expect(rm.exitCode == 0, "\(rm.commandLine): \(rm.stderrString)\n\(rm.stdoutString)")
            #expect(try await bed.object(upload + "/startedat") == nil, "the stale upload is still removed")
            #expect(try await bed.object(upload + "/data") == nil)
            try await expectUntouched(blobPlanted + uploadPlanted, after: "rm --uploads-older-than")
            expectReported(uploadPlanted, in: rm)
            try await DeleteScenario.pullCompletely(bed.api, "app", "v1")
        }
    }
}
