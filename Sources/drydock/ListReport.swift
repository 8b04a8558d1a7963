import Foundation
import RegistryStorage

/// The `drydock ls --json` document (keys sorted, so output is stable for diffs and scripts).
struct ListReport: Encodable {
    struct ProblemJSON: Encodable {
        var severity: String
        var code: String
        var path: String?
        var message: String

        init(_ p: Problem) {
            severity = p.severity.rawValue
            code = p.code.rawValue
            path = p.path?.description
            message = p.message
        }
    }

    struct TagJSON: Encodable {
        var name: String
        var digest: String?
        var history: [String]
        var problems: [ProblemJSON]
    }

    struct ReferenceJSON: Encodable {
        var digest: String
        var mediaType: String?
        var size: Int64?
        var platform: String?
    }

    /// A tag whose pull needs the manifest, and the platform it is pulled for (nil: the tag's own manifest).
    struct PullJSON: Encodable {
        var tag: String
        var platform: String?
    }

    struct ManifestJSON: Encodable {
        var digest: String
        /// Something reaches it: a tag, a reachable index (as a child) or a reachable subject (as a referrer).
        /// False is what `gc --delete-untagged` removes.
        var reachable: Bool
        /// The tags whose pull needs it, directly or as an index child.
        var neededBy: [PullJSON]
        var mediaType: String?
        /// Bytes of every blob the manifest needs (itself, config, layers; for an index its children's too).
        var size: Int64
        var tags: [String]
        var references: [ReferenceJSON]
        var subject: ReferenceJSON?
        var artifactType: String?
        var placement: [String]
        var platform: String?
        var created: String?
        var signatureLinks: [String]
        var problems: [ProblemJSON]
    }

    struct UploadJSON: Encodable {
        var id: String
        var startedAt: String?
        var size: Int64?
    }

    struct RepositoryJSON: Encodable {
        var name: String
        var listedByRegistry: Bool
        var tags: [TagJSON]
        var manifests: [ManifestJSON]
        var layers: [String]
        var uploads: [UploadJSON]
        /// Store-wide facts: nil while a repository is rendered before every repository is known (then spliced in).
        var size: Int64?
        var uniqueSize: Int64?
        var problems: [ProblemJSON]
    }

    var store: String
    var repositories: [RepositoryJSON]
    var problems: [ProblemJSON]

    init(store: String, repositories: [RepositoryContents], index: StoreIndex, problems: [Problem]) {
        self.store = store
        self.problems = problems.map(ProblemJSON.init)
        self.repositories = repositories.map { repo in
            ListReport.repositoryJSON(repo, sizes: index.sizes[repo.name] ?? StoreIndex.RepositorySizes(total: 0, unique: 0))
        }
    }

    /// `withManifests: false` leaves `manifests` empty, for the streamed document that encodes them one by one.
    static func repositoryJSON(_ repo: RepositoryContents, sizes: StoreIndex.RepositorySizes?, withManifests: Bool = true) -> RepositoryJSON {
            RepositoryJSON(
                name: repo.name,
                listedByRegistry: repo.entry.isListedByRegistry,
                tags: repo.tags.map {
                    TagJSON(name: $0.name, digest: $0.current?.description, history: $0.history.map(\.description), problems: $0.problems.map(ProblemJSON.init))
                },
                manifests: { () -> [ManifestJSON] in
                    guard withManifests else { return [] }
                    let reach = ManifestReachability(repo)
                    return repo.revisions.map { ListReport.manifestJSON($0, in: repo, reach: reach) }
                }(),
                layers: repo.layerLinks.map(\.digest.description),
                uploads: repo.uploads.map {
                    UploadJSON(id: $0.id, startedAt: $0.startedAt.map { ISO8601DateFormatter().string(from: $0) }, size: $0.size)
                },
                size: sizes?.total,
                uniqueSize: sizes?.unique,
                problems: repo.problems.map(ProblemJSON.init)
            )
    }

    static func manifestJSON(_ r: ManifestRevision, in repo: RepositoryContents, reach: ManifestReachability) -> ManifestJSON {
        let refs = (r.manifest?.references ?? []).map { d in
            ReferenceJSON(
                digest: d.digestText, mediaType: d.mediaType,
                size: d.size ?? d.digest.flatMap { repo.blobSize($0) }, platform: d.platform?.description)
        }
        var placement: [String] = []
        if r.placement.contains(.revisions) { placement.append("revisions") }
        if r.placement.contains(.layers) { placement.append("layers") }
        let platform = r.config.map { c in Platform(architecture: c.architecture, os: c.os, variant: c.variant).description }
        return ManifestJSON(
            digest: r.digest.description,
            reachable: reach.isReachable(r.digest),
            neededBy: reach.pulls(needing: r.digest).map { PullJSON(tag: $0.tag, platform: $0.platform) },
            mediaType: r.manifest?.format.mediaType,
            size: repo.size(of: r.digest),
            tags: r.tags,
            references: refs,
            subject: r.manifest?.subject.map { ReferenceJSON(digest: $0.digestText, mediaType: $0.mediaType, size: $0.size, platform: nil) },
            artifactType: r.manifest?.artifactType,
            placement: placement,
            platform: platform,
            created: r.config?.created,
            signatureLinks: r.signatureLinks.map(\.description),
            problems: r.problems.map(ProblemJSON.init)
        )
    }

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// `drydock ls --json` for a whole store, streamed: each repository is rendered as soon as it is loaded (on any core)
/// and dropped, so memory holds the rendered text and a compact blob index, never every manifest at once. The text is
/// byte for byte the document `ListReport` encodes. Bytes, not `String`: splicing 100 MB of text must stay cheap.
enum StreamedListReport {
    struct RenderedRepository: Sendable {
        /// The repository object, pretty-printed with sorted keys, without `size` and `uniqueSize`, and with an empty
        /// `manifests` array.
        var json: [UInt8]
        /// Each manifest object, pretty-printed on its own: one encoder tree for a repository of large manifests
        /// costs several times their text. Empty once parked in `spill` (`spilled` says where).
        var manifests: [[UInt8]]
        var use: StoreIndex.BlobUse
        var spill: SpillFile? = nil
        var spilled: (offset: Int64, lengths: [Int])? = nil

        /// The manifests' text, read back from the spill file when it was parked there.
        func manifestTexts() throws -> [[UInt8]] {
            guard let spill, let spilled else { return manifests }
            let block = try spill.read(at: spilled.offset, count: spilled.lengths.reduce(0, +))
            var out: [[UInt8]] = []
            out.reserveCapacity(spilled.lengths.count)
            var at = 0
            for n in spilled.lengths {
                out.append(Array(block[at..<at + n]))
                at += n
            }
            return out
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// With a `spill` file the manifests' text goes there at once (the whole store's would not fit the memory goal);
    /// if the write fails it stays in memory.
    static func render(_ repo: RepositoryContents, spill: SpillFile? = nil) -> RenderedRepository {
        let encoder = encoder()
        let object = ListReport.repositoryJSON(repo, sizes: nil, withManifests: false)
        let json = (try? encoder.encode(object)).map { [UInt8]($0) } ?? Array("{}".utf8)
        let reach = ManifestReachability(repo)
        let manifests = repo.revisions.map { r in
            (try? encoder.encode(ListReport.manifestJSON(r, in: repo, reach: reach))).map { [UInt8]($0) } ?? Array("{}".utf8)
        }
        var rendered = RenderedRepository(json: json, manifests: manifests, use: StoreIndex.BlobUse(repo))
        if let spill, !manifests.isEmpty, let offset = spill.append(manifests) {
            (rendered.spill, rendered.spilled, rendered.manifests) = (spill, (offset, manifests.map(\.count)), [])
        }
        return rendered
    }

    private static let tagsKey = Array("\n  \"tags\" : ".utf8)
    private static let uploadsKey = Array("\n  \"uploads\" : ".utf8)
    /// How the encoder writes the repository's empty `manifests` array.
    private static let emptyManifests = Array("\n  \"manifests\" : [\n\n  ]".utf8)
    private static let manifestsOpening = Array("\n  \"manifests\" : [".utf8)

    /// Appends `json` to `out` with every non-blank line after the first indented by `pad` (blank lines inside empty
    /// arrays stay blank, as the encoder writes them), and the store-wide sizes where sorted keys place them: `size`
    /// before `tags`, `uniqueSize` before `uploads` (top-level keys are the only lines indented by exactly two spaces).
    /// The manifests go where the encoder would have put them, each indented as an element of `manifests`; `flush`
    /// is called between them, so the whole repository's text is never copied at once.
    static func appendRepository(
        _ repo: RenderedRepository, sizes: StoreIndex.RepositorySizes, pad: Int, to out: inout [UInt8], flush: (inout [UInt8]) -> Void
    ) {
        var skeleton: [UInt8] = []
        appendRepository(repo.json, sizes: sizes, pad: pad, to: &skeleton)
        var emptyArray: [UInt8] = []
        appendIndented(emptyManifests, pad: pad, firstLine: false, to: &emptyArray)
        guard !repo.manifests.isEmpty, let at = firstRange(of: emptyArray, in: skeleton) else {
            out += skeleton
            return
        }
        // Up to and including the newline after `[`, the elements, then the closing bracket on its own line.
        out += skeleton[..<(at.lowerBound + manifestsOpening.count + pad + 1)]
        for (i, manifest) in repo.manifests.enumerated() {
            if i > 0 { out += Array(",\n".utf8) }
            appendIndented(manifest, pad: pad + 4, firstLine: true, to: &out)
            flush(&out)
        }
        out += Array("\n".utf8) + [UInt8](repeating: 0x20, count: pad + 2) + Array("]".utf8)
        out += skeleton[at.upperBound...]
    }

    private static func firstRange(of pattern: [UInt8], in text: [UInt8]) -> Range<Int>? {
        guard !pattern.isEmpty, pattern.count <= text.count else { return nil }
        for start in 0...(text.count - pattern.count) where text[start..<start + pattern.count].elementsEqual(pattern) {
            return start..<start + pattern.count
        }
        return nil
    }

    static func appendRepository(_ json: [UInt8], sizes: StoreIndex.RepositorySizes, pad: Int, to out: inout [UInt8]) {
        let size = Array("\n  \"size\" : \(sizes.total),".utf8)
        let unique = Array("\n  \"uniqueSize\" : \(sizes.unique),".utf8)
        var spliced: [UInt8] = []
        spliced.reserveCapacity(json.count + 64)
        // Copy line by line; only a line start can hold one of the two keys.
        json.withUnsafeBufferPointer { bytes in
            var start = 0
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0A, let insert = matches(bytes, at: i, tagsKey) ? size : matches(bytes, at: i, uploadsKey) ? unique : nil {
                    spliced.append(contentsOf: bytes[start..<i])
                    spliced.append(contentsOf: insert)
                    start = i
                }
                i += 1
            }
            spliced.append(contentsOf: bytes[start..<bytes.count])
        }
        appendIndented(spliced, pad: pad, firstLine: true, to: &out)
    }

    static func appendIndented(_ json: [UInt8], pad: Int, firstLine: Bool, to out: inout [UInt8]) {
        let padding = [UInt8](repeating: 0x20, count: pad)
        if firstLine { out.append(contentsOf: padding) }
        out.reserveCapacity(out.count + json.count + json.count / 8)
        json.withUnsafeBufferPointer { bytes in
            var start = 0
            for i in 0..<bytes.count where bytes[i] == 0x0A {
                out.append(contentsOf: bytes[start...i])
                start = i + 1
                if start < bytes.count && bytes[start] != 0x0A { out.append(contentsOf: padding) }
            }
            out.append(contentsOf: bytes[start..<bytes.count])
        }
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ pattern: [UInt8]) -> Bool {
        guard i + pattern.count <= bytes.count else { return false }
        for j in 0..<pattern.count where bytes[i + j] != pattern[j] { return false }
        return true
    }

    static func write(store: String, problems: [Problem], repositories: [RenderedRepository], index: StoreIndex) throws {
        var buffer: [UInt8] = []
        func flush(_ buffer: inout [UInt8], force: Bool = false) {
            guard force || buffer.count >= 1 << 20 else { return }
            FileHandleOutput.jsonBytes(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        let problemsJSON = [UInt8](try encoder().encode(problems.map(ListReport.ProblemJSON.init)))
        let storeJSON = String(decoding: try encoder().encode([store]), as: UTF8.self)
            .trimmingCharacters(in: CharacterSet(charactersIn: "[] \n"))
        buffer += Array("{\n  \"problems\" : ".utf8)
        appendIndented(problemsJSON, pad: 2, firstLine: false, to: &buffer)
        buffer += Array(",\n  \"repositories\" : [".utf8)
        for (i, parked) in repositories.enumerated() {
            var repo = parked
            repo.manifests = try parked.manifestTexts()
            let sizes = index.sizes[repo.use.repository] ?? StoreIndex.RepositorySizes(total: 0, unique: 0)
            buffer += Array((i == 0 ? "\n" : ",\n").utf8)
            appendRepository(repo, sizes: sizes, pad: 4, to: &buffer) { flush(&$0) }
            flush(&buffer)
        }
        buffer += Array(((repositories.isEmpty ? "" : "\n  ") + "],\n  \"store\" : " + storeJSON + "\n}\n").utf8)
        flush(&buffer, force: true)
    }
}
