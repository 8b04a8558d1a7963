import Foundation
import Testing

/// What `Skopeo.copy` pushed.
struct SkopeoCopyResult: Sendable {
    /// The digest skopeo wrote with `--digestfile`: the manifest (or, with `all`, the list/index) as stored.
    var digest: String
    var process: ProcessResult
}

/// Drives skopeo 1.9.x (Debian 12) to push OCI layouts into a local registry over plain HTTP.
enum Skopeo {
    /// `--format` values.
    enum Format: String, Sendable, CaseIterable {
        /// Docker schema2 (`application/vnd.docker.distribution.manifest.v2+json`; an index becomes a Docker
        /// manifest list).
        case v2s2
        /// OCI image manifest / index (the layout's own format).
        case oci
        /// Docker schema1, signed by skopeo with a throwaway key. The registry needs
        /// `compatibility.schema1.enabled: true`, stores only the payload, and re-signs on every GET.
        case v2s1
    }

    /// `skopeo --insecure-policy copy --dest-tls-verify=false [--format F] [--all] --digestfile F
    /// oci:LAYOUT:TAG docker://DEST`.
    ///
    /// `destination` is `127.0.0.1:PORT/REPO:TAG` (a `docker://` prefix is added when missing).
    /// `all`: copy every image of an index (`--all`, same as `--multi-arch all`); without it skopeo copies only the
    /// image matching this machine's platform (linux/amd64 here, overridable with `--override-arch`).
    @discardableResult
    static func copy(
        layout: URL,
        tag: String,
        to destination: String,
        format: Format? = nil,
        all: Bool = false,
        extraArguments: [String] = []
    ) async throws -> SkopeoCopyResult {
        let tool = try RequiredTool.require("skopeo")
        let scratch = try TemporaryDirectory(prefix: "drydock-skopeo")
        defer { scratch.remove() }
        let digestFile = scratch.url.appendingPathComponent("digest")
        var arguments = ["--insecure-policy", "copy", "--dest-tls-verify=false", "--quiet", "--retry-times", "0"]
        if let format { arguments += ["--format", format.rawValue] }
        if all { arguments.append("--all") }
        arguments += ["--digestfile", digestFile.path]
        arguments += extraArguments
        let dest = destination.hasPrefix("docker://") ? destination : "docker://" + destination
        precondition(
            dest.hasPrefix("docker://127.0.0.1:") || dest.hasPrefix("docker://localhost:"),
            "Skopeo.copy pushes only to a loopback registry, not \(dest)")
        arguments += ["oci:\(layout.path):\(tag)", dest]
        let environment = Shell.childEnvironment(adding: [
            // Keep skopeo away from the user's containers config and auth files.
            "TMPDIR": scratch.path,
            "XDG_RUNTIME_DIR": scratch.path,
            "REGISTRY_AUTH_FILE": scratch.url.appendingPathComponent("auth.json").path,
        ])
        let result = try await Shell.run(tool, arguments, environment: environment, timeout: 120)
        guard result.succeeded else { throw ProcessFailure(result: result) }
        let digest = ((try? String(contentsOf: digestFile, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return SkopeoCopyResult(digest: digest, process: result)
    }

    /// `copy(layout: layout.directory, ...)`.
    @discardableResult
    static func copy(
        layout: OCIImageBuilder,
        tag: String,
        to destination: String,
        format: Format? = nil,
        all: Bool = false,
        extraArguments: [String] = []
    ) async throws -> SkopeoCopyResult {
        try await copy(
            layout: layout.directory, tag: tag, to: destination, format: format, all: all,
            extraArguments: extraArguments)
    }

    /// Pushes `layout`'s `tag` to `server` as `repository:destinationTag` (default: the same tag).
    @discardableResult
    static func copy(
        layout: OCIImageBuilder,
        tag: String,
        to server: RegistryServer,
        repository: String,
        destinationTag: String? = nil,
        format: Format? = nil,
        all: Bool = false,
        extraArguments: [String] = []
    ) async throws -> SkopeoCopyResult {
        try await copy(
            layout: layout.directory, tag: tag, to: "\(server.hostPort)/\(repository):\(destinationTag ?? tag)",
            format: format, all: all, extraArguments: extraArguments)
    }
}
