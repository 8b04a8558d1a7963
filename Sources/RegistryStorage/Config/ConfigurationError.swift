public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read, is not a regular file, or is larger than 1 MiB.
    case unreadable(path: String, reason: String)
    /// Not YAML, or YAML this reader refuses (too large, too deep, alias bombs).
    case invalidYAML(reason: String)
    /// `version` is missing or not `0.1`.
    case unsupportedVersion(String)
    /// `storage` is missing or holds only `maintenance`, `cache`, `delete` or `redirect`.
    case noStorageDriver
    /// More than one driver key, from the file or added by `REGISTRY_STORAGE_<DRIVER>_*` (sorted names).
    case multipleStorageDrivers([String])
    /// A value the registry would reject at start-up; `key` is the dotted YAML path.
    case invalidValue(key: String, reason: String)
    /// A `REGISTRY_*` variable whose value the registry would fail to apply.
    case invalidEnvironmentVariable(name: String, reason: String)

    public var description: String {
        let e = SafeText.escaping
        return switch self {
        case .unreadable(let path, let reason):
            "cannot read registry configuration \(e(path)): \(e(reason))"
        case .invalidYAML(let reason):
            "registry configuration is not valid YAML: \(e(reason))"
        case .unsupportedVersion(let version):
            version.isEmpty
                ? "registry configuration has no version (expected `version: 0.1`)"
                : "registry configuration has unsupported version \"\(e(version))\" (expected 0.1)"
        case .noStorageDriver:
            "registry configuration names no storage driver: `storage` must hold one driver key "
                + "(such as filesystem) besides maintenance, cache, delete and redirect"
        case .multipleStorageDrivers(let drivers):
            "registry configuration names more than one storage driver (\(e(drivers.joined(separator: ", ")))), "
                + "counting REGISTRY_STORAGE_* environment overrides; the registry refuses to start"
        case .invalidValue(let key, let reason):
            "invalid registry configuration value for \(key.isEmpty ? "the document" : e(key)): \(e(reason))"
        case .invalidEnvironmentVariable(let name, let reason):
            "invalid registry configuration override in environment variable \(e(name)): \(e(reason))"
        }
    }
}
