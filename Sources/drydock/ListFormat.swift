import ArgumentParser
import RegistryStorage

/// `ls --format TEMPLATE`: one line per row, with `{{.Field}}` placeholders (the Docker CLI's spelling, without the
/// rest of Go templates) replaced by that row's values. Store text is escaped; sizes are bytes, digests whole.
struct ListFormat {
    enum Piece: Equatable {
        case text(String)
        case field(String)
    }

    /// Rows of the whole-store listing: one per repository.
    static let repositoryFields = ["Repository", "Tags", "Manifests", "Untagged", "Size", "Unique", "Problems"]
    /// Rows of a repository (or a tag or manifest of it): one per tag shown.
    static let tagFields = ["Repository", "Tag", "Digest", "Type", "Platform", "Created", "Size"]

    let pieces: [Piece]

    /// Parses `template`; a placeholder naming no field of `fields` is a usage error that lists them.
    init(_ template: String, fields: [String]) throws {
        var pieces: [Piece] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ValidationError("--format: \"{{\" without \"}}\"")
            }
            let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let name = inside.hasPrefix(".") ? String(inside.dropFirst()) : ""
            guard fields.contains(name) else {
                throw ValidationError("--format: unknown field \"{{\(inside)}}\" here; fields: " + fields.map { "{{.\($0)}}" }.joined(separator: " "))
            }
            pieces.append(.field(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    /// One output line; `values` holds store text unescaped, it is escaped here.
    func line(_ values: [String: String]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let t): return t
            case .field(let f): return SafeText.escaping(values[f] ?? "")
            }
        }.joined()
    }

    static func values(_ line: ListTable.RepositoryLine, sizes: StoreIndex.RepositorySizes?) -> [String: String] {
        [
            "Repository": line.name, "Tags": "\(line.tags)", "Manifests": "\(line.manifests)", "Untagged": "\(line.untagged)",
            "Size": "\(sizes?.total ?? 0)", "Unique": "\(sizes?.unique ?? 0)", "Problems": line.problems,
        ]
    }

    static func values(_ tag: Tag, in repo: RepositoryContents) -> [String: String] {
        let rev = tag.current.flatMap { repo.revision($0) }
        return [
            "Repository": repo.name, "Tag": tag.name, "Digest": tag.current?.description ?? "",
            "Type": rev?.format?.shortName ?? "", "Platform": ListTable.platforms(rev, in: repo),
            "Created": rev?.config?.created ?? "", "Size": tag.current.map { "\(repo.size(of: $0))" } ?? "",
        ]
    }
}
