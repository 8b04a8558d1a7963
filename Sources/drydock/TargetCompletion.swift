import Foundation
import RegistryStorage

/// Completes TARGET (`REPO`, `REPO:TAG`) from the store named on the command line being completed: the first word
/// after the subcommand that is not a flag, or `--config FILE`. Reads only folder listings (the catalog, one
/// repository's `_manifests/tags/`), never a manifest, so it stays quick; S3 stores are not read (a request per
/// key press over a network is not worth it), and any failure completes nothing rather than printing.
enum TargetCompletion {
    static func candidates(_ words: [String], _ index: Int, _ prefix: String) async -> [String] {
        guard let registry = try? open(words: Array(words.prefix(index))) else { return [] }
        if let colon = prefix.firstIndex(of: ":") {
            let name = String(prefix[..<colon])
            let path = StoreLayout.repository(name)
            guard StoragePath(validating: name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)) != nil,
                  let entries = try? await registry.driver.list(StoreLayout.tagsDirectory(path))
            else { return [] }
            return entries.filter { $0.kind == .directory }.map { "\(name):\($0.name)" }
                .filter { $0.hasPrefix(prefix) && isPlain($0) }.sorted()
        }
        guard let listing = try? await registry.repositories() else { return [] }
        return listing.repositories.map(\.name).filter { $0.hasPrefix(prefix) && isPlain($0) }.sorted()
    }

    /// `rm STORE TARGET...`: folders until a store is on the line, then targets.
    static func storeOrTargets(_ words: [String], _ index: Int, _ prefix: String) async -> [String] {
        if (try? open(words: Array(words.prefix(index)))) ?? nil != nil {
            return await candidates(words, index, prefix)
        }
        return folders(matching: prefix)
    }

    /// Folders whose path starts with `prefix` (what the shell's own directory completion would offer).
    static func folders(matching prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let parent = slash.map { String(prefix[...$0]) } ?? ""
        let start = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? []
        return listed.filter { name in
            var isFolder: ObjCBool = false
            return name.hasPrefix(start) && (start.hasPrefix(".") || !name.hasPrefix("."))
                && FileManager.default.fileExists(atPath: parent + name, isDirectory: &isFolder) && isFolder.boolValue
        }.map { parent + $0 + "/" }.filter(isPlain).sorted()
    }

    /// The store of a partial command line: `--config FILE`, or the first positional after the subcommand.
    static func open(words: [String]) throws -> RegistryStore? {
        var positionals: [String] = []
        var i = 1  // words[0] is the program
        let valued: Set<String> = ["--endpoint", "--region", "--key", "--grace", "--keep-last", "--keep-within", "--keep-tag", "--policy"]
        while i < words.count {
            let w = words[i]
            if w == "--config", i + 1 < words.count { return try RegistryStore.open(configPath: words[i + 1]) }
            if valued.contains(w) { i += 2; continue }
            if !w.hasPrefix("-") { positionals.append(w) }
            i += 1
        }
        // positionals[0] is the subcommand, [1] the store.
        guard positionals.count >= 2, !S3StoreURL.looksLikeS3(positionals[1]) else { return nil }
        return try RegistryStore.open(root: positionals[1])
    }

    /// Names with spaces, quotes or control characters would need shell quoting; the registry's grammar allows none.
    private static func isPlain(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"'\"\\$`".unicodeScalars.contains($0) }
    }
}
