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
        let showProgress = !json && isatty(2) == 1
        for shown in loaded.shown {
            // Verify against the whole repository (signatures and referrers live beside the selected manifest).
            guard let repo = loaded.all.first(where: { $0.name == shown.name }) else { continue }
            manifests += await verifier.verify(repo, revisions: shown.revisions) { p in
                if showProgress {
                    FileHandleOutput.progress("hashing \(p.blobsDone)/\(p.blobsTotal) blobs, \(ByteCount.format(p.bytesDone)) of \(ByteCount.format(p.bytesTotal))")
                }
            }
        }
        if deep, showProgress { FileHandleOutput.progress(nil) }
        // Store-level findings concern the whole store; with a target, only that repository's.
        var findings = await verifier.storeFindings(loaded.all, listing: loaded.listing)
        if let reference {
            findings = findings.filter { $0.repository == reference.repository }
        }
        let report = VerifyReport(manifests: manifests, findings: findings)
        if json { FileHandleOutput.json(try report.jsonString()) } else { FileHandleOutput.standardOutput(report.text()) }
        if !report.ok { throw ExitCode(1) }
    }
}
