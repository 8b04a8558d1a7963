import ArgumentParser

/// The words `RunModeOptions` shows in a command's help: the flags behave alike everywhere, but what a dry run
/// shows and what `--yes` confirms differ by command.
protocol RunModeHelp {
    static var dryRun: String { get }
    static var json: String { get }
    static var yes: String { get }
}

/// `--dry-run`, `--json` and `--yes`, shared by the commands that plan a change to the store, show it and ask before
/// making it (`rm`, `prune`, `gc`).
struct RunModeOptions<Help: RunModeHelp>: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(Help.dryRun))
    var dryRun = false

    @Flag(name: .long, help: ArgumentHelp(Help.json))
    var json = false

    @Flag(name: .long, help: ArgumentHelp(Help.yes))
    var yes = false
}

/// `rm` and `prune`: a plan of deletes, journaled.
enum PlannedDeleteHelp: RunModeHelp {
    static let dryRun = "Show the plan only; change nothing."
    static let json = "Print the plan (and the journal id) as JSON."
    static let yes = "Do not ask for confirmation."
}

/// `gc`: the confirmation is about the registry, not the plan (storage-format §7.4: a push in progress has blobs
/// nothing references yet).
enum CollectionHelp: RunModeHelp {
    static let dryRun = "Show what would be removed and the bytes freed; change nothing."
    static let json = "Print JSON: {blobs, manifests, layerLinks, bytes, ...}."
    static let yes = "Confirm that the registry is stopped or read-only; do not ask."
}
