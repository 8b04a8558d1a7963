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

    @Flag(name: .shortAndLong, help: "Names only, one per line: repositories; with REPO its REPO:TAG; with REPO:TAG or REPO@DIGEST the manifest digests.")
    var quiet = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "One line per repository (per tag with TARGET) from a template, e.g. '{{.Repository}}:{{.Tag}} {{.Digest}} {{.Size}}'.",
            valueName: "TEMPLATE"))
    var format: String?

    @Flag(name: .long, help: "Leave out cosign and referrers-fallback tags (sha256-<hex>[.sig|.att|.sbom]).")
    var omitDigestTags = false

    @OptionGroup var selection: StoreTargetArguments
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        if [json, quiet, format != nil].filter({ $0 }).count > 1 { throw ValidationError("give one of --json, -q and --format") }
    }

    mutating func run() async throws {
        let (storeArgument, reference) = try selection.resolved()
        let template = try format.map { try ListFormat($0, fields: reference == nil ? ListFormat.repositoryFields : ListFormat.tagFields) }
        if quiet && reference == nil {
            // Names come from the catalog walk alone: nothing else is read.
            let registry = try await selection.storeOptions.open(store: storeArgument)
            let listing = try await StoreSelection.repositories(registry)
            for p in listing.problems { FileHandleOutput.standardError("drydock: \(p)") }
            FileHandleOutput.lines(listing.repositories.map(\.name))
            return
        }
        let registry = try await selection.storeOptions.open(store: storeArgument)
        // ls deletes nothing: it may read manifests and configs from cached facts.
        registry.trustsCachedFacts = true
        // Light loads never stat references: one listing of blobs/ tells which are missing (PROBLEMS, `problems`).
        var stored: [Digest: Int64]?
        do {
            stored = try await registry.storedBlobs()
        } catch {
            // The listing is what reads the store; without it the rest is still worth showing.
            FileHandleOutput.standardError("drydock: note: cannot list blobs (\(error)); missing blobs are not checked (see drydock verify)")
            stored = nil
        }
        // The whole store over S3: one flat listing answers the catalog and every repository's walks.
        if reference == nil { await registry.beginScan() }
        defer { registry.endScan() }
        @Sendable func checked(_ repo: RepositoryContents, _ stored: [Digest: Int64]?) -> RepositoryContents {
            guard let stored else { return repo }
            var repo = repo
            repo.reportMissingBlobs(stored: stored)
            return repo
        }
        if json && reference == nil {
            // The whole store: streamed, so memory never holds every manifest at once.
            let listing = try await StoreSelection.repositories(registry)
            // Rendered manifests wait in a temporary file for the store-wide sizes (memory, README "Scale").
            let spill = SpillFile()
            // The blob listing is let go once every repository is checked against it, before the document is written:
            // held in a box the loading tasks read and this clears.
            let listed = Locked(stored)
            // Blobs shared between repositories are counted as each one loads: little is left once the last is in.
            let sharing = StoreBlobSharing(repositories: listing.repositories.map(\.name), expectedBlobs: stored?.count ?? 0)
            stored = nil
            let all = await registry.loadAll(listing.repositories, detail: .display, reduce: {
                StreamedListReport.render(checked($0, listed.withLock { $0 }), spill: spill, sharing: sharing)
            })
            listed.withLock { $0 = nil }
            try StreamedListReport.write(
                store: registry.driver.location, problems: listing.problems, repositories: all, sizes: sharing.sizes())
            return
        }
        if !json && reference == nil {
            // The whole-store table: counts and sizes only, streamed like the JSON document.
            let listing = try await StoreSelection.repositories(registry)
            let progress = progressOptions.line()
            let all = await registry.loadAll(listing.repositories, detail: .display, reduce: { [stored] in ListTable.RepositoryLine(checked($0, stored)) }) { done, total in
                progress.update("read \(done)/\(total) repositories")
            }
            progress.finish()
            let index = StoreIndex(uses: all.map(\.use))
            if let template {
                for p in listing.problems { FileHandleOutput.standardError("drydock: \(p)") }
                FileHandleOutput.lines(all.map { template.line(ListFormat.values($0, sizes: index.sizes[$0.name])) })
                return
            }
            FileHandleOutput.standardOutput(ListTable.render(
                [], index: index, target: nil, storeProblems: listing.problems, repositoryLines: all))
            return
        }
        var loaded = try await StoreSelection.load(registry, reference: reference, detail: .display)
        loaded.shown = loaded.shown.map { [stored] in checked($0, stored) }
        if quiet || template != nil {
            for p in loaded.listing.problems { FileHandleOutput.standardError("drydock: \(p)") }
            FileHandleOutput.lines(loaded.shown.flatMap { repo in quietLines(repo, reference: reference, template: template) })
            return
        }
        if json {
            FileHandleOutput.jsonBytes(ListReport.document(
                store: registry.driver.location, repositories: loaded.shown, index: loaded.index, problems: loaded.listing.problems))
        } else {
            FileHandleOutput.standardOutput(ListTable.render(
                loaded.shown, index: loaded.index, target: reference, storeProblems: loaded.listing.problems, omitDigestTags: omitDigestTags))
        }
    }

    /// `-q` and `--format` lines of one repository: `REPO:TAG` per tag (the manifest digests, selected one first, for
    /// REPO:TAG and REPO@DIGEST), or the template per tag.
    func quietLines(_ repo: RepositoryContents, reference: TargetReference?, template: ListFormat?) -> [String] {
        let tags = repo.tags.filter { !omitDigestTags || !SignatureTag.isSignatureTag($0.name) }
        if let template { return tags.map { template.line(ListFormat.values($0, in: repo)) } }
        let selected: Digest?
        switch reference?.selector {
        case .tag?: selected = repo.tags.first?.current
        case .digest(let d)?: selected = d
        case .repository?, nil: return tags.map { "\(repo.name):\($0.name)" }
        }
        let digests = repo.revisions.map(\.digest)
        return (digests.filter { $0 == selected } + digests.filter { $0 != selected }).map(\.description)
    }
}
