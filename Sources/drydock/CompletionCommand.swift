import ArgumentParser

/// `drydock completion bash|zsh|fish`: the shell completion script, generated from the command definitions (so it
/// always knows every subcommand and flag). Repository names and tags come from the store named on the line
/// (`TargetCompletion`).
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print a shell completion script (bash, zsh or fish).",
        discussion: """
            bash: drydock completion bash > ~/.local/share/bash-completion/completions/drydock
            zsh:  drydock completion zsh > "${fpath[1]}/_drydock"
            fish: drydock completion fish > ~/.config/fish/completions/drydock.fish
            `make install` puts all three in place. Completes subcommands, flags, files after --config, and the \
            repository names and tags of the store given on the line.
            """
    )

    @Argument(help: ArgumentHelp("The shell: bash, zsh or fish.", valueName: "SHELL"))
    var shell: CompletionShell

    func run() throws {
        FileHandleOutput.standardOutput(Drydock.completionScript(for: shell))
    }
}

extension CompletionShell: @retroactive ExpressibleByArgument {}
