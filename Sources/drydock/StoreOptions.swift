import ArgumentParser
import RegistryStorage

/// How a command names the store: a root folder or the registry's config.yml.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The registry's config.yml; the store is its storage.filesystem.rootdirectory.", valueName: "FILE"))
    var config: String?

    @Flag(name: .long, help: "Follow symlinks that point outside the store root (for stores spread over disks on purpose).")
    var followSymlinks = false

    /// Opens the store, or prints why it cannot be opened and fails with exit 1.
    func open(store: String?) throws -> RegistryStore {
        do {
            if let config {
                if store != nil { throw ValidationError("give either STORE or --config, not both") }
                return try RegistryStore.open(configPath: config, followSymlinks: followSymlinks)
            }
            guard let store else { throw ValidationError("name a store: drydock COMMAND STORE, or --config FILE") }
            return try RegistryStore.open(root: store, followSymlinks: followSymlinks)
        } catch let error as StoreOpenError {
            FileHandleOutput.standardError("drydock: cannot open store: \(error)")
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

    @Argument(help: ArgumentHelp("The store root (folder holding docker/registry/v2); omit with --config.", valueName: "STORE"))
    var store: String?

    @Argument(help: ArgumentHelp("REPO, REPO:TAG or REPO@DIGEST.", valueName: "TARGET"))
    var target: String?

    func resolved() throws -> (store: String?, reference: TargetReference?) {
        try storeOptions.splitPositionals(store: store, target: target)
    }
}
