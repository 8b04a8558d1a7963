import RegistryStorage

/// Everything about one manifest, as labelled lines. Lines marked › open something: the layer list, an index's
/// children, the subject, referrers.
enum ManifestScreen {
    static let columns = [
        Column("FIELD", min: 8, max: 22, flexible: true),
        Column("VALUE", min: 10, max: 1000, flexible: true),
    ]

    // Not optimized: Swift 6.3.1's release pipeline crashes on this function (CopyPropagation "Found ownership
    // error" on the borrow of `ManifestRevision` and the switch over its manifest). It builds one screen per key press.
    @_optimize(none)
    static func content(_ repo: String, _ digest: Digest, tag: String?, _ state: AppState) -> ScreenContent {
        guard let contents = state.repositories[repo] else {
            return detail(Unavailable.content(title: "Manifest", columns: columns, repo: repo, state))
        }
        guard let rev = contents.revision(digest) else {
            return detail(
                ScreenContent(
                    title: "Manifest", columns: columns, rows: [],
                    placeholder: "\(digest) is not stored in \(Format.safe(repo))."))
        }
        var b = DetailBuilder()
        summary(&b, rev, contents)
        if let m = rev.manifest {
            if m.format.isIndex { children(&b, m, contents, state) } else { image(&b, rev, m, contents) }
            if let subject = m.subject {
                let stored = subject.digest.flatMap { contents.revision($0) } != nil
                b.section(
                    stored ? "Subject ›" : "Subject", .role(Format.safe(subject.digestText), .accent),
                    target: stored ? subject.digest.map { .manifest(repository: repo, digest: $0, tag: nil) } : nil)
            }
            if let type = m.artifactType { b.section("Artifact", StyledText(Format.safe(type))) }
            keyValues(&b, "Annotations", m.annotations)
        }
        verification(&b, state.verification(repo, digest), done: state.verification.done.contains(repo), keyGiven: state.verificationKeyGiven)
        referrers(&b, digest, contents, found: state.verification(repo, digest)?.referrers ?? [])
        problems(&b, rev.problems)
        let kind = rev.format.map { $0.isIndex ? "Index" : "Manifest" } ?? "Manifest"
        return detail(ScreenContent(title: "\(kind) \(digest.short)", columns: columns, rows: b.rows))
    }

    private static func detail(_ c: ScreenContent) -> ScreenContent {
        var c = c
        c.showsHeader = false
        c.sortable = false
        return c
    }

    private static func summary(_ b: inout DetailBuilder, _ rev: ManifestRevision, _ repo: RepositoryContents) {
        b.section("Digest", .role(rev.digest.description, .accent))
        if let f = rev.format {
            b.section("Media type", StyledText("\(f.mediaType) (\(f.shortName))"))
        } else {
            b.section("Media type", .role("unknown (the manifest could not be read)", .error))
        }
        let reach = ManifestReachability(repo)
        b.section(
            "Tags",
            rev.isTagged
                ? StyledText(rev.tags.map(Format.safe).joined(separator: ", "))
                : reach.summary(of: rev.digest, limit: 8).map { StyledText($0) } ?? .role("(untagged: nothing reaches it)", .muted))
        let needed = reach.pulls(needing: rev.digest).filter { $0.platform != nil }
        if !needed.isEmpty {
            b.section("Needed by", .role(needed.prefix(8).map(\.description).joined(separator: ", ") + (needed.count > 8 ? ", …" : ""), .warning))
        }
        b.section("Size", StyledText("\(Format.size(repo.size(of: rev.digest))) in all · manifest \(Format.size(rev.blob.size))"))
        var placement: [String] = []
        if rev.placement.contains(.revisions) { placement.append("_manifests/revisions") }
        if rev.placement.contains(.layers) { placement.append("_layers (seed-era link)") }
        let stored: StyledText =
            switch rev.blob {
            case .present: StyledText("linked in " + placement.joined(separator: " and "))
            case .missing: .role("✗ manifest blob missing", .error)
            case .notRegular(let k): .role("✗ manifest blob is a \(k), not a file", .error)
            case .unreadable(let why): .role("✗ unreadable: \(Format.safe(why))", .error)
            }
        b.section("Stored", stored)
    }

    private static func image(_ b: inout DetailBuilder, _ rev: ManifestRevision, _ m: Manifest, _ repo: RepositoryContents) {
        let layers = m.schema1?.fsLayers ?? m.layers
        let size = layers.compactMap { $0.digest.flatMap { repo.blobStates[$0]?.size } ?? $0.validSize }.saturatingSum()
        b.section(
            "Layers ›", StyledText("\(Format.plural(layers.count, "layer")), \(Format.size(size)) (Enter lists them)"),
            target: .layers(repository: repo.name, digest: rev.digest))
        if let config = m.config, m.schema1 == nil {
            b.section("Config", StyledText("\(Format.safe(config.digestText)) (\(Format.mediaType(config.mediaType)))"))
        }
        guard let c = rev.config else { return }
        b.section("Created", StyledText(Format.created(c.created)))
        b.section("Platform", StyledText(Format.platform(c) ?? "-"))
        keyValues(&b, "Labels", c.labels)
        b.section("History", StyledText(c.history.isEmpty ? "none" : Format.plural(c.history.count, "entry")))
        for (i, h) in c.history.enumerated() {
            let what = h.createdBy ?? h.comment ?? ""
            let text = "\(Format.created(h.created))  \(h.emptyLayer ? "(empty) " : "")\(Format.safe(what))"
            b.item("  \(i + 1)", StyledText(text))
        }
    }

    private static func children(_ b: inout DetailBuilder, _ m: Manifest, _ repo: RepositoryContents, _ state: AppState) {
        b.section("Children", StyledText(Format.plural(m.children.count, "manifest") + " (Enter opens one)"))
        for child in m.children {
            let platform =
                child.platform.map { Format.safe($0.description) } ?? child.artifactType.map(Format.mediaType) ?? "(no platform)"
            guard let d = child.digest, repo.revision(d) != nil else {
                b.item("  \(platform)", .role("\(Format.safe(child.digestText)) ✗ not stored in this repository", .error))
                continue
            }
            let mark = Marks.verify(state, repo.name, d)
            let text = "\(d.short)  \(Format.mediaType(child.mediaType))  \(Format.size(repo.size(of: d)))  \(mark.text)"
            b.item("  › \(platform)", StyledText(text), target: .manifest(repository: repo.name, digest: d, tag: nil))
        }
    }

    private static func keyValues(_ b: inout DetailBuilder, _ title: String, _ values: [String: String]) {
        guard !values.isEmpty else {
            if title == "Labels" { b.section(title, .role("none", .muted)) }
            return
        }
        b.section(title, StyledText(Format.plural(values.count, title == "Labels" ? "label" : "annotation")))
        for (k, v) in values.sorted(by: { $0.key < $1.key }) {
            b.item("", StyledText("\(Format.safe(k)) = \(Format.safe(v))"))
        }
    }

    private static func verification(_ b: inout DetailBuilder, _ v: ManifestVerification?, done: Bool, keyGiven: Bool) {
        guard let v else {
            b.section("Verification", .role(done ? "no results (press v to verify deeply)" : "checking…", .muted))
            b.section("Signature", .role(done ? "-" : "checking…", .muted))
            return
        }
        let status = Marks.status(v)
        let failed = v.checks.filter { $0.status == .fail }.count
        let warned = v.checks.filter { $0.status == .warning }.count
        let summary =
            failed > 0 ? "\(status.mark) \(failed) failed" : warned > 0 ? "\(status.mark) \(Format.plural(warned, "warning"))" : "\(status.mark) all checks passed"
        b.section("Verification", StyledText(summary, .role(Marks.role(status))))
        for check in v.checks {
            b.item("  \(check.status.mark) \(check.name.rawValue)", StyledText(Format.safe(check.detail), .role(Marks.role(check.status))))
        }
        let sig = v.signature
        // "unsigned" names no mechanism: nothing was found by any of them.
        let headline =
            switch sig.status {
            case .unsigned: sig.status.mark
            case .signedUnverified: "\(Marks.unverifiedSignature(keyGiven: keyGiven)) (\(sig.kind.rawValue))"
            default: "\(sig.status.mark) (\(sig.kind.rawValue))"
            }
        b.section("Signature", StyledText(headline, .role(Marks.signature(sig.status))))
        for s in v.signatures.isEmpty ? [sig] : v.signatures {
            if !s.keyIDs.isEmpty { b.item("  key IDs", .role(s.keyIDs.map(Format.safe).joined(separator: ", "), .accent)) }
            if let alg = s.algorithm { b.item("  algorithm", StyledText(Format.safe(alg))) }
            if let source = s.source { b.item("  source", StyledText(Format.safe(source))) }
            if !s.detail.isEmpty { b.item("  \(Marks.signatureWord(s.status, keyGiven: keyGiven))", StyledText(Format.safe(s.detail))) }
        }
    }

    /// Manifests whose subject is this one, cosign `<alg>-<hex>.sig/.att/.sbom` tags, and what verification found
    /// besides (the referrers fallback tag).
    private static func referrers(_ b: inout DetailBuilder, _ digest: Digest, _ repo: RepositoryContents, found: [Referrer]) {
        let bySubject = repo.revisions.filter { $0.manifest?.subject?.digest == digest }
        let prefix = "\(digest.algorithm.name)-\(digest.hex)."
        let cosign = repo.tags.filter { $0.name.hasPrefix(prefix) && ["sig", "att", "sbom"].contains($0.name.dropFirst(prefix.count)) }
        let listed = Set(bySubject.map(\.digest) + cosign.compactMap(\.current))
        var seen = Set<Digest>()
        let others = found.filter { !listed.contains($0.digest) && seen.insert($0.digest).inserted }
        guard !bySubject.isEmpty || !cosign.isEmpty || !others.isEmpty else {
            b.section("Referrers", .role("none", .muted))
            return
        }
        b.section("Referrers", StyledText(Format.plural(bySubject.count + cosign.count + others.count, "referrer")))
        for r in bySubject {
            let type = r.manifest?.effectiveArtifactType.map(Format.safe) ?? Format.mediaType(r.format?.mediaType)
            b.item("  › subject of", StyledText("\(r.digest.short)  \(type)"), target: .manifest(repository: repo.name, digest: r.digest, tag: nil))
        }
        for t in cosign {
            let kind = t.name.hasSuffix(".sig") ? "cosign signature" : t.name.hasSuffix(".att") ? "cosign attestation" : "cosign SBOM"
            let target = t.current.map { ScreenID.manifest(repository: repo.name, digest: $0, tag: t.name) }
            b.item("  › \(kind)", StyledText("tag \(Format.safe(t.name)) → \(Format.digestShort(t.current))"), target: target)
        }
        for r in others {
            let stored = repo.revision(r.digest) != nil
            let via = r.tag.map { "\(r.via.rawValue) \(Format.safe($0))" } ?? r.via.rawValue
            let text = "\(r.digest.short)  \(r.artifactType.map(Format.safe) ?? "-")  (\(via))"
            b.item(
                stored ? "  › referrer" : "  referrer", StyledText(text),
                target: stored ? .manifest(repository: repo.name, digest: r.digest, tag: nil) : nil)
        }
    }

    private static func problems(_ b: inout DetailBuilder, _ problems: [Problem]) {
        guard !problems.isEmpty else { return }
        b.section("Problems", .role(Format.plural(problems.count, "problem"), .warning))
        for p in problems {
            let mark = p.severity == .error ? "✗" : p.severity == .warning ? "!" : "·"
            let role: ColorRole = p.severity == .error ? .error : p.severity == .warning ? .warning : .muted
            b.item("  \(mark) \(p.code.rawValue)", StyledText(Format.safe(p.message), .role(role)))
        }
    }
}

/// Rows of a detail screen. Ids are section/position, so a section growing does not move the selection elsewhere.
struct DetailBuilder {
    private(set) var rows: [Row] = []
    private var sectionName = ""
    private var itemIndex = 0

    mutating func section(_ label: String, _ value: StyledText, target: ScreenID? = nil) {
        sectionName = label
        itemIndex = 0
        rows.append(Row(id: .section(label), cells: [StyledText(label, CellStyle(role: .header, bold: true)), value], target: target))
    }

    mutating func item(_ label: String, _ value: StyledText, target: ScreenID? = nil) {
        itemIndex += 1
        rows.append(Row(id: .detail(section: sectionName, item: itemIndex), cells: [StyledText(label), value], target: target))
    }
}

extension Marks {
    static func signature(_ s: SignatureState) -> ColorRole {
        switch s {
        case .valid: .ok
        case .invalid: .error
        case .signedUnverified: .warning
        case .stripped, .unsigned: .muted
        }
    }
}
