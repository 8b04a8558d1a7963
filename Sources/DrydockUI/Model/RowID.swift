import RegistryStorage

/// What a list row stands for. Stable across reloads, sorting and filtering, so the selection and the marks follow it,
/// and the reducer acts on a row (delete this tag, that layer) without parsing its text.
public enum RowID: Hashable, Sendable, Comparable {
    case repository(String)
    case tag(String)
    case revision(Digest)
    /// A line of the layers screen: its position (`cfg`, `1`, `2`, …) and the digest as the manifest writes it, which
    /// may not parse (the line still shows, and cannot be deleted).
    case blob(position: String, digest: String)
    /// A detail screen's section heading.
    case section(String)
    /// An item of a detail screen by section and position, so a section growing does not move the selection.
    case detail(section: String, item: Int)

    /// Rows Space can mark: tags, and rows that open a manifest.
    var isTag: Bool {
        if case .tag = self { return true }
        return false
    }
}
