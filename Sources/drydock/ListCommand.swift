import ArgumentParser
import Foundation
import RegistryStorage

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List repositories, tags, manifests and layers.",
        discussion: """
            Without TARGET: every repository with its counts and sizes. With REPO: its tags and manifests.
            With REPO:TAG or REPO@DIGEST: that manifest and what it references.
            """
    )

    @Flag(name: .long, help: "Print JSON (the whole index) instead of tables.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The store root (folder holding docker/registry/v2).", valueName: "STORE"))
    var store: String?

    @Argument(help: ArgumentHelp("REPO, REPO:TAG or REPO@DIGEST.", valueName: "TARGET"))
    var target: String?

    mutating func run() async throws {
        // With --config the first positional is the target.
        var storeArgument = store
        var targetArgument = target
        if storeOptions.config != nil, target == nil {
            targetArgument = store
            storeArgument = nil
        }
        var reference: TargetReference?
        if let targetArgument {
            switch TargetReference.parse(targetArgument) {
            case .success(let r): reference = r
            case .failure(let e): throw ValidationError(e.description)
            }
        }
        let registry = try storeOptions.open(store: storeArgument)
        let listing: Catalog.Listing
        do {
            listing = try await registry.repositories()
        } catch {
            FileHandleOutput.standardError("drydock: cannot list repositories in \(registry.driver.location): \(error)")
            throw ExitCode(1)
        }
        var entries = listing.repositories
        if let reference {
            entries = entries.filter { $0.name == reference.repository }
            if entries.isEmpty {
                FileHandleOutput.standardError("drydock: no repository \"\(SafeText.escaping(reference.repository))\" in \(registry.driver.location)")
                throw ExitCode(1)
            }
        }
        // Sizes that are "unique" need every repository, so the whole store is indexed even for one target.
        let all = await registry.loadAll(listing.repositories)
        let index = StoreIndex(all)
        var shown = all.filter { r in entries.contains { $0.name == r.name } }
        if let reference, let repo = shown.first {
            guard let selected = ListCommand.select(reference, in: repo) else {
                FileHandleOutput.standardError("drydock: \(SafeText.escaping(reference.description)) is not stored")
                throw ExitCode(1)
            }
            shown = [selected]
        }
        if json {
            print(try ListReport(store: registry.driver.location, repositories: shown, index: index, problems: listing.problems).jsonString())
        } else {
            print(ListTable.render(shown, index: index, target: reference, storeProblems: listing.problems))
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
