import Foundation
import RegistryStorage

/// The `drydock ls --json` document, written by `FoundationJSONWriter`: byte for byte what `JSONEncoder` made of it
/// before (pretty-printed, keys sorted, slashes unescaped; absent optionals omitted), so output stays stable for diffs
/// and scripts. Each object's keys are written here in the encoder's sorted (UTF-8 byte) order.
enum ListReport {
    /// The document for the repositories given, with its final line feed.
    static func document(store: String, repositories: [RepositoryContents], index: StoreIndex, problems: [Problem]) -> [UInt8] {
        var w = FoundationJSONWriter()
        w.beginObject()
        w.key("problems")
        writeProblems(problems, to: &w)
        w.key("repositories")
        w.beginArray()
        for repo in repositories {
            var splices = Splices()
            writeRepository(
                repo, sizes: index.sizes[repo.name] ?? StoreIndex.RepositorySizes(total: 0, unique: 0),
                to: &w, splices: &splices)
        }
        w.endArray()
        w.key("store")
        w.string(store)
        w.endObject()
        return w.bytes + [0x0A]
    }

    /// Where the streamed document splices the sizes into a repository written without them (byte offsets).
    struct Splices {
        /// Just after the `problems` value (`size` goes there) and the `tags` value (`uniqueSize`).
        var afterProblems = 0, afterTags = 0
    }

    /// `sizes` nil leaves out `size` and `uniqueSize`, for the streamed document; `splices` says where they go.
    static func writeRepository(
        _ repo: RepositoryContents, sizes: StoreIndex.RepositorySizes?,
        to w: inout FoundationJSONWriter, splices: inout Splices
    ) {
        w.beginObject()
        w.key("layers")
        w.digests(repo.layerLinks.lazy.map(\.digest))
        w.key("listedByRegistry")
        w.bool(repo.entry.isListedByRegistry)
        w.key("manifests")
        w.beginArray()
        let reach = ManifestReachability(repo)
        for r in repo.revisions { writeManifest(r, in: repo, reach: reach, to: &w) }
        w.endArray()
        w.key("name")
        w.string(repo.name)
        w.key("problems")
        writeProblems(repo.problems, to: &w)
        splices.afterProblems = w.count
        if let sizes {
            w.key("size")
            w.int(sizes.total)
        }
        w.key("tags")
        w.beginArray()
        for tag in repo.tags {
            w.beginObject()
            if let current = tag.current {
                w.key("digest")
                w.digest(current)
            }
            w.key("history")
            w.digests(tag.history)
            w.key("name")
            w.string(tag.name)
            w.key("problems")
            writeProblems(tag.problems, to: &w)
            w.endObject()
        }
        w.endArray()
        splices.afterTags = w.count
        if let sizes {
            w.key("uniqueSize")
            w.int(sizes.unique)
        }
        w.key("uploads")
        w.beginArray()
        for upload in repo.uploads {
            w.beginObject()
            w.key("id")
            w.string(upload.id)
            if let size = upload.size {
                w.key("size")
                w.int(size)
            }
            if let started = upload.startedAt {
                w.key("startedAt")
                w.string(ISO8601DateFormatter().string(from: started))
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func writeManifest(_ r: ManifestRevision, in repo: RepositoryContents, reach: ManifestReachability, to w: inout FoundationJSONWriter) {
        let manifest = r.manifest
        w.beginObject()
        if let type = manifest?.artifactType {
            w.key("artifactType")
            w.string(type)
        }
        if let created = r.config?.created {
            w.key("created")
            w.string(created)
        }
        w.key("digest")
        w.digest(r.digest)
        if let type = manifest?.format.mediaType {
            w.key("mediaType")
            w.string(type)
        }
        // The tags whose pull needs it, directly or as an index child.
        w.key("neededBy")
        w.beginArray()
        for pull in reach.pulls(needing: r.digest) {
            w.beginObject()
            if let platform = pull.platform {
                w.key("platform")
                w.string(platform)
            }
            w.key("tag")
            w.string(pull.tag)
            w.endObject()
        }
        w.endArray()
        w.key("placement")
        w.beginArray()
        if r.placement.contains(.revisions) { w.string("revisions") }
        if r.placement.contains(.layers) { w.string("layers") }
        w.endArray()
        if let c = r.config {
            w.key("platform")
            w.string(Platform(architecture: c.architecture, os: c.os, variant: c.variant).description)
        }
        w.key("problems")
        writeProblems(r.problems, to: &w)
        // Something reaches it: a tag, a reachable index (as a child) or a reachable subject (as a referrer). False is
        // what `gc --delete-untagged` removes.
        w.key("reachable")
        w.bool(reach.isReachable(r.digest))
        w.key("references")
        w.beginArray()
        manifest?.forEachReference { d in
            writeReference(d, platform: d.platform?.description, size: d.size ?? d.digest.flatMap { repo.blobSize($0) }, to: &w)
        }
        w.endArray()
        w.key("signatureLinks")
        w.digests(r.signatureLinks)
        // Bytes of every blob the manifest needs (itself, config, layers; for an index its children's too).
        w.key("size")
        w.int(repo.size(of: r.digest))
        if let subject = manifest?.subject {
            w.key("subject")
            writeReference(subject, platform: nil, size: subject.size, to: &w)
        }
        w.key("tags")
        w.strings(r.tags)
        w.endObject()
    }

    static func writeReference(_ d: Descriptor, platform: String?, size: Int64?, to w: inout FoundationJSONWriter) {
        w.beginObject()
        w.key("digest")
        // As written; from the digest's bytes when that is its own spelling (no String per reference).
        if let canonical = d.canonicalDigest { w.digest(canonical) } else { w.string(d.digestText) }
        if let mediaType = d.mediaType {
            w.key("mediaType")
            w.string(mediaType)
        }
        if let platform {
            w.key("platform")
            w.string(platform)
        }
        if let size {
            w.key("size")
            w.int(size)
        }
        w.endObject()
    }

    static func writeProblems(_ problems: [Problem], to w: inout FoundationJSONWriter) {
        w.beginArray()
        for p in problems {
            w.beginObject()
            w.key("code")
            w.string(p.code.rawValue)
            w.key("message")
            w.string(p.message)
            if let path = p.path {
                w.key("path")
                w.string(path.description)
            }
            w.key("severity")
            w.string(p.severity.rawValue)
            w.endObject()
        }
        w.endArray()
    }
}

/// `drydock ls --json` for a whole store, streamed: each repository is rendered as soon as it is loaded (on any core)
/// and its text parked in a temporary file (`SpillFile`), so memory holds a compact blob index and a few offsets per
/// repository, never the store's text (about 100 MB, 36 MB of it outside the manifests on the benchmark store). The
/// text is byte for byte `ListReport.document` of the whole store. Bytes, not `String`: splicing 100 MB of text must
/// stay cheap.
enum StreamedListReport {
    struct RenderedRepository: Sendable {
        /// The repository object at its place in the document (an element of `repositories`) in three pieces: up to
        /// the `problems` value, up to the `tags` value, the rest. `size` goes after the first and `uniqueSize` after
        /// the second, once the store-wide sizes are known.
        var text: Text
        var repository: String

        enum Text: Sendable {
            /// Where each piece was written in the spill file.
            case parked(SpillFile, [(offset: Int64, count: Int)])
            /// The pieces themselves, where the spill file could not take them.
            case held([ArraySlice<UInt8>])
        }
    }

    /// Indent level of a repository in the document: an element of the top-level `repositories` array; its members
    /// (`manifests` among them) sit one level deeper.
    private static let repositoryDepth = 2

    /// With a `spill` file the text goes there at once, in one write per piece; if a write fails it stays in memory.
    /// The repository's blobs are counted in `sharing` here, on the loading task, for the store-wide sizes.
    static func render(_ repo: RepositoryContents, spill: SpillFile? = nil, sharing: StoreBlobSharing) -> RenderedRepository {
        sharing.add(StoreIndex.BlobUse(repo))
        // Sized for a typical repository's layers and tags and its manifests (about 2 KiB each): growing from empty
        // copied the text several times over.
        var w = FoundationJSONWriter(depth: repositoryDepth, capacity: 16384 + 2304 * repo.revisions.count)
        var at = ListReport.Splices()
        ListReport.writeRepository(repo, sizes: nil, to: &w, splices: &at)
        let pieces = [0..<at.afterProblems, at.afterProblems..<at.afterTags, at.afterTags..<w.count]
        if let spill, case let parked = pieces.compactMap({ w.withBytes(in: $0) { spill.append(jsonFragment: $0) } }),
            parked.count == pieces.count
        {
            return RenderedRepository(text: .parked(spill, parked), repository: repo.name)
        }
        // Kept in memory: exact-size copies of the pieces.
        return RenderedRepository(text: .held(pieces.map { w.withBytes(in: $0) { ArraySlice($0) } }), repository: repo.name)
    }

    private static func indent(_ depth: Int) -> [UInt8] { [0x0A] + [UInt8](repeating: 0x20, count: depth * 2) }

    /// Appends the repository with the store-wide sizes spliced in where the writer would have put them; parked text
    /// is read back from the spill file into `out`'s buffer.
    static func appendRepository(_ repo: RenderedRepository, sizes: StoreIndex.RepositorySizes, to out: inout DocumentOutput) throws {
        let member = indent(repositoryDepth + 1)
        let splices = [Array("\"size\" : \(sizes.total)".utf8), Array("\"uniqueSize\" : \(sizes.unique)".utf8)]
        for i in 0..<3 {
            switch repo.text {
            case .parked(let spill, let pieces):
                try out.appendParked(spill, at: pieces[i].offset, count: pieces[i].count)
            case .held(let pieces):
                try out.append(pieces[i])
            }
            if i < splices.count { try out.append([UInt8(ascii: ",")] + member + splices[i]) }
        }
    }

    static func write(store: String, problems: [Problem], repositories: [RenderedRepository], sizes: [String: StoreIndex.RepositorySizes]) throws {
        var out = DocumentOutput()
        var head = FoundationJSONWriter()
        head.beginObject()
        head.key("problems")
        ListReport.writeProblems(problems, to: &head)
        head.key("repositories")
        head.beginArray()
        try out.append(head.bytes)
        let element = indent(repositoryDepth)
        for (i, repo) in repositories.enumerated() {
            let repoSizes = sizes[repo.repository] ?? StoreIndex.RepositorySizes(total: 0, unique: 0)
            try out.append((i > 0 ? [UInt8(ascii: ",")] : []) + element)
            try appendRepository(repo, sizes: repoSizes, to: &out)
        }
        // The encoder's empty array: an empty line, then the bracket.
        var storeText = FoundationJSONWriter()
        storeText.string(store)
        try out.append(
            (repositories.isEmpty ? [0x0A] : []) + indent(1) + Array("],".utf8) + indent(1) + Array("\"store\" : ".utf8)
                + storeText.bytes + Array("\n}\n".utf8))
        try out.flush()
    }

    /// Standard output for the streamed document, through one buffer of 1 MiB written with write(2) whenever it is
    /// full: parked text is read from the spill file straight into it, everything else is escaped for the terminal
    /// first (DEL and C1 controls, `FileHandleOutput.escapingDelAndC1`; parked text was stored escaped). Copying
    /// each piece inside the kernel (`copy_file_range`, `sendfile`) with a small write for each size between took
    /// 114–180 ms for the 100 MB document of the benchmark store, all of it after the last repository was read; reading
    /// into one buffer and writing it a MiB at a time takes about half (README "Scale").
    struct DocumentOutput: ~Copyable {
        private let buffer: UnsafeMutableRawBufferPointer
        private var used = 0

        init() {
            buffer = .allocate(byteCount: 1 << 20, alignment: 64)
        }

        deinit { buffer.deallocate() }

        /// Text not escaped yet.
        mutating func append(_ text: [UInt8]) throws {
            try append(text[...])
        }

        mutating func append(_ text: ArraySlice<UInt8>) throws {
            try FileHandleOutput.escapingDelAndC1(text).withUnsafeBytes { try appendEscaped($0) }
        }

        private mutating func appendEscaped(_ bytes: UnsafeRawBufferPointer) throws {
            var from = 0
            while from < bytes.count {
                if used == buffer.count { try flush() }
                let n = min(buffer.count - used, bytes.count - from)
                (buffer.baseAddress! + used).copyMemory(from: bytes.baseAddress! + from, byteCount: n)
                used += n
                from += n
            }
        }

        /// `count` bytes the spill file holds at `offset`, a buffer's room at a time (a repository of thousands of
        /// manifests is megabytes of text, never held whole).
        mutating func appendParked(_ spill: SpillFile, at offset: Int64, count: Int) throws {
            var at = offset
            var left = count
            while left > 0 {
                if used == buffer.count { try flush() }
                let n = min(buffer.count - used, left)
                try spill.read(at: at, count: n, into: buffer.baseAddress! + used)
                used += n
                at += Int64(n)
                left -= n
            }
        }

        mutating func flush() throws {
            try FileHandleOutput.escapedJSONBytes(UnsafeRawBufferPointer(rebasing: buffer[..<used]))
            used = 0
        }
    }
}
