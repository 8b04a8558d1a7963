/// Replays `REGISTRY_*` variables onto the decoded configuration the way 2.8.2's parser.go does:
/// variables in byte order of their names; the name split on `_`; struct fields matched by upper-cased
/// Go field name (`REGISTRY_COMPATIBILITY_SCHEMA1_TRUSTKEY`, not `..._SIGNINGKEYFILE`); map keys matched
/// case-insensitively and created lower-cased; the value decoded as YAML into whatever it replaces.
/// Maps written in the YAML file below the storage level (`map[interface{}]interface{}`) cannot be
/// entered; list elements cannot be addressed; both are ignored, with a warning.
enum EnvironmentOverrides {
    static let prefix = "REGISTRY_"
    /// Top-level Configuration fields drydock does not read; overrides to them are accepted silently.
    static let unreadTopLevelFields: Set<String> = [
        "LOG", "LOGLEVEL", "AUTH", "MIDDLEWARE", "REPORTING", "NOTIFICATIONS", "HEALTH", "PROXY",
    ]
    static let maxPathParts = 32

    static func apply(_ environment: [String: String], to config: inout GoRegistryConfig,
                      warnings: inout [String]) throws(ConfigurationError) {
        let variables = environment
            .filter { $0.key.hasPrefix(prefix) && $0.key != "REGISTRY_CONFIGURATION_PATH" }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (name, value) in variables {
            let path = name.split(separator: "_", omittingEmptySubsequences: false).dropFirst().map(String.init)
            guard path.count <= maxPathParts else {
                warnings.append("Ignoring environment variable \(SafeText.escaping(name)): more than \(maxPathParts) parts")
                continue
            }
            var override = Override(name: name, payload: value)
            do {
                try override.apply(path[...], to: &config)
            } catch {
                switch error {
                case .invalidValue(_, let reason), .invalidYAML(let reason):
                    throw .invalidEnvironmentVariable(name: name, reason: reason)
                default:
                    throw error
                }
            }
            warnings.append(contentsOf: override.warnings)
        }
    }

    /// Go's `strings.ToUpper` / `ToLower` (simple, per-scalar case mapping).
    static func goUpper(_ s: String) -> String { mapScalars(s) { $0.properties.uppercaseMapping } }
    static func goLower(_ s: String) -> String { mapScalars(s) { $0.properties.lowercaseMapping } }

    private static func mapScalars(_ s: String, _ mapping: (Unicode.Scalar) -> String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            let mapped = mapping(scalar).unicodeScalars
            if mapped.count == 1, let single = mapped.first { out.append(single) } else { out.append(scalar) }
        }
        return String(out)
    }
}
