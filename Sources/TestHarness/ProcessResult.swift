import Foundation

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    public var executable: String
    public var arguments: [String]
    public var exitCode: Int32
    /// True when the harness killed the child because it ran past its time limit.
    public var timedOut: Bool
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public var stdoutString: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrString: String { String(decoding: stderr, as: UTF8.self) }
    public var succeeded: Bool { exitCode == 0 && !timedOut }
    public var commandLine: String { ([executable] + arguments).map(Shell.quote).joined(separator: " ") }
}
