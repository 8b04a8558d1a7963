import Foundation
import Testing

/// A command-line tool an interop test needs is not on PATH.
public struct ToolMissingError: Error, CustomStringConvertible {
    public var tool: String
    public var underCI: Bool

    public var description: String {
        if underCI {
            return "required tool '\(tool)' is not on PATH although CI=true: .ci/run must install it "
                + (tool == "moto_server" ? "(python3 -m pip install 'moto[server]==\(MotoServer.patchedVersion)')"
                    : "(apt-get install docker-registry skopeo tmux util-linux redis-server openssl)")
        }
        return "required tool '\(tool)' is not on PATH"
    }
}

/// Finds the external tools the interop tests drive, and decides what a missing one means.
///
/// Policy (testing guide): a developer machine may lack a tool and skip the test; with `CI=true` a missing tool fails
/// the run, because `.ci/run` installs it and a skip there would hide a broken install step.
///
/// Two ways to use it:
/// - `try RequiredTool.require("skopeo")` at the top of a test. Missing locally: the current test is cancelled via
///   `Test.cancel` (Swift Testing reports it as skipped, the run stays green). Missing under CI: throws
///   `ToolMissingError`, so the test fails. Returns the tool's absolute path otherwise.
/// - `guard try RequiredTool.check("docker-registry", "skopeo") else { return }` when the test should simply return:
///   false locally when a tool is missing (a note is printed), throws under CI.
public enum RequiredTool {
    /// The tools every registry interop test needs.
    public static let registryTools = ["docker-registry", "skopeo", "gzip"]

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Absolute path of `name` on PATH (plus the standard system folders), or nil.
    public static func path(of name: String) -> String? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? name : nil
        }
        let pathVariable = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var folders = pathVariable.split(separator: ":").map(String.init)
        for fallback in ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        where !folders.contains(fallback) {
            folders.append(fallback)
        }
        for folder in folders where !folder.isEmpty {
            let candidate = folder + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }

    /// Returns the path of `name`. Missing: throws `ToolMissingError` under `CI=true`, otherwise cancels (skips) the
    /// running test. Call it only from inside a test.
    @discardableResult
    public static func require(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        if let found = path(of: name) { return found }
        if isCI { throw ToolMissingError(tool: name, underCI: true) }
        try Test.cancel("skipped: '\(name)' is not on PATH (install it, or run under CI=true to make this fail)",
                        sourceLocation: sourceLocation)
    }

    /// `require` for the launchers in this target: `#_sourceLocation` expands where it is written, and only this file
    /// imports Testing (the launchers also run inside drydock-bench).
    static func requireForLaunch(_ name: String) throws -> String {
        try require(name)
    }

    /// Requires every tool in `names` (see `require`).
    public static func require(all names: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for name in names { try require(name, sourceLocation: sourceLocation) }
    }

    /// True when all `names` are present. False locally when one is missing (prints which); throws under `CI=true`.
    public static func check(_ names: String...) throws -> Bool {
        for name in names where path(of: name) == nil {
            if isCI { throw ToolMissingError(tool: name, underCI: true) }
            print("note: '\(name)' is not on PATH; skipping this interop test")
            return false
        }
        return true
    }
}
