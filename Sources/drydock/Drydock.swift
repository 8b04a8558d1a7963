import ArgumentParser

struct Drydock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drydock",
        abstract: "Browse, verify and clean up a Docker/OCI registry's storage (docker/registry/v2).",
        discussion: """
            STORE is the registry's storage root (the folder holding docker/registry/v2, or that v2 folder), or \
            s3://BUCKET/ROOTDIRECTORY for a registry that stores in S3 (--endpoint URL for an S3-compatible store, \
            --region R; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials).
            --config reads the registry's own config.yml (filesystem or s3, with REGISTRY_* environment overrides \
            applied as the registry applies them).
            """,
        version: "drydock \(Drydock.version) (commit \(BuildInfo.commit))",
        subcommands: [BrowseCommand.self, ListCommand.self, VerifyCommand.self, DemoCommand.self, RemoveCommand.self, PruneCommand.self, UndoCommand.self, GCCommand.self, CompletionCommand.self],
        defaultSubcommand: BrowseCommand.self
    )

    /// The release number; `--version` adds the git commit the binary was built from (Plugins/BuildInfoPlugin).
    static let version = "0.4.0"
}
