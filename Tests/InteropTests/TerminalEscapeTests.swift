import Foundation
import Testing
import RegistryStorage

/// A pushed image (or anyone who can write the store) controls most text Drydock prints: platform fields, dates,
/// labels, media types, folder names, link contents, journal entries. Every human-readable output of the binary must
/// show that text escaped, never as bytes a terminal obeys.
@Suite struct TerminalEscapeTests {
    /// Sets the window title, rings the bell, clears the screen, and opens a C1 control sequence (CSI as U+009B).
    static let hostile = "\u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}31m"
    static let journalID = "20240101T000000.000Z-0000abcd"
    static let forgedJournalID = "20240102T000000.000Z-0000abce"

    /// A filesystem store whose every text field carries `hostile`.
    struct HostileStore {
        let root: URL
        /// The digest tag `v1` of `app` names, as its link holds it.
        private(set) var v1Manifest = ""
        var v2: URL { root.appendingPathComponent("docker/registry/v2") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-escapes-\(UUID().uuidString)")
            let h = TerminalEscapeTests.hostile
            for repo in ["app", "evil\(h)repo"] { try image(repo) }
            // An untagged revision, for the garbage collector to name.
            let untagged = try blob(try json(["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [Any](), "annotations": [h: h]]))
            try link("evil\(h)repo", "_manifests/revisions/sha256/\(untagged.hex)/link", untagged)
            // A link file whose content is the hostile text, and a tag folder whose name is.
            try put("repositories/app/_manifests/tags/bad/current/link", Array(h.utf8))
            try put("repositories/app/_layers/sha256/\(String(repeating: "e", count: 64))/link", Array(h.utf8))
            v1Manifest = try String(contentsOf: v2.appendingPathComponent("repositories/app/_manifests/tags/v1/current/link"), encoding: .utf8)
            try put("repositories/app/_manifests/tags/t\(h)/current/link", Array(v1Manifest.utf8))
            // Stale uploads: one named by the hostile text, one whose start time is.
            try put("repositories/app/_uploads/up\(h)/startedat", Array("2020-01-01T00:00:00Z".utf8))
            try put("repositories/app/_uploads/up\(h)/data", Array("partial".utf8))
            try put("repositories/app/_uploads/0f0f0f0f-0000-0000-0000-000000000000/startedat", Array(h.utf8))
            // Journal entries: one whose targets and records are hostile, one whose inner id is.
            try put("drydock/journal/\(TerminalEscapeTests.journalID).json", journalEntry(id: TerminalEscapeTests.journalID))
            try put("drydock/journal/\(TerminalEscapeTests.forgedJournalID).json", journalEntry(id: "forged\(h)"))
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        func put(_ relative: String, _ bytes: [UInt8]) throws {
            let url = v2.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }

        @discardableResult
        func blob(_ bytes: [UInt8]) throws -> Digest {
            let d = Digest.sha256(of: bytes)
            try put("blobs/sha256/\(d.hex.prefix(2))/\(d.hex)/data", bytes)
            return d
        }

        func json(_ object: Any) throws -> [UInt8] {
            Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }

        func link(_ repo: String, _ relative: String, _ d: Digest) throws {
            try put("repositories/\(repo)/\(relative)", Array(d.description.utf8))
        }

        func revision(_ repo: String, _ d: Digest, tag: String) throws {
            try link(repo, "_manifests/revisions/sha256/\(d.hex)/link", d)
            try link(repo, "_manifests/tags/\(tag)/current/link", d)
            try link(repo, "_manifests/tags/\(tag)/index/sha256/\(d.hex)/link", d)
        }

        /// An OCI image (tag v1), an index over it (tag multi) and a schema1 manifest (tag old), all hostile.
        func image(_ repo: String) throws {
            let h = TerminalEscapeTests.hostile
            let config = try json([
                "architecture": h, "os": h, "variant": h, "created": h + "2024-05-01T10:00:00Z",
                "config": ["Labels": [h: h]], "rootfs": ["type": "layers", "diff_ids": [String]()],
                "history": [["created": h, "created_by": h]],
            ])
            let configDigest = try blob(config)
            let layer = Array("layer of \(repo)".utf8)
            let layerDigest = try blob(layer)
            for d in [configDigest, layerDigest] { try link(repo, "_layers/sha256/\(d.hex)/link", d) }
            let manifest = try json([
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": ["mediaType": "application/vnd.oci.image.config.v1+json", "size": config.count, "digest": configDigest.description],
                "layers": [["mediaType": h, "size": layer.count, "digest": layerDigest.description, "annotations": [h: h]]],
                "annotations": [h: h],
            ])
            let manifestDigest = try blob(manifest)
            try revision(repo, manifestDigest, tag: "v1")
            let index = try json([
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                "manifests": [[
                    "mediaType": "application/vnd.oci.image.manifest.v1+json", "size": manifest.count, "digest": manifestDigest.description,
                    "platform": ["os": h, "architecture": h, "variant": h], "annotations": [h: h],
                ]],
                "annotations": [h: h],
            ])
            try revision(repo, try blob(index), tag: "multi")
            let v1Compatibility = String(decoding: try json(["architecture": h, "os": h, "created": h, "id": h]), as: UTF8.self)
            let schema1 = try json([
                "schemaVersion": 1, "name": h, "tag": h, "architecture": h,
                "fsLayers": [["blobSum": layerDigest.description]], "history": [["v1Compatibility": v1Compatibility]],
            ])
            try revision(repo, try blob(schema1), tag: "old")
        }

        func journalEntry(id: String) throws -> [UInt8] {
            let h = TerminalEscapeTests.hostile
            return try json([
                "version": 1, "id": id, "created": "2024-01-01T00:00:00Z", "operation": "delete", "targets": [h, "tag app:\(h)"],
                "links": [[
                    "repository": h, "kind": "tag-current", "tag": h, "digest": h, "signature": h,
                    "content": Data(h.utf8).base64EncodedString(),
                ]],
                "blobs": [String](), "unrestorable": [h], "removed": [h], "completed": true,
            ])
        }
    }

    /// Every human-readable output, with what each must show (so a command that printed nothing cannot pass).
    static let humanCommands: [(arguments: [String], shows: String)] = [
        (["ls", "STORE"], "evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b31mrepo"),
        (["ls", "STORE", "app"], "\\x1b]0;pwned\\x07"),
        (["ls", "STORE", "app:v1"], "\\x1b]0;pwned\\x07"),
        (["ls", "STORE", "app:multi"], "\\x1b]0;pwned\\x07"),
        (["ls", "STORE", "app:old"], "\\x1b]0;pwned\\x07"),
        (["verify", "STORE"], "\\x1b]0;pwned\\x07"),
        (["verify", "--deep", "STORE", "app"], "\\x1b]0;pwned\\x07"),
        (["gc", "--dry-run", "--delete-untagged", "STORE"], "evil\\x1b]0;pwned\\x07"),
        (["rm", "--dry-run", "--delete-enabled", "STORE", "app@V1"], "app:t\\x1b]0;pwned\\x07"),
        (["rm", "--dry-run", "--delete-enabled", "STORE", "--uploads-older-than", "1h"], "up\\x1b]0;pwned\\x07"),
        (["rm", "--dry-run", "--delete-enabled", "STORE", "evil\(hostile)repo", "--repository"], "evil\\x1b]0;pwned\\x07"),
        (["undo", "--list", "STORE"], "\\x1b]0;pwned\\x07"),
        (["undo", "STORE", journalID], "\\x1b]0;pwned\\x07"),
        (["undo", "STORE", forgedJournalID], "forged\\x1b]0;pwned\\x07"),
        (["undo", "STORE"], "\\x1b]0;pwned\\x07"),
    ]

    /// The first terminal control in `bytes` (ESC, BEL, any other C0 control but line feed, DEL, or a C1 control
    /// encoded in UTF-8), described, or nil.
    static func firstControl(_ bytes: [UInt8]) -> String? {
        for (i, b) in bytes.enumerated() {
            if (b < 0x20 && b != 0x0A) || b == 0x7F { return "byte 0x\(String(b, radix: 16)) at \(i)" }
            if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
                return "C1 control U+00\(String(bytes[i + 1], radix: 16)) at \(i)"
            }
        }
        return nil
    }

    @Test func humanOutputShowsHostileStoreTextEscaped() async throws {
        let store = try HostileStore()
        defer { store.remove() }
        let before = StoreFiles(root: store.root).allFiles()
        for (arguments, shows) in Self.humanCommands {
            let args = arguments.map { $0 == "STORE" ? store.root.path : $0.replacingOccurrences(of: "@V1", with: "@" + store.v1Manifest) }
            let result = try await DrydockBinary.run(args)
            let command = arguments.joined(separator: " ")
            #expect(!result.timedOut, "\(command)")
            #expect(Self.firstControl(result.stdout) == nil, "\(command) stdout: \(SafeText.escaping(result.stdoutString))")
            #expect(Self.firstControl(result.stderr) == nil, "\(command) stderr: \(SafeText.escaping(result.stderrString))")
            #expect((result.stdoutString + result.stderrString).contains(shows), "\(command): \(result.stdoutString)\(result.stderrString)")
        }
        #expect(StoreFiles(root: store.root).allFiles() == before, "dry runs, previews and refused undos change nothing")
    }

    /// True when `value` (a parsed JSON document) holds `text` in any string, key or value.
    static func holds(_ value: Any, _ text: String) -> Bool {
        switch value {
        case let s as String: s.contains(text)
        case let a as [Any]: a.contains { holds($0, text) }
        case let d as [String: Any]: d.contains { $0.key.contains(text) || holds($0.value, text) }
        default: false
        }
    }

    @Test func jsonOutputIsValidJSONWithEveryControlEscaped() async throws {
        let store = try HostileStore()
        defer { store.remove() }
        for arguments in [["ls", "--json"], ["ls", "--json", "STORE", "app"], ["verify", "--json"], ["gc", "--dry-run", "--delete-untagged", "--json"], ["undo", "--list", "--json"]] {
            var args = arguments.map { $0 == "STORE" ? store.root.path : $0 }
            if !arguments.contains("STORE") { args.append(store.root.path) }
            let result = try await DrydockBinary.run(args)
            let command = arguments.joined(separator: " ")
            #expect(Self.firstControl(result.stdout) == nil, "\(command): \(SafeText.escaping(result.stdoutString))")
            let document = try JSONSerialization.jsonObject(with: Data(result.stdout))
            #expect(Self.holds(document, Self.hostile), "\(command): the text itself survives, escaped as JSON")
        }
    }
}
