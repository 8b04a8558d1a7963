/// What one `_layers/<alg>/<hex>/link` is, as every reader of layer links judges it: the folder listing of a light
/// load (`RepositoryLoader.linkedLayerFolders`), and the look at a folder a marking load left unconfirmed
/// (`RepositoryContents.unconfirmedLayerLinks`), by the loader or by the collector when it sweeps the blob.
struct LayerLinkLookup {
    let driver: any StorageDriver

    enum Outcome {
        /// A regular file: a layer link.
        case link
        /// Nothing there, or a folder: no layer link (the full walk finds no link file there either).
        case none
        /// Something that is not a regular file, or could not be seen: reported.
        case problem(Problem)
    }

    /// The outcome for an entry of `kind` (nil: none) at `repo`'s link for `d`.
    static func outcome(_ kind: EntryKind?, _ repo: StoragePath, _ d: Digest) -> Outcome {
        switch kind {
        case .file?: .link
        case nil, .directory?: .none
        case let kind?: .problem(Problem.notAFile(kind, at: StoreLayout.layerLink(repo, d), expected: "layer link"))
        }
    }

    /// Looks at `repo`'s link for `d` by the rules of every open (a symlink inside the store has its target's kind).
    func look(_ repo: StoragePath, _ d: Digest) async -> Outcome {
        let path = StoreLayout.layerLink(repo, d)
        do {
            return Self.outcome(try await driver.withRetries { try await driver.stat(path) }.kind, repo, d)
        } catch {
            let error = DriverError(error)
            switch error {
            case .notFound, .notADirectory: return .none
            case .symlink(_, let why): return Self.outcome(.symlink(why), repo, d)
            default: return .problem(Problem.from(error, context: "cannot read layer link"))
            }
        }
    }
}
