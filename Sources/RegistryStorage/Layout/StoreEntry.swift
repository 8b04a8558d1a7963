/// What a path inside `docker/registry/v2` means: the reading direction of `StoreLayout`, which builds the paths.
/// Parsing is strict: a path is an entry only when `StoreLayout` rebuilds exactly that path from the parts read
/// (storage-format §1.2), so dot segments, bad digests, upper-case hex or extra components are no entry.
/// Repository names and tags are taken as stored (any single safe component; name components never begin with `_`,
/// §1.5): the catalog and the loader report names the registry would refuse instead of hiding them.
public enum StoreEntry: Hashable, Sendable {
    /// `blobs/<alg>/<hex[0:2]>/<hex>/data`
    case blobData(Digest)
    /// A file of one repository, `repositories/<name>/<_folder>/...`.
    case repository(name: String, RepositoryFile)
    /// `drydock/journal/<id>.json` (Drydock's own folder, which the registry ignores).
    case journalEntry(id: String)

    /// What one component of a store path stands for (`roles(of:)`).
    public enum Role: Sendable, Equatable {
        case literal, repositoryName, tag, uploadID, algorithm, fanOut, hex, journalFile
    }

    /// Reads a path relative to `docker/registry/v2`; nil for anything that is not one of the entries above.
    public init?(_ path: StoragePath) {
        let c = path.components
        let candidate: StoreEntry?
        switch c.first {
        case "blobs" where c.count == 5 && c[4] == "data":
            candidate = StoreLayout.digest(algorithm: c[1], hex: c[3]).map { .blobData($0) }
        case "repositories":
            guard let marker = StoreEntry.repositoryNameEnd(c), marker < c.count,
                let file = RepositoryFile(relative: c[marker...])
            else { return nil }
            candidate = .repository(name: c[1..<marker].joined(separator: "/"), file)
        case "drydock" where c.count == 3 && c[1] == "journal" && c[2].hasSuffix(".json"):
            candidate = .journalEntry(id: String(c[2].dropLast(5)))
        default:
            candidate = nil
        }
        guard let candidate, candidate.path == path else { return nil }
        self = candidate
    }

    /// Where the entry lives, built by `StoreLayout`; nil when a part could not name a path: a repository name with
    /// an empty, unsafe or `_`-prefixed component, a tag or upload id that is no single safe component, a journal id
    /// outside the characters `JournalEntry.makeID` writes.
    public var path: StoragePath? {
        switch self {
        case .blobData(let d):
            return StoreLayout.blobData(d)
        case .repository(let name, let file):
            return StoreEntry.repositoryPath(name).flatMap(file.path(in:))
        case .journalEntry(let id):
            guard StoreEntry.isJournalID(id) else { return nil }
            return StoreLayout.journalEntry(id)
        }
    }

    /// The folder of repository `name`; nil when a component is empty, unsafe or begins with `_` (those are the
    /// repository's own folders, storage-format §1.5).
    public static func repositoryPath(_ name: String) -> StoragePath? {
        let comps = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard StoragePath(validating: comps) != nil, !comps.contains(where: { $0.hasPrefix("_") }) else { return nil }
        return StoreLayout.repository(name)
    }

    /// Letters, digits, `.` and `-`, not starting with `.`: what `JournalEntry.makeID` writes, and nothing that could
    /// be a hidden or partial file.
    static func isJournalID(_ id: String) -> Bool {
        StoragePath.isSafeComponent(id) && !id.hasPrefix(".")
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x2D }
    }

    /// Below `repositories/`, the index of the first component after the name: the first one from the second on that
    /// begins with `_` (storage-format §1.5), or the end. Nil when `c` is not below `repositories/`.
    static func repositoryNameEnd(_ c: [String]) -> Int? {
        guard c.count > 1, c[0] == StoreLayout.repositories.components[0] else { return nil }
        return c.indices.dropFirst(2).first { c[$0].hasPrefix("_") } ?? c.endIndex
    }

    /// The role of each component of any path below `docker/registry/v2`: an entry, a folder or an object-store key
    /// prefix (whose last component may be empty or partial). Nil where the layout names nothing.
    public static func roles(of c: [String]) -> [Role?] {
        var roles = [Role?](repeating: nil, count: c.count)
        guard let first = c.first else { return roles }
        roles[0] = .literal
        switch first {
        case "blobs":
            for (i, role) in [Role.algorithm, .fanOut, .hex, .literal].enumerated() where i + 1 < c.count { roles[i + 1] = role }
        case "repositories":
            guard let end = repositoryNameEnd(c) else { return roles }
            for i in 1..<end where !c[i].isEmpty { roles[i] = .repositoryName }
            for (i, role) in RepositoryFile.roles(of: c[end...]).enumerated() { roles[end + i] = role }
        case "drydock":
            for (i, role) in [Role.literal, .journalFile].enumerated() where i + 1 < c.count { roles[i + 1] = role }
        default:
            roles[0] = nil
        }
        return roles
    }
}

extension StoreEntry {
    /// The files of a repository folder, relative to it (storage-format §1.2).
    public enum RepositoryFile: Hashable, Sendable {
        /// `_layers/<alg>/<hex>/link`
        case layerLink(Digest)
        /// `_manifests/revisions/<alg>/<hex>/link`
        case revisionLink(Digest)
        /// `_manifests/revisions/<alg>/<hex>/signatures/<alg>/<hex>/link` (seed era, storage-format §4.10)
        case signatureLink(revision: Digest, signature: Digest)
        /// `_manifests/tags/<tag>/current/link`
        case tagCurrentLink(tag: String)
        /// `_manifests/tags/<tag>/index/<alg>/<hex>/link`
        case tagIndexLink(tag: String, Digest)
        /// `_uploads/<id>/data`
        case uploadData(id: String)
        /// `_uploads/<id>/startedat`
        case uploadStartedAt(id: String)

        /// One component of a template: fixed text, or a part the file's value is read from.
        private enum Slot: Sendable {
            case literal(String), algorithm, hex, tag, uploadID
        }

        private struct Template: Sendable {
            var slots: [Slot]
            /// Builds the file from the digests (`<alg>/<hex>` pairs, in order) and the tag or upload id read.
            var make: @Sendable (_ digests: [Digest], _ name: String) -> RepositoryFile
        }

        /// The repository half of storage-format §1.2, in the order the registry writes it.
        private static let templates: [Template] = [
            Template(slots: [.literal("_layers"), .algorithm, .hex, .literal("link")]) { d, _ in .layerLink(d[0]) },
            Template(slots: [.literal("_manifests"), .literal("revisions"), .algorithm, .hex, .literal("link")]) { d, _ in .revisionLink(d[0]) },
            Template(
                slots: [.literal("_manifests"), .literal("revisions"), .algorithm, .hex, .literal("signatures"), .algorithm, .hex, .literal("link")]
            ) { d, _ in .signatureLink(revision: d[0], signature: d[1]) },
            Template(slots: [.literal("_manifests"), .literal("tags"), .tag, .literal("current"), .literal("link")]) { _, t in .tagCurrentLink(tag: t) },
            Template(
                slots: [.literal("_manifests"), .literal("tags"), .tag, .literal("index"), .algorithm, .hex, .literal("link")]
            ) { d, t in .tagIndexLink(tag: t, d[0]) },
            Template(slots: [.literal("_uploads"), .uploadID, .literal("data")]) { _, id in .uploadData(id: id) },
            Template(slots: [.literal("_uploads"), .uploadID, .literal("startedat")]) { _, id in .uploadStartedAt(id: id) },
        ]

        /// Reads the components below a repository folder (`_layers/...`, `_manifests/...`, `_uploads/...`).
        public init?(relative components: some Collection<String>) {
            let c = Array(components)
            for template in Self.templates where template.slots.count == c.count {
                guard let candidate = Self.read(c, as: template), candidate.path(in: .root)?.components == c else { continue }
                self = candidate
                return
            }
            return nil
        }

        private static func read(_ c: [String], as template: Template) -> RepositoryFile? {
            var digests: [Digest] = []
            var name = ""
            for (i, slot) in template.slots.enumerated() {
                switch slot {
                case .literal(let text): guard c[i] == text else { return nil }
                case .algorithm: continue  // read with the hex that follows it
                case .hex:
                    guard i > 0, let d = StoreLayout.digest(algorithm: c[i - 1], hex: c[i]) else { return nil }
                    digests.append(d)
                case .tag, .uploadID: name = c[i]
                }
            }
            return template.make(digests, name)
        }

        /// Roles below a repository folder: each component takes the role of the first template that matches the
        /// components up to it.
        static func roles(of c: ArraySlice<String>) -> [Role?] {
            var roles: [Role?] = []
            for i in 0..<c.count {
                let slot = templates.first { t in
                    t.slots.count > i && zip(t.slots, c).prefix(i + 1).allSatisfy { s, x in
                        if case .literal(let text) = s { return text == x }
                        return true
                    }
                }.map { $0.slots[i] }
                switch slot {
                case nil: roles.append(nil)
                case .literal?: roles.append(.literal)
                case .algorithm?: roles.append(.algorithm)
                case .hex?: roles.append(.hex)
                case .tag?: roles.append(.tag)
                case .uploadID?: roles.append(.uploadID)
                }
            }
            return roles
        }

        /// The file's path below `repo`; nil when a tag or upload id is not a single safe path component.
        public func path(in repo: StoragePath) -> StoragePath? {
            switch self {
            case .layerLink(let d): return StoreLayout.layerLink(repo, d)
            case .revisionLink(let d): return StoreLayout.revisionLink(repo, d)
            case .signatureLink(let d, let s): return StoreLayout.signatureLink(repo, revision: d, signature: s)
            case .tagCurrentLink(let tag):
                return StoragePath.isSafeComponent(tag) ? StoreLayout.tagCurrentLink(repo, tag) : nil
            case .tagIndexLink(let tag, let d):
                return StoragePath.isSafeComponent(tag) ? StoreLayout.tagIndexLink(repo, tag, d) : nil
            case .uploadData(let id):
                return StoragePath.isSafeComponent(id) ? StoreLayout.uploadData(repo, id) : nil
            case .uploadStartedAt(let id):
                return StoragePath.isSafeComponent(id) ? StoreLayout.uploadStartedAt(repo, id) : nil
            }
        }
    }
}
