import Foundation

/// What a prune read of one tag link: its target and when it was written. A re-push (even of the same digest)
/// rewrites `current/link` and so changes `modified`; a re-point changes `digest`; a removal leaves nothing to read.
public struct TagFingerprint: Sendable, Equatable, Hashable, Codable {
    public var repository: String
    public var tag: String
    public var digest: Digest?
    /// Seconds since 1970 (`current/link`'s mtime on disk, `LastModified` on S3); nil when the store gives none.
    public var modified: Double?

    public init(repository: String, tag: String, digest: Digest?, modified: Double?) {
        self.repository = repository
        self.tag = tag
        self.digest = digest
        self.modified = modified
    }

    /// Why `now` (the same tag read again, nil when it is gone) no longer matches this fingerprint; nil when it does.
    public func change(to now: TagFingerprint?) -> String? {
        let name = "\(SafeText.escaping(repository)):\(SafeText.escaping(tag))"
        guard let now, now.digest != nil || digest == nil else { return "\(name) was removed" }
        if now.digest != digest { return "\(name) now points at \(now.digest.map(\.description) ?? "nothing")" }
        if now.modified != modified { return "\(name) was pushed again" }
        return nil
    }
}

extension Digest: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Digest.parse(text) {
        case .success(let d): self = d
        case .failure(let e):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(SafeText.escaping(text)): \(e)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Reads the fingerprints of tag links: one stat per tag (`fstatat` on disk, a HEAD over S3), several at once.
public enum TagLinkReader {
    public static func fingerprints(_ repo: RepositoryContents, driver: any StorageDriver, inFlight: Int = 16) async -> [TagFingerprint] {
        await withTaskGroup(of: TagFingerprint.self) { group in
            var pending = repo.tags[...]
            func addNext() {
                guard let tag = pending.popFirst() else { return }
                group.addTask {
                    let link = StoreLayout.tagDirectory(repo.entry.path, tag.name).appending(["current", "link"])
                    let modified = try? await driver.withRetries { try await driver.stat(link) }.modified
                    return TagFingerprint(repository: repo.name, tag: tag.name, digest: tag.current, modified: modified)
                }
            }
            for _ in 0..<inFlight { addNext() }
            var out: [TagFingerprint] = []
            while let f = await group.next() {
                out.append(f)
                addNext()
            }
            return out.sorted { $0.tag < $1.tag }
        }
    }
}
