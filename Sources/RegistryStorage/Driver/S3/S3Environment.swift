import Foundation

/// The process environment and file access the resolution reads, injectable for tests.
public struct S3Environment: Sendable {
    public var variables: [String: String]
    /// The file's text, or nil when it does not exist or cannot be read.
    public var readFile: @Sendable (String) -> String?

    public init(variables: [String: String], readFile: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.variables = variables
        self.readFile = readFile
    }

    /// This process's environment; files read from disk (at most 1 MiB).
    public static func current(_ variables: [String: String] = ProcessInfo.processInfo.environment) -> S3Environment {
        S3Environment(variables: variables) { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? NSNumber, size.intValue <= 1 << 20,
                  let data = FileManager.default.contents(atPath: path)
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
