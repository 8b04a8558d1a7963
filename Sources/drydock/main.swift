import Foundation
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// Usage errors exit 2 (ArgumentParser's default is 64), as the CLI contract says.
let code: Int32
if let typo = CommandSuggestion.check(Array(CommandLine.arguments.dropFirst()), exists: { FileManager.default.fileExists(atPath: $0) }) {
    FileHandleOutput.standardError(typo.message)
    exit(2)
}
do {
    var command = try await Drydock.asyncParseAsRoot()
    if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.runAsync()
    } else {
        try command.run()
    }
    code = 0
} catch {
    let exit = Drydock.exitCode(for: error)
    let message = Drydock.fullMessage(for: error)
    if !message.isEmpty {
        if exit == .success {
            FileHandleOutput.standardOutput(message)
        } else {
            FileHandleOutput.standardError(message)
        }
    }
    code = exit == .validationFailure ? 2 : exit.rawValue
}
exit(code)

extension AsyncParsableCommand {
    /// Picks the async `run()` explicitly (on an existential the synchronous requirement wins overload resolution).
    mutating func runAsync() async throws { try await run() }
}
