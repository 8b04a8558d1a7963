import ArgumentParser
import RegistryStorage

/// The store's repositories loaded once, and the part a command's TARGET selects.
struct StoreSelection {
    var listing: Catalog.Listing
    /// Every repository (sizes that are "unique" and store findings need them all).
    var all: [RepositoryContents]
    var index: StoreIndex
    /// What TARGET names: one repository narrowed to a tag or manifest, or everything.
    var shown: [RepositoryContents]

    static func load(_ registry: RegistryStore, reference: TargetReference?, detail: LoadDetail) async throws -> StoreSelection {
        let listing = try await repositories(registry)
        if let reference, !listing.repositories.contains(where: { $0.name == reference.repository }) {
            // A malformed name is a usage error; a well-formed one that is absent is a lookup failure.
            if !NameGrammar.isValidRepositoryName(reference.repository) {
                throw ValidationError("\"\(SafeText.escaping(reference.repository))\" is not a valid repository name")
            }
            try CommandExit.fail("no repository \"\(SafeText.escaping(reference.repository))\" in \(registry.driver.location)")
        }
        let all = await registry.loadAll(listing.repositories, detail: detail)
        var shown = all
        if let reference {
            guard let repo = all.first(where: { $0.name == reference.repository }), let selected = select(reference, in: repo) else {
                try CommandExit.fail("\(SafeText.escaping(reference.description)) is not stored")
            }
            shown = [selected]
        }
        return StoreSelection(listing: listing, all: all, index: StoreIndex(all), shown: shown)
    }

    /// The catalog, or exit 1 with the reason.
    static func repositories(_ registry: RegistryStore) async throws -> Catalog.Listing {
        do {
            return try await registry.repositories()
        } catch {
            try CommandExit.fail("cannot list repositories in \(registry.driver.location): \(error)")
        }
    }

    /// Narrows a repository to one tag or manifest (and an index's children), or nil when it is not there.
    static func select(_ ref: TargetReference, in repo: RepositoryContents) -> RepositoryContents? {
        var out = repo
        let digest: Digest
        switch ref.selector {
        case .repository:
            return repo
        case .tag(let t):
            guard let tag = repo.tag(t), let current = tag.current else { return nil }
            out.tags = [tag]
            digest = current
        case .digest(let d):
            guard repo.revision(d) != nil else { return nil }
            out.tags = repo.tags.filter { $0.current == d }
            digest = d
        }
        var keep: Set<Digest> = [digest]
        for child in repo.revision(digest)?.manifest?.children ?? [] { if let c = child.digest { keep.insert(c) } }
        out.revisions = repo.revisions.filter { keep.contains($0.digest) }
        return out
    }
}
