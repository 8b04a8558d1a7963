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

    @OptionGroup var selection: StoreTargetArguments

    mutating func run() async throws {
        let (storeArgument, reference) = try selection.resolved()
        let registry = try await selection.storeOptions.open(store: storeArgument)
        // Light loads never stat references: one listing of blobs/ tells which are missing (PROBLEMS, `problems`).
        let stored: [Digest: Int64]?
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
        @Sendable func checked(_ repo: RepositoryContents) -> RepositoryContents {
            guard let stored else { return repo }
            var repo = repo
            repo.reportMissingBlobs(stored: stored)
            return repo
        }
        if json && reference == nil {
            // The whole store: streamed, so memory never holds every manifest at once.
            let listing = try await StoreSelection.repositories(registry)
            let all = await registry.loadAll(listing.repositories, detail: .listing, reduce: { StreamedListReport.render(checked($0)) })
            try StreamedListReport.write(
                store: registry.driver.location, problems: listing.problems, repositories: all,
                index: StoreIndex(uses: all.map(\.use)))
            return
        }
        if !json && reference == nil {
            // The whole-store table: counts and sizes only, streamed like the JSON document.
            let listing = try await StoreSelection.repositories(registry)
            let all = await registry.loadAll(listing.repositories, detail: .listing, reduce: { ListTable.RepositoryLine(checked($0)) })
            FileHandleOutput.standardOutput(ListTable.render(
                [], index: StoreIndex(uses: all.map(\.use)), target: nil, storeProblems: listing.problems, repositoryLines: all))
            return
        }
        var loaded = try await StoreSelection.load(registry, reference: reference, detail: .listing)
        loaded.shown = loaded.shown.map(checked)
        if json {
            FileHandleOutput.json(try ListReport(store: registry.driver.location, repositories: loaded.shown, index: loaded.index, problems: loaded.listing.problems).jsonString())
        } else {
            FileHandleOutput.standardOutput(ListTable.render(loaded.shown, index: loaded.index, target: reference, storeProblems: loaded.listing.problems))
        }
    }
}
