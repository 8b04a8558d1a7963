import Foundation

public struct ProcessFailure: Error, CustomStringConvertible {
    public var result: ProcessResult

    public init(result: ProcessResult) { self.result = result }

    public var description: String {
        var text = "command failed (exit \(result.exitCode)\(result.timedOut ? ", timed out" : "")): \(result.commandLine)"
        let err = result.stderrString.trimmingCharacters(in: .whitespacesAndNewlines)
        let out = result.stdoutString.trimmingCharacters(in: .whitespacesAndNewlines)
        if !err.isEmpty { text += "\n--- stderr ---\n\(err)" }
        if !out.isEmpty { text += "\n--- stdout ---\n\(out.suffix(4000))" }
        return text
    }
}
