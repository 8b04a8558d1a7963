import Foundation

/// What the browser end-to-end tests share: a store folder the real registry wrote, and `drydock` started on it
/// under tmux, handed over once its repository list is settled.
enum BrowserFixture {
    /// Serves `scratch/store` with docker-registry 2.8.2 while `push` writes into it (skopeo), then stops the
    /// registry, so the browser reads a store at rest. Returns the store folder.
    static func storeWrittenByTheRegistry(
        in scratch: TemporaryDirectory, _ push: (RegistryServer) async throws -> Void
    ) async throws -> URL {
        let store = scratch.url.appendingPathComponent("store", isDirectory: true)
        try await RegistryServer.with(serving(store)) { try await push($0) }
        return store
    }

    /// Options that serve `store` again (to check what the registry answers after the browser changed it).
    static func serving(_ store: URL) -> RegistryServer.Options {
        var options = RegistryServer.Options()
        options.rootDirectory = store
        return options
    }

    /// An OCI layout in `scratch` with `v1` and `v2`: two images sharing a base layer (layer seeds `<seeds>base`,
    /// `<seeds>one`, `<seeds>two`). Returns the layout and v1.
    static func twoTags(in scratch: TemporaryDirectory, seeds: String) throws -> (layout: OCIImageBuilder, v1: ImageInfo) {
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let base = LayerSpec(seed: "\(seeds)base")
        let v1 = try layout.addImage(tag: "v1", layers: [base, LayerSpec(seed: "\(seeds)one")])
        try layout.addImage(tag: "v2", layers: [base, LayerSpec(seed: "\(seeds)two")])
        return (layout, v1)
    }

    /// `team/app:v1` and `team/app:v2` (`twoTags`) pushed by skopeo in OCI format. Returns the store folder and v1.
    static func twoTagStore(in scratch: TemporaryDirectory, seeds: String) async throws -> (store: URL, v1: ImageInfo) {
        let (layout, v1) = try twoTags(in: scratch, seeds: seeds)
        let store = try await storeWrittenByTheRegistry(in: scratch) { server in
            for tag in ["v1", "v2"] {
                try await Skopeo.copy(layout: layout, tag: tag, to: server, repository: "team/app", format: .oci)
            }
        }
        return (store, v1)
    }

    /// The built `drydock` with `arguments` under tmux, returned once the repository list shows `repository`, is
    /// settled (`TmuxSession.isSettled`) and passes `also`. The caller stops the session.
    static func browse(
        _ arguments: [String], width: Int, height: Int, showing repository: String, also: (String) -> Bool = { _ in true }
    ) async throws -> TmuxSession {
        let tmux = try await TmuxSession.start([try DrydockBinary.path()] + arguments, width: width, height: height)
        do {
            try await tmux.waitFor("the indexed repository list") { $0.contains(repository) && TmuxSession.isSettled($0) && also($0) }
        } catch {
            tmux.stop()
            throw error
        }
        return tmux
    }
}
