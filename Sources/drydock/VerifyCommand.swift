import ArgumentParser
import Foundation
import RegistryStorage

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the registry's push-time checks, signature checks and integrity checks on stored manifests.",
        discussion: """
            Exit status: 0 when no check and no error-level store finding failed, 1 otherwise, 2 on usage errors.
            Orphan blobs and stale uploads are information (garbage collection and upload purging are for them).
            """
    )

    @Flag(name: .long, help: "Also re-hash every referenced blob and compare with its digest.")
    var deep = false

    @Flag(name: .long, help: "Do not check that referenced blobs are linked and present (the seed's skip-layer-verification).")
    var skipLayers = false

    @Option(name: .long, help: ArgumentHelp("A cosign public key (PEM) to verify simple-signing signatures with.", valueName: "PEM"))
    var key: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var selection: StoreTargetArguments
    @OptionGroup var progressOptions: ProgressOptions

    mutating func run() async throws {
        let (storeArgument, reference) = try selection.resolved()
        var options = VerificationOptions(deep: deep, skipLayers: skipLayers)
        if let key {
            do {
                options.cosignPublicKeyPEM = try String(contentsOfFile: key, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read the key file \(key): \(error.localizedDescription)")
            }
        }
        let registry = try await selection.storeOptions.open(store: storeArgument)
        let loaded = try await StoreSelection.load(registry, reference: reference, detail: .full)
        let verifier = Verifier(store: registry, options: options)
        var manifests: [ManifestVerification] = []
        let progress = progressOptions.line()
        let work = loaded.shown.compactMap { shown in
            // Verify against the whole repository (signatures and referrers live beside the selected manifest).
            loaded.all.first(where: { $0.name == shown.name }).map { (repo: $0, revisions: shown.revisions) }
        }
        // Deep runs count blobs and bytes for the whole store, not per repository.
        let hashing = deep ? work.map { Self.hashWork($0.repo, $0.revisions) } : []
        let total = hashing.reduce((blobs: 0, bytes: Int64(0))) { ($0.blobs + $1.blobs, $0.bytes +| $1.bytes) }
        var before = (blobs: 0, bytes: Int64(0))
        for (i, item) in work.enumerated() {
            let done = before
            progress.update("verified \(i)/\(work.count) repositories")
            manifests += await verifier.verify(item.repo, revisions: item.revisions) { p in
                progress.update(
                    "hashing \(done.blobs + p.blobsDone)/\(total.blobs) blobs, \(ByteCount.format(done.bytes +| p.bytesDone)) of \(ByteCount.format(total.bytes))")
            }
            if deep { before = (before.blobs + hashing[i].blobs, before.bytes +| hashing[i].bytes) }
        }
        progress.finish()
        // Store-level findings concern the whole store; with a target, only that repository's.
        var findings = await verifier.storeFindings(loaded.all, listing: loaded.listing)
        if let reference {
            findings = findings.filter { $0.repository == reference.repository }
        }
        let report = VerifyReport(manifests: manifests, findings: findings)
        if json { FileHandleOutput.json(try report.jsonString()) } else { FileHandleOutput.standardOutput(report.text()) }
        if !report.ok { throw ExitCode(1) }
    }

    /// The blobs a deep verification of `revisions` hashes, as `Verifier.verify` picks them: every referenced blob
    /// that is present, once.
    static func hashWork(_ repo: RepositoryContents, _ revisions: [ManifestRevision]) -> (blobs: Int, bytes: Int64) {
        let present = Set(revisions.flatMap { $0.manifest?.blobReferences.compactMap(\.digest) ?? [] }).filter { repo.blobStates[$0]?.isPresent == true }
        return (present.count, present.reduce(Int64(0)) { $0 +| (repo.blobStates[$1]?.size ?? 0) })
    }
}
