import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Questions on the terminal before something is removed. Without a terminal nothing is ever assumed: the caller
/// must pass `--yes`.
enum Confirm {
    /// Standard input and standard error are both terminals.
    static var isInteractive: Bool { isatty(0) == 1 && isatty(2) == 1 }

    /// Asks on standard error and reads one line; true only for `y` or `yes`.
    static func ask(_ question: String) -> Bool {
        FileHandleOutput.prompt("\(question) [y/N] ")
        guard let answer = readLine(strippingNewline: true) else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// `--yes` proceeds; on a terminal the question decides; without one the command refuses (exit 1).
    static func require(yes: Bool, question: String, what: String) throws {
        if yes { return }
        guard isInteractive else {
            try CommandExit.fail("refusing to \(what) without confirmation: no terminal to ask on; pass --yes")
        }
        guard ask(question) else {
            try CommandExit.fail("nothing changed")
        }
    }
}
