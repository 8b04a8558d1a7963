import DemoRegistry
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `drydock ls --json` is written by a byte writer of our own (`FoundationJSONWriter`); its oracle is the encoder
/// that wrote it before: the document decoded into a plain JSON tree and encoded again by `JSONEncoder` with the
/// options the command used (pretty-printed, keys sorted, slashes unescaped) must give back the same bytes. That
/// checks key order, indentation, empty arrays, omitted optionals and string escaping together, on the demo store
/// with folder names no registry would write (control characters, quotes, invalid UTF-8, U+2028, emoji, 200 bytes).
@Suite struct ListJSONOracleTests {
    /// Any JSON value; objects encode through a keyed container, so `.sortedKeys` orders them.
    enum Tree: Codable, Equatable {
        case null, bool(Bool), int(Int64), string(String), array([Tree]), object([String: Tree])

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            if let keyed = try? decoder.container(keyedBy: Key.self) {
                var members: [String: Tree] = [:]
                for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(Tree.self, forKey: key) }
                self = .object(members)
            } else if var list = try? decoder.unkeyedContainer() {
                var items: [Tree] = []
                while !list.isAtEnd { items.append(try list.decode(Tree.self)) }
                self = .array(items)
            } else {
                let single = try decoder.singleValueContainer()
                if single.decodeNil() {
                    self = .null
                } else if let b = try? single.decode(Bool.self) {
                    self = .bool(b)
                } else if let i = try? single.decode(Int64.self) {
                    self = .int(i)
                } else {
                    self = .string(try single.decode(String.self))
                }
            }
        }

        func encode(to encoder: Encoder) throws {
            switch self {
            case .object(let members):
                var keyed = encoder.container(keyedBy: Key.self)
                for (k, v) in members { try keyed.encode(v, forKey: Key(stringValue: k)) }
            case .array(let items):
                var list = encoder.unkeyedContainer()
                for item in items { try list.encode(item) }
            case .null:
                var single = encoder.singleValueContainer()
                try single.encodeNil()
            case .bool(let b):
                var single = encoder.singleValueContainer()
                try single.encode(b)
            case .int(let i):
                var single = encoder.singleValueContainer()
                try single.encode(i)
            case .string(let s):
                var single = encoder.singleValueContainer()
                try single.encode(s)
            }
        }
    }

    /// What the old command printed: the encoder's bytes, then `FileHandleOutput.jsonBytes`' escapes of DEL and the
    /// C1 controls (which the encoder leaves raw), and a final line feed.
    static func oracle(_ document: [UInt8]) throws -> [UInt8] {
        let tree = try JSONDecoder().decode(Tree.self, from: Data(document))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = [UInt8](try encoder.encode(tree))
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let isC1 = bytes[i] == 0xC2 && i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1])
            if isC1 || bytes[i] == 0x7F {
                out += Array("\\u00\(String(isC1 ? bytes[i + 1] : bytes[i], radix: 16))".utf8)
                i += isC1 ? 2 : 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out + [0x0A]
    }

    static func cString(_ bytes: [UInt8]) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }

    /// A tag folder named by raw bytes (names that are not valid UTF-8 cannot go through `FileManager`).
    static func addTag(_ name: [UInt8], repository: String, link: [UInt8], root: String) throws {
        var path = Array("\(root)/docker/registry/v2/repositories/\(repository)/_manifests/tags/".utf8) + name
        for part in [Array("".utf8), Array("/current".utf8)] {
            path += part
            guard mkdir(Self.cString(path), 0o755) == 0 || errno == EEXIST else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        }
        let file = path + Array("/link".utf8)
        let fd = creat(Self.cString(file), 0o644)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        guard link.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == link.count else { throw POSIXError(.EIO) }
    }

    /// The demo store in a new temporary folder, with a tag folder of each raw-byte name in `team/frontend`, all on
    /// the manifest of its first tag; returns the root.
    static func demoStore(label: String, tags names: [[UInt8]]) async throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-ls-\(label)-\(UUID().uuidString)").path
        _ = try await DemoStoreBuilder().write(toDirectory: root)
        let repository = "team/frontend"
        let tags = "\(root)/docker/registry/v2/repositories/\(repository)/_manifests/tags"
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: tags).sorted().first)
        let link = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(tags)/\(first)/current/link")))
        for name in names { try addTag(name, repository: repository, link: link, root: root) }
        return root
    }

    @Test func documentIsWhatTheEncoderWrote() async throws {
        let repository = "team/frontend"
        let names: [[UInt8]] = [
            Array("q\"uote\\back".utf8), [0x63, 0x01, 0x1F, 0x7F, 0x08, 0x0C, 0x09, 0x0D, 0x0A, 0x1B, 0x78],
            Array("line\u{2028}para\u{2029}".utf8), [0x62, 0x61, 0x64, 0xFF, 0xFE], Array("emoji😀é\u{85}".utf8),
            [UInt8](repeating: 0x4C, count: 200), Array("<&>".utf8),
        ]
        let root = try await Self.demoStore(label: "oracle", tags: names)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A link that is not a digest: its text lands in a problem message.
        try Self.addTag(Array("garbage".utf8), repository: repository, link: [0x73, 0x68, 0x61, 0x22, 0x5C, 0x01, 0xFF], root: root)

        for arguments in [["ls", "--json", root], ["ls", "--json", root, repository]] {
            let result = try await DrydockBinary.run(arguments)
            #expect(result.exitCode == 0, "\(arguments): \(result.stderrString)")
            #expect(!result.stdout.isEmpty)
            let expected = try Self.oracle(result.stdout)
            #expect(result.stdout == expected, "\(arguments): the writer and the encoder differ")
            // The hostile names made it into the document (as tags or as problems about them).
            #expect(result.stdoutString.contains("line\u{2028}para\u{2029}"))
            #expect(result.stdoutString.contains("\\u001b"))
        }
    }
}
