import ArgumentParser

/// The one way a command gives up: an optional JSON report on standard output (so scripts see the refusal too),
/// `drydock: <reason>` on standard error (escaped at the sink by `FileHandleOutput`), then the exit status.
enum CommandExit {
    /// `drydock: refused: <reason>`, exit 1: a gate or a check said no and nothing was changed.
    static func refuse(_ reason: String, report: (any Encodable)? = nil) throws -> Never {
        try fail("refused: \(reason)", report: report)
    }

    /// `drydock: <message>`, exit `code` (1: refused or failed; the CLI contract keeps 2 for usage errors).
    static func fail(_ message: String, report: (any Encodable)? = nil, code: Int32 = 1) throws -> Never {
        if let report { FileHandleOutput.json(JSONOutput.string(report)) }
        FileHandleOutput.standardError("drydock: \(message)")
        throw ExitCode(code)
    }
}
