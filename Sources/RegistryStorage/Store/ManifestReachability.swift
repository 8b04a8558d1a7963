/// What keeps each manifest of one repository alive, and what would stop pulling without it.
///
/// A manifest is reachable when a tag points at it, when a reachable index lists it as a child (the registry serves the
/// index, and a client then pulls the child for its platform), or when it is an OCI referrer (`subject`) of a reachable
/// manifest. That is exactly what Drydock's collector keeps with `--delete-untagged` (`GarbageCollector.mark`), so
/// "untagged" in every listing and preview means "nothing reaches it": a child of a tagged index is never called
/// untagged, and deleting one breaks the pull of that index's tags for its platform.
///
/// Linear in the number of tags, manifests and descriptors: each edge is followed once.
public struct ManifestReachability: Sendable, Equatable {
    /// One way a manifest is reached.
    public enum Edge: Sendable, Equatable, Hashable {
        /// A tag's `current/link` points here.
        case tag(String)
        /// A child of index `index`, listed with `platform` (nil when the descriptor names none).
        case indexChild(index: Digest, platform: String?)
        /// An OCI referrer whose `subject` is `subject`.
        case referrer(subject: Digest)
    }

    /// A pull that needs a manifest: a tag, and the platform through which it needs it (nil: the tag's own manifest,
    /// or a referrer of it).
    public struct Pull: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
        public var tag: String
        public var platform: String?

        public init(tag: String, platform: String?) {
            self.tag = tag
            self.platform = platform
        }

        /// `stable (linux/s390x)`, escaped.
        public var description: String {
            SafeText.escaping(tag) + (platform.map { " (\(SafeText.escaping($0)))" } ?? "")
        }

        public static func < (a: Self, b: Self) -> Bool { (a.tag, a.platform ?? "") < (b.tag, b.platform ?? "") }
    }

    /// The edges into each reachable manifest from a reachable one (or a tag); absent: nothing reaches it.
    public private(set) var edges: [Digest: [Edge]]

    /// What reaches each manifest of `repo`, or of `repo` once the tags named in `withoutTags` are gone.
    public init(_ repo: RepositoryContents, withoutTags: Set<String> = []) {
        self.init(
            tags: repo.tags.compactMap { t in withoutTags.contains(t.name) ? nil : t.current.map { (t.name, $0) } },
            manifests: repo.revisions.map { r in
                (r.digest, r.manifest?.children.compactMap { c in c.digest.map { ($0, c.platform?.description) } } ?? [],
                 r.manifest?.subject?.digest)
            })
    }

    /// - Parameters:
    ///   - tags: each tag and its target.
    ///   - manifests: each stored manifest with its children (and the platform its descriptor names) and its subject.
    ///     Only stored manifests are reached: a child or tag target that is not stored reaches nothing.
    public init(tags: [(String, Digest)], manifests: [(Digest, [(Digest, String?)], Digest?)]) {
        var children: [Digest: [(Digest, String?)]] = [:]
        var referrers: [Digest: [Digest]] = [:]
        for (d, kids, subject) in manifests {
            children[d] = kids
            if let subject { referrers[subject, default: []].append(d) }
        }
        var edges: [Digest: [Edge]] = [:]
        var queue: [Digest] = []
        for (name, target) in tags where children[target] != nil {
            if edges[target] == nil { queue.append(target) }
            edges[target, default: []].append(.tag(name))
        }
        while let d = queue.popLast() {
            for (child, platform) in children[d] ?? [] where children[child] != nil {
                if edges[child] == nil { queue.append(child) }
                edges[child, default: []].append(.indexChild(index: d, platform: platform))
            }
            for r in referrers[d] ?? [] {
                if edges[r] == nil { queue.append(r) }
                edges[r, default: []].append(.referrer(subject: d))
            }
        }
        self.edges = edges
    }

    public func isReachable(_ d: Digest) -> Bool { edges[d] != nil }

    /// The tags whose pull needs `d`, each with the platform of the index entry it is pulled through (the innermost
    /// one for nested indexes). Referrers are reached through their subject's tags but no pull needs them, so they
    /// are not listed: `needs(referrer)` is empty. Deduplicated and sorted.
    public func pulls(needing d: Digest) -> [Pull] {
        // Most manifests are reached by tags alone: their pulls are those tags, with no walk and no sets (`ls`
        // asks this of every manifest).
        if let incoming = edges[d], incoming.allSatisfy({ if case .tag = $0 { true } else { false } }) {
            var tags = incoming.compactMap { if case .tag(let t) = $0 { Pull(tag: t, platform: nil) } else { nil } }
            tags.sort()
            var out: [Pull] = []
            out.reserveCapacity(tags.count)
            for pull in tags where out.last != pull { out.append(pull) }
            return out
        }
        var out = Set<Pull>()
        // A manifest and the platform through which `d` is needed: the same child may be listed for two platforms.
        struct Step: Hashable {
            var manifest: Digest
            var platform: String?
        }
        var seen: Set<Step> = [Step(manifest: d, platform: nil)]
        var queue = [Step(manifest: d, platform: nil)]
        while let step = queue.popLast() {
            for edge in edges[step.manifest] ?? [] {
                switch edge {
                case .tag(let t): out.insert(Pull(tag: t, platform: step.platform))
                case .indexChild(let index, let p):
                    let next = Step(manifest: index, platform: step.platform ?? p)
                    if seen.insert(next).inserted { queue.append(next) }
                case .referrer: continue
                }
            }
        }
        return out.sorted()
    }

    /// How a listing names what reaches `d`: its own tags aside, `in stable (linux/s390x)` for an index child,
    /// `referrer of stable` for a referrer, nil when nothing reaches it. Escaped. At most `limit` tags are named.
    public func summary(of d: Digest, limit: Int = 3) -> String? {
        guard let incoming = edges[d] else { return nil }
        let direct = incoming.compactMap { if case .tag(let t) = $0 { t } else { nil } }
        if !direct.isEmpty { return Self.names(direct.sorted(), limit: limit) }
        var parts: [String] = []
        let needed = pulls(needing: d)
        if !needed.isEmpty {
            // Group the tags by platform: `in stable, latest (linux/s390x)`.
            var byPlatform: [String: [String]] = [:]
            for p in needed { byPlatform[p.platform.map(SafeText.escaping) ?? "", default: []].append(p.tag) }
            for (platform, tags) in byPlatform.sorted(by: { $0.key < $1.key }) {
                parts.append("in " + Self.names(tags, limit: limit) + (platform.isEmpty ? "" : " (\(platform))"))
            }
        }
        let subjects = incoming.compactMap { if case .referrer(let s) = $0 { s } else { nil } }
        if !subjects.isEmpty {
            let tags = Set(subjects.flatMap { s in pulls(needing: s).map(\.tag) }).sorted()
            parts.append("referrer of " + (tags.isEmpty ? subjects.map(\.short).sorted().joined(separator: ",") : Self.names(tags, limit: limit)))
        }
        return parts.joined(separator: "; ")
    }

    private static func names(_ tags: [String], limit: Int) -> String {
        let shown = tags.prefix(limit).map(SafeText.escaping).joined(separator: ",")
        return tags.count > limit ? shown + " +\(tags.count - limit)" : shown
    }
}
