import ArgumentParser
import Foundation
import RegistryStorage

/// How a command names the store: a root folder, an `s3://BUCKET/ROOT` address, or the registry's config.yml.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry's config.yml; the store is its storage.filesystem.rootdirectory or its storage.s3 bucket and rootdirectory.",
            valueName: "FILE"),
        completion: .file(extensions: ["yml", "yaml"]))
    var config: String?

    @Flag(name: .long, help: "Follow symlinks that point outside the store root (for stores spread over disks on purpose).")
    var followSymlinks = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "S3 endpoint for an s3:// STORE, e.g. http://127.0.0.1:9000 (an S3-compatible store; implies --path-style). Default: AWS.",
            valueName: "URL"))
    var endpoint: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Region for an s3:// STORE. Default: AWS_REGION, AWS_DEFAULT_REGION, or us-east-1 with --endpoint.", valueName: "REGION"))
    var region: String?

    @Flag(name: .long, help: "s3:// STORE: put the bucket in the URL path (https://ENDPOINT/BUCKET/KEY).")
    var pathStyle = false

    @Flag(name: .long, help: "s3:// STORE: put the bucket in the host name (https://BUCKET.ENDPOINT/KEY).")
    var virtualHosted = false

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Read every manifest and config from the store, not from the local cache of them (DRYDOCK_CACHE_DIR, else $XDG_CACHE_HOME/drydock or ~/.cache/drydock; DRYDOCK_CACHE_SIZE in MiB, default 256), and write nothing there."))
    var noCache = false

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Use the local cache for a store on a local disk too. By default only a store whose reads cross a network (S3, NFS, SMB, FUSE) uses it: from a local disk, checking that a cached record still applies costs what reading the manifest does; a slow disk with a cold page cache may still gain."))
    var cacheLocal = false

    func validate() throws {
        if noCache && cacheLocal { throw ValidationError("give --no-cache or --cache-local, not both") }
    }

    /// The options that only an `s3://` STORE takes, as given (for messages and the undo hint).
    var s3OnlyArguments: [String] {
        var words: [String] = []
        if let endpoint { words += ["--endpoint", endpoint] }
        if let region { words += ["--region", region] }
        if pathStyle { words.append("--path-style") }
        if virtualHosted { words.append("--virtual-hosted") }
        return words
    }

    /// How the store was named (`--config FILE`, or STORE with its S3 options), quoted for the commands we suggest.
    func commandWords(store: String?) -> String {
        if let config { return "--config \(Shellish.quote(config))" }
        return ([store ?? "STORE"] + s3OnlyArguments).map(Shellish.quote).joined(separator: " ")
    }

    /// Opens the store, or prints why it cannot be opened and fails with exit 1. An S3 store is checked with one
    /// request (missing bucket, refused credentials and an unreachable endpoint fail here).
    func open(store: String?) async throws -> RegistryStore {
        let registry = try await openUncached(store: store)
        useCache(registry)
        return registry
    }

    /// Gives the store the shared local cache of manifests and configs and of the facts drawn from them
    /// (ContentCache, FactsCache) where a read crosses a network (S3, NFS), unless `--no-cache`. Facts are only
    /// recorded here; a run that deletes nothing says it may read them (`trustsCachedFacts`). A store on a local disk
    /// gets facts only with `--cache-local`: there a warm run's stat of each manifest blob (to check that the store
    /// still holds it at the recorded size) cost as much as the read and parse it spared, and a cold run paid for
    /// recording (README, "The local cache"); bytes are never copied from a local disk.
    func useCache(_ registry: RegistryStore) {
        let network = registry.driver.readsCrossANetwork
        guard !noCache, network || cacheLocal, let content = ContentCache.fromEnvironment() else { return }
        if network { registry.contentCache = content }
        registry.factsCache = FactsCache.beside(content)
    }

    private func openUncached(store: String?) async throws -> RegistryStore {
        if pathStyle && virtualHosted { throw ValidationError("give --path-style or --virtual-hosted, not both") }
        var credentialSource: S3CredentialSource?
        do {
            if let config {
                if store != nil { throw ValidationError("give either STORE or --config, not both") }
                if let first = s3OnlyArguments.first {
                    throw ValidationError("\(first) goes with an s3://BUCKET/ROOT store; with --config the bucket, region and endpoint come from storage.s3")
                }
                let registry = try RegistryStore.open(configPath: config, followSymlinks: followSymlinks)
                if case .s3(let settings)? = registry.configuration?.storage {
                    let access = try RegistryStore.s3Access(settings, environment: ProcessInfo.processInfo.environment)
                    credentialSource = access.credentialSource
                    for note in access.notes { FileHandleOutput.standardError("drydock: note: \(note)") }
                    try await registry.checkObjectStore()
                }
                return registry
            }
            guard let store else { throw ValidationError("name a store: drydock COMMAND STORE, or --config FILE") }
            if S3StoreURL.looksLikeS3(store) {
                let access: S3Access
                do {
                    access = try S3Access.direct(
                        try S3StoreURL.parse(store), endpoint: endpoint, region: region,
                        addressing: pathStyle ? .pathStyle : virtualHosted ? .virtualHosted : nil, environment: .current())
                } catch {
                    throw StoreOpenError.notAStore(path: store, reason: error.description)
                }
                credentialSource = access.credentialSource
                for note in access.notes { FileHandleOutput.standardError("drydock: note: \(note)") }
                return try await RegistryStore.open(s3: access)
            }
            if let first = s3OnlyArguments.first {
                throw ValidationError("\(first) goes with an s3://BUCKET/ROOT store, not a folder")
            }
            return try RegistryStore.open(root: store, followSymlinks: followSymlinks)
        } catch let error as StoreOpenError {
            FileHandleOutput.standardError("drydock: cannot open store: \(error)")
            if case .driver = error, let credentialSource {
                FileHandleOutput.standardError("drydock: note: S3 credentials used: \(credentialSource)")
            }
            throw ExitCode(1)
        }
    }

    /// With --config the first positional is the target; parses the target.
    func splitPositionals(store: String?, target: String?) throws -> (store: String?, reference: TargetReference?) {
        var storeArgument = store
        var targetArgument = target
        if config != nil, target == nil {
            targetArgument = store
            storeArgument = nil
        }
        guard let targetArgument else { return (storeArgument, nil) }
        switch TargetReference.parse(targetArgument) {
        case .success(let r): return (storeArgument, r)
        case .failure(let e): throw ValidationError(e.description)
        }
    }
}

/// `[--config FILE] [STORE] [TARGET]`, shared by the commands that read one store and optionally one target.
struct StoreTargetArguments: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions

    @Argument(
        help: ArgumentHelp(
            "The store root (folder holding docker/registry/v2) or s3://BUCKET/ROOTDIRECTORY; omit with --config.", valueName: "STORE"),
        completion: .directory)
    var store: String?

    @Argument(
        help: ArgumentHelp("REPO, REPO:TAG or REPO@DIGEST.", valueName: "TARGET"),
        completion: .custom { words, index, prefix in await TargetCompletion.candidates(words, index, prefix) })
    var target: String?

    func resolved() throws -> (store: String?, reference: TargetReference?) {
        try storeOptions.splitPositionals(store: store, target: target)
    }
}
