import Foundation

/// Store locations made comparable: where a saved plan was made against where it is applied.
public enum StoreLocation {
    /// `s3://bucket/root` without trailing slashes; a folder as an absolute path with `.`, `..` and symlinks resolved
    /// and a trailing `docker/registry/v2` dropped (a store may be named by its root or by that folder).
    public static func normalized(_ location: String, relativeTo directory: String = FileManager.default.currentDirectoryPath) -> String {
        if location.hasPrefix("s3://") {
            var out = location
            while out.hasSuffix("/") { out.removeLast() }
            return out
        }
        let absolute = location.hasPrefix("/") ? location : directory + "/" + location
        var path = URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
        for suffix in ["/docker/registry/v2", "/docker/registry/v2/"] where path.hasSuffix(suffix) && path.count > suffix.count {
            path.removeLast(suffix.count)
        }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
