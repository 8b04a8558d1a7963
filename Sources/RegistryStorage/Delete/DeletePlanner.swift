import Foundation

/// Turns targets into a `DeletePlan` over loaded repositories. Pure: reads nothing, changes nothing. The effect on
/// garbage collection is found by marking the index before and after the plan (`GarbageCollector.mark`).
struct DeletePlanner {
    let repositories: [RepositoryContents]
    let now: Date

    /// The loaded store as the plan changes it.
    private var model: [String: RepositoryContents]
    private var removals: [DeletePlan.Removal] = []
    private var lostTags: [DeletePlan.LostTag] = []
    private var warnings: [String] = []
    private var deletedIndexes: [DeletePlan.ManifestRef] = []

    init(repositories: [RepositoryContents], now: Date) {
        self.repositories = repositories
        self.now = now
        self.model = Dictionary(repositories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    mutating func plan(_ targets: [DeleteTarget], policy: DeletePolicy) throws(DeleteError) -> DeletePlan {
        guard !targets.isEmpty else { throw .invalidTarget("nothing to delete: name at least one target") }
        var i = targets.startIndex
        while i < targets.endIndex {
            let target = targets[i]
            i += 1
            switch target {
            case .tag(let r, let t):
                // A run of untags in one repository is planned in one pass (a prune names thousands).
                var names = [t]
                while i < targets.endIndex, case .tag(r, let next) = targets[i] {
                    names.append(next)
                    i += 1
                }
                try deleteTags(r, names)
            case .manifest(let r, let d, let children): try deleteManifest(r, d, includeChildren: children)
            case .layer(let r, let d): try deleteLayer(r, d)
            case .repository(let r, let nested): try deleteRepository(r, includeNested: nested)
            case .staleUploads(let age): try deleteUploads(olderThan: age)
            }
        }
        var plan = DeletePlan(
            targets: targets, removals: Self.deduplicated(removals), lostTags: lostTags, untaggedManifests: [],
            orphanedChildren: orphanedChildren(), warnings: warnings, reclaimableBytes: 0, reclaimableBlobs: [],
            reclaimableBytesDeletingUntagged: 0, refusal: policy.refusal)
        reachabilityEffects(on: &plan)
        let sizes = repositories.reduce(into: [Digest: Int64]()) { acc, repo in
            for (d, size) in repo.declaredSizes { acc[d] = size }
            for (d, s) in repo.blobStates { if let size = s.size { acc[d] = size } }
        }
        let after = repositories.compactMap { model[$0.name] }
        for deleteUntagged in [false, true] {
            let freed = GarbageCollector.mark(repositories, deleteUntagged: deleteUntagged).marked
                .subtracting(GarbageCollector.mark(after, deleteUntagged: deleteUntagged).marked)
                .filter { sizes[$0] != nil }
            let bytes = freed.reduce(Int64(0)) { $0 +| (sizes[$1] ?? 0) }
            if deleteUntagged {
                plan.reclaimableBytesDeletingUntagged = bytes
            } else {
                plan.reclaimableBytes = bytes
                plan.reclaimableBlobs = freed.sorted()
            }
        }
        return plan
    }

    // MARK: targets

    private func repository(_ name: String) throws(DeleteError) -> RepositoryContents {
        guard let repo = model[name] else {
            if repositories.contains(where: { $0.name == name }) {
                throw .invalidTarget("\(SafeText.escaping(name)) is already removed by an earlier target")
            }
            throw .notFound("no repository \"\(SafeText.escaping(name))\" in the store (NAME_UNKNOWN)")
        }
        return repo
    }

    private mutating func deleteTags(_ name: String, _ names: [String]) throws(DeleteError) {
        let (path, stored) = try { () throws(DeleteError) in
            let repo = try repository(name)
            return (repo.entry.path, Dictionary(repo.tags.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
        }()
        var gone: [Tag] = []
        var seen = Set<String>()
        for tag in names {
            guard StoragePath.isSafeComponent(tag), let t = stored[tag], seen.insert(tag).inserted else {
                throw .notFound("tag \(SafeText.escaping(name)):\(SafeText.escaping(tag)) is not stored (MANIFEST_UNKNOWN)")
            }
            gone.append(t)
        }
        untag(name, path, gone) { "tag \(SafeText.escaping($0.name))" }
    }

    /// Removes `gone` (tags of one repository) in one pass over its tags: linear in the tag count however many go.
    private mutating func untag(_ name: String, _ path: StoragePath, _ gone: [Tag], reason: (Tag) -> String) {
        guard !gone.isEmpty else { return }
        for t in gone {
            removals.append(.init(repository: name, kind: .tag(t.name), path: StoreLayout.tagDirectory(path, t.name), reason: reason(t)))
            lostTags.append(.init(repository: name, tag: t.name, digest: t.current))
        }
        let names = Set(gone.map(\.name))
        var byTarget: [Digest: Set<String>] = [:]
        for t in gone { if let c = t.current { byTarget[c, default: []].insert(t.name) } }
        mutate(name) { r in
            r.tags.removeAll { names.contains($0.name) }
            for (d, tags) in byTarget { r.updateRevision(d) { $0.tags.removeAll { tags.contains($0) } } }
        }
    }

    private mutating func deleteManifest(_ name: String, _ d: Digest, includeChildren: Bool) throws(DeleteError) {
        // Read what the plan needs, then let go of the copy: holding it across `mutate` would copy the repository.
        let (path, revision, pointing) = try { () throws(DeleteError) in
            let repo = try repository(name)
            guard let revision = repo.revision(d) else {
                if repositories.first(where: { $0.name == name })?.revision(d) != nil {
                    throw .invalidTarget("manifest \(SafeText.escaping(name))@\(d) is already removed by an earlier target")
                }
                throw .notFound("manifest \(SafeText.escaping(name))@\(d) is not stored (MANIFEST_UNKNOWN)")
            }
            return (repo.entry.path, revision, repo.tags.filter { $0.current == d })
        }()
        if !revision.blob.isPresent {
            warnings.append("\(SafeText.escaping(name))@\(d.short): its blob is missing, so the registry itself answers MANIFEST_UNKNOWN; its links are removed anyway")
        }
        if revision.placement.contains(.revisions) {
            removals.append(.init(repository: name, kind: .revisionLink(d), path: StoreLayout.revisionLink(path, d), reason: "manifest \(d.short)"))
        }
        if revision.placement.contains(.layers) {
            removals.append(.init(repository: name, kind: .layerLink(d), path: StoreLayout.layerLink(path, d), reason: "seed-era link of manifest \(d.short)"))
        }
        untag(name, path, pointing) { "tag \(SafeText.escaping($0.name)) pointed at manifest \(d.short)" }
        mutate(name) { r in r.revisions.removeAll { $0.digest == d } }
        for referrer in model[name]?.revisions ?? [] where referrer.manifest?.subject?.digest == d {
            warnings.append("\(SafeText.escaping(name))@\(referrer.digest.short) refers to the deleted manifest (OCI subject) and stays; delete it too if it is a signature or attestation of it")
        }
        if revision.manifest?.format.isIndex == true {
            deletedIndexes.append(.init(repository: name, digest: d))
            if includeChildren {
                for child in orphanedChildren() where child.repository == name && model[name]?.revision(child.digest) != nil {
                    try deleteManifest(name, child.digest, includeChildren: true)
                }
            }
        }
    }

    private mutating func deleteLayer(_ name: String, _ d: Digest) throws(DeleteError) {
        let repo = try repository(name)
        guard let link = repo.layerLinks.first(where: { $0.digest == d }) else {
            throw .notFound("repository \(SafeText.escaping(name)) has no layer link \(d) (BLOB_UNKNOWN)")
        }
        removals.append(.init(repository: name, kind: .layerLink(d), path: StoreLayout.layerLink(repo.entry.path, d), reason: "layer link \(d.short)"))
        if let target = link.target, repo.blobStates[target]?.isPresent == false {
            warnings.append("\(SafeText.escaping(name)): the blob of layer link \(d.short) is missing already")
        }
        let users = repo.revisions.filter { r in r.digest != d && r.manifest?.blobReferences.contains { $0.digest == d } == true }
        for r in users.prefix(5) {
            warnings.append("\(SafeText.escaping(name))@\(r.digest.short) still references \(d.short): once the link is gone the registry answers BLOB_UNKNOWN when that image is pulled")
        }
        if users.count > 5 { warnings.append("... and \(users.count - 5) more manifests reference \(d.short)") }
        if let seed = repo.revision(d), seed.placement.contains(.layers) {
            if seed.placement == .layers {
                warnings.append("\(SafeText.escaping(name)): \(d.short) is a manifest linked only under _layers (seed era): removing the link deletes that manifest")
            }
            mutate(name) { r in
                if let i = r.revisions.firstIndex(where: { $0.digest == d }) {
                    r.revisions[i].placement.remove(.layers)
                    if r.revisions[i].placement.isEmpty { r.revisions.remove(at: i) }
                }
            }
        }
        mutate(name) { r in r.layerLinks.removeAll { $0.digest == d } }
    }

    /// Removes the repository (and with `includeNested` the loaded repositories nested in it). A folder goes whole
    /// only when its listing shows nothing but what the plan reports (`holdsOnly`); otherwise only its own `_layers`,
    /// `_manifests` and `_uploads` go. What was loaded is no proof of what is stored: a caller may load one
    /// repository, and the catalog misses a nested first push (only `_uploads`) or a folder it cannot read.
    private mutating func deleteRepository(_ name: String, includeNested: Bool) throws(DeleteError) {
        _ = try repository(name)
        let nested = model.keys.filter { $0.hasPrefix(name + "/") }.sorted()
        let gone = includeNested ? [name] + nested : [name]
        let goneSet = Set(gone)
        // Every loaded repository's name and the namespaces above it: a child folder named here is accounted for.
        var accounted: Set<String>?
        for r in gone {
            guard let contents = model[r] else { continue }
            let reason = "repository \(SafeText.escaping(r))"
            if holdsOnly(contents, goneSet) {
                removals.append(.init(repository: r, kind: .repositoryFolder, path: contents.entry.path, reason: reason))
            } else {
                let folders = (contents.entry.hasLayersFolder ? ["_layers"] : []) + (contents.entry.hasManifestsFolder ? ["_manifests"] : [])
                    + (contents.uploads.isEmpty ? [] : ["_uploads"])
                for folder in folders {
                    removals.append(.init(repository: r, kind: .repositoryData(folder), path: contents.entry.path.appending(folder), reason: reason))
                }
            }
            // Content no loaded repository accounts for stays, and the plan says so.
            let children = (contents.entry.childNames ?? []).map { r + "/" + $0 }
            if !children.isEmpty && accounted == nil {
                accounted = Set(repositories.flatMap { repo in
                    let parts = repo.name.split(separator: "/", omittingEmptySubsequences: false)
                    return parts.indices.map { parts[...$0].joined(separator: "/") }
                })
            }
            let unread = children.filter { !(accounted?.contains($0) ?? false) }
            if !unread.isEmpty {
                warnings.append(
                    "\(SafeText.escaping(r)) also holds \(unread.prefix(5).map(SafeText.escaping).joined(separator: ", "))\(unread.count > 5 ? ", ..." : "") "
                        + "(not a repository read for this plan, such as a first push still uploading): kept")
            }
        }
        if !includeNested && !nested.isEmpty {
            warnings.append("\(nested.count) repositories nested in \(SafeText.escaping(name)) are kept: \(nested.prefix(5).map(SafeText.escaping).joined(separator: ", "))\(nested.count > 5 ? ", ..." : "")")
        }
        for r in gone {
            guard let contents = model[r] else { continue }
            for t in contents.tags { lostTags.append(.init(repository: r, tag: t.name, digest: t.current)) }
            if !contents.uploads.isEmpty {
                warnings.append("\(SafeText.escaping(r)): \(contents.uploads.count) unfinished upload(s) go too; their data cannot be restored by undo")
            }
            model[r] = nil
        }
    }

    /// True when `repo`'s folder, as listed, holds nothing but its own `_` folders and repositories in `gone` whose
    /// folders hold only that too. An unlisted folder (`childNames` nil) may hold anything.
    private func holdsOnly(_ repo: RepositoryContents, _ gone: Set<String>) -> Bool {
        guard let children = repo.entry.childNames else { return false }
        return children.allSatisfy { child in
            let name = repo.name + "/" + child
            guard gone.contains(name), let nested = model[name] else { return false }
            return holdsOnly(nested, gone)
        }
    }

    private mutating func deleteUploads(olderThan age: Double) throws(DeleteError) {
        guard age >= 0, age.isFinite else { throw .invalidTarget("the upload age must not be negative") }
        let cutoff = now.addingTimeInterval(-age)
        var unknown = 0
        for repo in repositories {
            guard let current = model[repo.name] else { continue }
            for u in current.uploads {
                guard let started = u.startedAt else {
                    unknown += 1
                    continue
                }
                guard started < cutoff, StoragePath.isSafeComponent(u.id) else { continue }
                removals.append(.init(repository: repo.name, kind: .upload(u.id), path: StoreLayout.uploadDirectory(repo.entry.path, u.id), reason: "upload started \(DeletePlan.formatAge(now.timeIntervalSince(started))) ago"))
            }
        }
        if unknown > 0 {
            warnings.append("\(unknown) upload(s) without a readable startedat are kept (the registry never purges them either)")
        }
    }

    // MARK: helpers

    /// Changes the planned repository in place (a copy taken out and put back would copy its arrays every time).
    private mutating func mutate(_ name: String, _ body: (inout RepositoryContents) -> Void) {
        guard model[name] != nil else { return }
        body(&model[name]!)
    }

    /// What the plan does to reachability (`ManifestReachability`) in the repositories it changes: manifests nothing
    /// reaches any more (untagged), and index children removed while an index that lists them stays: a tag that
    /// pulled before stops pulling for that platform (`brokenPulls`, which only `force` lets run), or, when no tag
    /// reaches the index, a warning.
    private func reachabilityEffects(on plan: inout DeletePlan) {
        let originals = Dictionary(repositories.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(plan.removals.map(\.repository)).sorted() {
            guard let before = originals[name], let after = model[name] else { continue }
            let reachBefore = ManifestReachability(before)
            let reachAfter = ManifestReachability(after)
            for r in after.revisions where reachBefore.isReachable(r.digest) && !reachAfter.isReachable(r.digest) {
                plan.untaggedManifests.append(.init(repository: name, digest: r.digest))
            }
            let removed = Set(before.revisions.lazy.map(\.digest).filter { after.revision($0) == nil })
            guard !removed.isEmpty else { continue }
            for index in after.revisions {
                for child in index.manifest?.children ?? [] {
                    guard let c = child.digest, removed.contains(c) else { continue }
                    let platform = child.platform?.description
                    let tags = reachAfter.pulls(needing: index.digest).map(\.tag)
                    if tags.isEmpty {
                        plan.warnings.append(
                            "\(SafeText.escaping(name))@\(index.digest.short) (no tag reaches it) lists \(c.short)\(platform.map { " for \(SafeText.escaping($0))" } ?? ""): pulling it by digest would fail for that platform")
                    } else {
                        plan.brokenPulls.append(.init(repository: name, manifest: c, index: index.digest, platform: platform, tags: Array(Set(tags)).sorted()))
                    }
                }
            }
        }
        plan.untaggedManifests.sort()
    }

    /// Children of deleted indexes that are still stored, untagged, and listed by no remaining index.
    private func orphanedChildren() -> [DeletePlan.ManifestRef] {
        var out: [DeletePlan.ManifestRef] = []
        for index in deletedIndexes {
            guard let original = repositories.first(where: { $0.name == index.repository })?.revision(index.digest),
                let repo = model[index.repository]
            else { continue }
            let stillListed = Set(repo.revisions.flatMap { r in r.manifest?.children.compactMap(\.digest) ?? [] })
            for child in original.manifest?.children ?? [] {
                guard let c = child.digest, let rev = repo.revision(c), !rev.isTagged, !stillListed.contains(c) else { continue }
                out.append(.init(repository: index.repository, digest: c))
            }
        }
        return Array(Set(out)).sorted()
    }

    /// Drops repeated paths and paths inside a folder that is removed anyway, keeping the first occurrence's order.
    static func deduplicated(_ removals: [DeletePlan.Removal]) -> [DeletePlan.Removal] {
        let paths = Set(removals.map(\.path))
        var seen = Set<StoragePath>()
        return removals.filter { r in
            let insideAnother = (1..<max(1, r.path.components.count)).contains { n in
                paths.contains(StoragePath(trusted: Array(r.path.components.prefix(n))))
            }
            return !insideAnother && seen.insert(r.path).inserted
        }
    }
}
