import Foundation
import RegistryStorage

/// The `drydock ls --json` document (keys sorted, so output is stable for diffs and scripts).
struct ListReport: Encodable {
    struct ProblemJSON: Encodable {
        var severity: String
        var code: String
        var path: String?
        var message: String

        init(_ p: Problem) {
            severity = p.severity.rawValue
            code = p.code.rawValue
            path = p.path?.description
            message = p.message
        }
    }

    struct TagJSON: Encodable {
        var name: String
        var digest: String?
        var history: [String]
        var problems: [ProblemJSON]
    }

    struct ReferenceJSON: Encodable {
        var digest: String
        var mediaType: String?
        var size: Int64?
        var platform: String?
    }

    struct ManifestJSON: Encodable {
        var digest: String
        var mediaType: String?
        /// Bytes of every blob the manifest needs (itself, config, layers; for an index its children's too).
        var size: Int64
        var tags: [String]
        var references: [ReferenceJSON]
        var subject: ReferenceJSON?
        var artifactType: String?
        var placement: [String]
        var platform: String?
        var created: String?
        var signatureLinks: [String]
        var problems: [ProblemJSON]
    }

    struct UploadJSON: Encodable {
        var id: String
        var startedAt: String?
        var size: Int64?
    }

    struct RepositoryJSON: Encodable {
        var name: String
        var listedByRegistry: Bool
        var tags: [TagJSON]
        var manifests: [ManifestJSON]
        var layers: [String]
        var uploads: [UploadJSON]
        var size: Int64
        var uniqueSize: Int64
        var problems: [ProblemJSON]
    }

    var store: String
    var repositories: [RepositoryJSON]
    var problems: [ProblemJSON]

    init(store: String, repositories: [RepositoryContents], index: StoreIndex, problems: [Problem]) {
        self.store = store
        self.problems = problems.map(ProblemJSON.init)
        self.repositories = repositories.map { repo in
            let sizes = index.sizes[repo.name] ?? StoreIndex.RepositorySizes(total: 0, unique: 0)
            return RepositoryJSON(
                name: repo.name,
                listedByRegistry: repo.entry.isListedByRegistry,
                tags: repo.tags.map {
                    TagJSON(name: $0.name, digest: $0.current?.description, history: $0.history.map(\.description), problems: $0.problems.map(ProblemJSON.init))
                },
                manifests: repo.revisions.map { ListReport.manifestJSON($0, in: repo) },
                layers: repo.layerLinks.map(\.digest.description),
                uploads: repo.uploads.map {
                    UploadJSON(id: $0.id, startedAt: $0.startedAt.map { ISO8601DateFormatter().string(from: $0) }, size: $0.size)
                },
                size: sizes.total,
                uniqueSize: sizes.unique,
                problems: repo.problems.map(ProblemJSON.init)
            )
        }
    }

    static func manifestJSON(_ r: ManifestRevision, in repo: RepositoryContents) -> ManifestJSON {
        let refs = (r.manifest?.references ?? []).map { d in
            ReferenceJSON(
                digest: d.digestText, mediaType: d.mediaType,
                size: d.size ?? d.digest.flatMap { repo.blobSize($0) }, platform: d.platform?.description)
        }
        var placement: [String] = []
        if r.placement.contains(.revisions) { placement.append("revisions") }
        if r.placement.contains(.layers) { placement.append("layers") }
        let platform = r.config.map { c in Platform(architecture: c.architecture, os: c.os, variant: c.variant).description }
        return ManifestJSON(
            digest: r.digest.description,
            mediaType: r.manifest?.format.mediaType,
            size: repo.size(of: r.digest),
            tags: r.tags,
            references: refs,
            subject: r.manifest?.subject.map { ReferenceJSON(digest: $0.digestText, mediaType: $0.mediaType, size: $0.size, platform: nil) },
            artifactType: r.manifest?.artifactType,
            placement: placement,
            platform: platform,
            created: r.config?.created,
            signatureLinks: r.signatureLinks.map(\.description),
            problems: r.problems.map(ProblemJSON.init)
        )
    }

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
