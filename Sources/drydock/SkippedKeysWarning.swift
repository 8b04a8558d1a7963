import Foundation
import RegistryStorage

enum SkippedKeysWarning {
    /// Tells the user, on standard error, which object keys the store's driver left alone (escaped: a key may hold
    /// control characters); nothing when there are none.
    static func report(_ driver: any StorageDriver) {
        let skipped = driver.skippedKeys
        guard !skipped.isEmpty else { return }
        let heading = "drydock: warning: \(skipped.count) object key(s) in \(SafeText.escaping(driver.location)) were "
            + "left untouched (not a store path, or unsafe to name in a request):"
        FileHandleOutput.standardError(([heading] + skipped.lines.map { "  " + $0 }).joined(separator: "\n"))
    }
}
