import Foundation
import Testing

/// The built `drydock` executable could not be found next to the test bundle.
struct DrydockBinaryMissing: Error, CustomStringConvertible {
    var searched: [String]

    var description: String {
        "the drydock executable is not next to the test bundle (looked in: \(searched.joined(separator: ", "))). "
            + "`swift test` and `swift build --build-tests` build it; set \(DrydockBinary.environmentOverride) "
            + "to use another one."
    }
}

/// Runs the `drydock` executable built with the tests.
///
/// SwiftPM puts every product of a build in one folder (`.build/<triple>/debug/`): the test bundle
/// (`DrydockPackageTests.xctest`, a plain executable on Linux, a bundle folder on macOS) and the `drydock`
/// executable sit side by side. `swift test` builds the `test` subset, which includes executables, so the binary is
/// always fresh when the tests run through `swift test`. Building it from inside a test is not an option: the outer
/// `swift test` still holds the build folder's lock.
///
/// ```swift
/// let result = try await DrydockBinary.run(["ls", "--json", store])
/// ```
enum DrydockBinary {
    /// An explicit executable path, used instead of the search when set.
    static let environmentOverride = "DRYDOCK_EXECUTABLE"

    /// Absolute path of the `drydock` executable; throws `DrydockBinaryMissing` (a failure, not a skip: a missing
    /// product of our own build is never a missing tool).
    static func path() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment[environmentOverride], !explicit.isEmpty {
            guard isExecutableFile(explicit) else { throw DrydockBinaryMissing(searched: [explicit]) }
            return explicit
        }
        var searched: [String] = []
        for folder in candidateFolders() {
            let candidate = folder.appendingPathComponent("drydock").path
            if searched.contains(candidate) { continue }
            searched.append(candidate)
            if isExecutableFile(candidate) { return candidate }
        }
        throw DrydockBinaryMissing(searched: searched)
    }

    /// Runs `drydock ARGUMENTS`, capturing its output; never throws for a non-zero exit.
    static func run(_ arguments: [String], environment: [String: String]? = nil, timeout: TimeInterval = 60) async throws -> ProcessResult {
        try await Shell.run(try path(), arguments, environment: environment, timeout: timeout)
    }

    /// Folders that may hold the build products, best first.
    static func candidateFolders() -> [URL] {
        var folders: [URL] = []
        // Linux: the test process is the test bundle itself.
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        if let exe = Bundle.main.executableURL {
            folders.append(exe.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // macOS: the `.xctest` bundle folder is loaded into a host process; its parent is the products folder.
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            folders.append(bundle.bundleURL.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        return folders
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
