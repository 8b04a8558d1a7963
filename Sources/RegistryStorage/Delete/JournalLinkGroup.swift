/// Journal links as a person counts them: a tag's `current` link and its `index/` history entries are one tag, so a
/// preview that listed each file would name the same tag twice (docs/storage-format.md §1.2: a tag is its folder,
/// `_manifests/tags/<tag>/`).
public struct JournalLinkGroup: Sendable, Equatable {
    /// The links of one tag (current first when the entry holds it), or a single other link.
    public var links: [JournalLink]

    public var head: JournalLink { links[0] }

    /// Tag history entries in the group (the `index/` links).
    public var historyEntries: Int { links.filter { $0.kind == .tagIndex }.count }

    /// For messages: `team/app: tag v1 -> sha256:… (and 1 history entry)`; other links as `JournalLink.summary`.
    public var summary: String {
        guard head.kind == .tagCurrent || head.kind == .tagIndex else { return head.summary }
        let history = historyEntries
        let entries = "\(history) history entr\(history == 1 ? "y" : "ies")"
        if head.kind == .tagCurrent {
            return history == 0 ? head.summary : "\(head.summary) (and \(entries))"
        }
        return history == 1 ? head.summary : "\(SafeText.escaping(head.repository)): tag \(SafeText.escaping(head.tag ?? "?")) \(entries)"
    }

    /// Groups `links` keeping the order in which each tag (or other link) first appears.
    public static func grouping(_ links: [JournalLink]) -> [JournalLinkGroup] {
        struct TagKey: Hashable {
            var repository: String
            var tag: String
        }
        var groups: [JournalLinkGroup] = []
        var tagGroup: [TagKey: Int] = [:]
        for link in links {
            guard link.kind == .tagCurrent || link.kind == .tagIndex, let tag = link.tag else {
                groups.append(JournalLinkGroup(links: [link]))
                continue
            }
            let key = TagKey(repository: link.repository, tag: tag)
            guard let i = tagGroup[key] else {
                tagGroup[key] = groups.count
                groups.append(JournalLinkGroup(links: [link]))
                continue
            }
            // The current link leads its group, wherever the journal recorded it.
            if link.kind == .tagCurrent { groups[i].links.insert(link, at: 0) } else { groups[i].links.append(link) }
        }
        return groups
    }
}
