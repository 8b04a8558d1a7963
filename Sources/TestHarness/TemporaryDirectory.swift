import Foundation

/// A directory under the system temporary folder, removed by `remove()` (tests call it in `defer`).
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "drydock-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
