import ArgumentParser
import Foundation

/// `--progress` / `--no-progress`, shared by `ls`, `verify` and `gc`. Without either, progress shows when standard
/// error is a terminal. It never goes to standard output, so `--json` documents stay clean.
struct ProgressOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Show progress on standard error (default: when it is a terminal, on runs longer than a moment).")
    var progress: Bool?

    func line() -> ProgressLine {
        ProgressLine(mode: progress == false ? .off : progress == true ? .forced : (isatty(2) == 1 ? .automatic : .off))
    }
}
