import ArgumentParser
import RegistryStorage

/// `[--config FILE] [STORE]`, for the commands that act on one whole store (`gc`, `prune`).
struct StoreArgument: ParsableArguments {
    @OptionGroup var options: StoreOptions

    @Argument(help: ArgumentHelp("The store root (folder holding docker/registry/v2) or s3://BUCKET/ROOTDIRECTORY; omit with --config.", valueName: "STORE"))
    var store: String?

    func validate() throws {
        if options.config != nil, store != nil { throw ValidationError("give either STORE or --config, not both") }
    }

    /// A usage error naming `command` when neither STORE nor --config was given.
    func requireStore(command: String) throws {
        if options.config == nil, store == nil { throw ValidationError("name a store: drydock \(command) STORE ..., or --config FILE ...") }
    }

    func open() async throws -> RegistryStore { try await options.open(store: store) }

    /// How the store was named, for the commands we suggest.
    var words: String { options.commandWords(store: store) }
}
