import RegistryStorage

/// Plain-text tables for `drydock ls`. Everything from the store is escaped before it reaches the terminal.
enum ListTable {
    /// One repository's line in the whole-store table: all the table needs, so a store-wide listing can drop each
    /// repository's contents as soon as it is loaded.
    struct RepositoryLine: Sendable {
        var name: String
        var listedByRegistry: Bool
        var tags: Int
        var manifests: Int
        var untagged: Int
        var problems: String
        var use: StoreIndex.BlobUse

        init(_ r: RepositoryContents) {
            name = r.name
            listedByRegistry = r.entry.isListedByRegistry
            tags = r.tags.count
            manifests = r.revisions.count
            // Untagged means nothing reaches it: a child of a tagged index is not garbage.
            let reach = ManifestReachability(r)
            untagged = r.revisions.filter { !reach.isReachable($0.digest) }.count
            problems = ListTable.problemSummary(r.allProblems)
            use = StoreIndex.BlobUse(r)
        }
    }

    static func repositoryTable(_ repos: [RepositoryLine], index: StoreIndex) -> String {
        var rows = [["REPOSITORY", "TAGS", "MANIFESTS", "UNTAGGED", "SIZE", "UNIQUE", "PROBLEMS"]]
        for r in repos {
            let sizes = index.sizes[r.name] ?? .init(total: 0, unique: 0)
            let flag = r.listedByRegistry ? "" : " (not in registry catalog)"
            rows.append([
                SafeText.escaping(r.name) + flag, "\(r.tags)", "\(r.manifests)", "\(r.untagged)",
                ByteCount.format(sizes.total), ByteCount.format(sizes.unique), r.problems,
            ])
        }
        return table(rows) + "\n\(repos.count) repositories, \(repos.reduce(0) { $0 + $1.manifests }) manifests"
    }

    static func render(
        _ repos: [RepositoryContents], index: StoreIndex, target: TargetReference?, storeProblems: [Problem],
        repositoryLines: [RepositoryLine]? = nil, omitDigestTags: Bool = false
    ) -> String {
        var lines: [String] = []
        if target == nil {
            lines.append(repositoryTable(repositoryLines ?? repos.map(RepositoryLine.init), index: index))
        } else {
            for r in repos {
                lines.append("Repository \(SafeText.escaping(r.name))")
                var tagRows = [["TAG", "DIGEST", "TYPE", "PLATFORM", "CREATED", "SIZE"]]
                // cosign and referrers-fallback tags (`sha256-<hex>[.sig|.att|.sbom]`) go in their own table below.
                let signatureTags = r.tags.filter { SignatureTag.isSignatureTag($0.name) }
                let tags = r.tags.filter { !SignatureTag.isSignatureTag($0.name) }
                for t in tags {
                    let rev = t.current.flatMap { r.revision($0) }
                    tagRows.append([
                        SafeText.escaping(t.name), t.current.map { $0.short } ?? "(none)", rev?.format?.shortName ?? "-",
                        platforms(rev, in: r), rev?.config?.created.map { SafeText.escapedPrefix($0, maxLength: 19) } ?? "-",
                        t.current.map { ByteCount.format(r.size(of: $0)) } ?? "-",
                    ])
                }
                if tags.isEmpty { lines.append(signatureTags.isEmpty ? "  (no tags)" : "  (no tags but signature tags)") } else { lines.append(indent(table(tagRows))) }
                if !signatureTags.isEmpty && !omitDigestTags { lines.append(indent(signatureTable(signatureTags, in: r))) }
                var revRows = [["MANIFEST", "TYPE", "TAGS / REACHED BY", "REFS", "SIZE", "PROBLEMS"]]
                let reach = ManifestReachability(r)
                for rev in r.revisions {
                    revRows.append([
                        rev.digest.description, rev.format?.shortName ?? "?",
                        rev.tags.isEmpty ? reach.summary(of: rev.digest) ?? "(untagged)" : rev.tags.map(shortTag).joined(separator: ","),
                        "\(rev.manifest?.references.count ?? 0)", ByteCount.format(r.size(of: rev.digest)), problemSummary(rev.problems),
                    ])
                }
                lines.append(indent(table(revRows)))
                if target.map({ if case .repository = $0.selector { false } else { true } }) == true {
                    for rev in r.revisions {
                        lines.append("  \(rev.digest) references:")
                        for ref in rev.manifest?.references ?? [] {
                            let size = ref.size ?? ref.digest.flatMap { r.blobSize($0) }
                            lines.append("    \(SafeText.escaping(ref.digestText))  \(SafeText.escaping(ref.mediaType ?? "-"))  \(size.map(ByteCount.format) ?? "-")")
                        }
                    }
                }
                for p in r.allProblems { lines.append("  \(p)") }
            }
        }
        for p in storeProblems { lines.append(p.description) }
        return lines.joined(separator: "\n")
    }

    /// Signature tags under the manifest they sign: its tags (or short digest) and the kind, not a 76-character name.
    static func signatureTable(_ tags: [Tag], in r: RepositoryContents) -> String {
        var rows = [["SIGNATURE TAG", "FOR", "DIGEST", "TYPE", "SIZE"]]
        for t in tags {
            guard let subject = SignatureTag.subject(of: t.name) else { continue }
            let kind = t.name.split(separator: ".", maxSplits: 1).dropFirst().first.map { ".\($0)" } ?? "referrers"
            let subjectTags = r.tags.filter { $0.current == subject && !SignatureTag.isSignatureTag($0.name) }.map(\.name)
            let rev = t.current.flatMap { r.revision($0) }
            rows.append([
                kind, subjectTags.isEmpty ? subject.short : subjectTags.map(SafeText.escaping).joined(separator: ","),
                t.current.map { $0.short } ?? "(none)", rev?.format?.shortName ?? "-", t.current.map { ByteCount.format(r.size(of: $0)) } ?? "-",
            ])
        }
        return table(rows)
    }

    /// A tag for a narrow column: a signature tag keeps its subject's first 12 hex digits and its kind
    /// (`sha256-cd2077aaa34b….sig`).
    static func shortTag(_ tag: String) -> String {
        guard SignatureTag.isSignatureTag(tag) else { return SafeText.escaping(tag) }
        let hex = tag.dropFirst("sha256-".count)
        let suffix = hex.firstIndex(of: ".").map { String(hex[$0...]) } ?? ""
        return "sha256-" + hex.prefix(12) + "…" + suffix
    }

    static func problemSummary(_ problems: [Problem]) -> String {
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.filter { $0.severity == .warning }.count
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        return parts.isEmpty ? "ok" : parts.joined(separator: ", ")
    }

    static func platforms(_ rev: ManifestRevision?, in repo: RepositoryContents) -> String {
        guard let rev else { return "-" }
        if let children = rev.manifest?.children, !children.isEmpty {
            return children.compactMap { $0.platform?.description }.joined(separator: ",")
        }
        guard let c = rev.config else { return "-" }
        return Platform(architecture: c.architecture, os: c.os, variant: c.variant).description
    }

    /// Cells are escaped here, before widths are measured, so store text (a platform, a tag) cannot break a row.
    static func table(_ cells: [[String]]) -> String {
        let rows = cells.map { $0.map(SafeText.escaping) }
        guard let header = rows.first else { return "" }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
