/// Looks for one `_layers/<alg>/<hex>/link`: for the folders a marking load left unconfirmed
/// (`RepositoryContents.unconfirmedLayerLinks`), when the loader or the collector needs to know after all. Sees what a
/// folder listing sees (`RepositoryLoader.linkedLayerFolders`): the kind of the entry by the rules of every open
/// (a symlink inside the store has its target's kind), nil when there is none.
struct LayerLinkLookup {
    let driver: any StorageDriver

    enum Outcome {
        /// The entry's kind; nil when there is no link (no layer link then).
        case found(EntryKind?)
        case unreadable(Problem)
    }

    func kind(_ repo: StoragePath, _ d: Digest) async -> Outcome {
        let path = StoreLayout.layerLink(repo, d)
        do {
            return .found(try await driver.withRetries { try await driver.stat(path) }.kind)
        } catch {
            let error = DriverError(error)
            switch error {
            case .notFound, .notADirectory: return .found(nil)
            case .symlink(_, let why): return .found(.symlink(why))
            default: return .unreadable(Problem.from(error, context: "cannot read layer link"))
            }
        }
    }
}
