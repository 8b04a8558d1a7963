import RegistryStorage

/// The text of the delete, undo and garbage collection dialogs, built from the core's previews. Pure.
enum DeleteDialogs {
    static let shownPaths = 4

    /// The confirmation of a delete preview: what goes, what tags lose their target, what a GC would then free.
    /// A repository, or more than one item, must be confirmed by typing its name or the count.
    static func confirm(_ plan: DeletePlan, _ requests: [DeleteRequest], includeChildren: Bool) -> Dialog {
        let label = DeleteRequest.label(requests) + (includeChildren ? " and its unreferenced children" : "")
        if let refusal = plan.refusal {
            return Dialog(title: "Deleting is refused", lines: [refusal], kind: .info)
        }
        if plan.isEmpty {
            return Dialog(title: "Nothing to delete", lines: ["\(label) removes nothing."], kind: .info)
        }
        var lines = ["Delete \(label)?"]
        if plan.breaksPulls {
            // An index child is not garbage: deleting it breaks every tag that pulls the index for that platform.
            var broken = "BREAKS PULLS: \(plan.brokenPulls.count == 1 ? "an index child" : "\(plan.brokenPulls.count) index children") that kept tags need; afterwards these stop pulling:"
            for b in plan.brokenPulls.prefix(8) { broken += "\n  \(b.description)" }
            if plan.brokenPulls.count > 8 { broken += "\n  … and \(plan.brokenPulls.count - 8) more" }
            lines.append(broken)
        }
        var removed = "Removes \(Format.plural(plan.removals.count, "path")):"
        for r in plan.removals.prefix(shownPaths) { removed += "\n  \(Format.safe(r.path.description))" }
        if plan.removals.count > shownPaths { removed += "\n  … and \(plan.removals.count - shownPaths) more" }
        lines.append(removed)
        if plan.lostTags.isEmpty {
            lines.append("No tag loses its target.")
        } else {
            let names = plan.lostTags.map { "\(Format.safe($0.repository)):\(Format.safe($0.tag))" }
            lines.append("Tags losing their target: " + names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : ""))
        }
        if !plan.untaggedManifests.isEmpty {
            lines.append("Nothing reaches \(Format.plural(plan.untaggedManifests.count, "manifest")) any more (untagged).")
        }
        lines.append(frees(plan))
        for w in plan.warnings.prefix(3) { lines.append("! " + Format.safe(w)) }
        var alternative: PendingAction?
        if !plan.orphanedChildren.isEmpty && !includeChildren {
            lines.append(
                "This index has \(Format.plural(plan.orphanedChildren.count, "child manifest")) nothing else uses: "
                    + "c deletes them too, y keeps them (untagged).")
            alternative = .replanWithChildren(requests)
        }
        var required: String?
        if plan.breaksPulls, let repository = plan.brokenPulls.first?.repository {
            required = repository
        } else if requests.count > 1 {
            required = String(requests.count)
        } else if case .repository(let name) = requests.first {
            required = name
        }
        if let required {
            lines.append(
                plan.breaksPulls
                    ? "Type the repository name \(Format.safe(required)) to break those pulls anyway."
                    : "Type \(Format.safe(required)) to confirm.")
        }
        lines.append("Undo with u while garbage collection has not run.")
        return Dialog(
            title: plan.breaksPulls ? "Delete? This breaks pulls" : "Delete?", lines: lines,
            kind: .confirm(.delete(plan, label: label, force: plan.breaksPulls)), requiredText: required,
            alternative: required == nil ? alternative : nil)
    }

    /// The three moments space comes back: a delete removes link files only (blobs stay until a garbage collection),
    /// a plain gc then sweeps the blobs only this delete left unreferenced, and one with `--delete-untagged` also
    /// removes the manifests nothing reaches any more, and their blobs (docs/storage-format.md §6, §7).
    static func frees(_ plan: DeletePlan) -> String {
        let uploads = plan.removals.filter { if case .upload = $0.kind { true } else { false } }.count
        let now = uploads > 0 ? "link files and \(Format.plural(uploads, "unfinished upload"))" : "0 B of blobs (link files only)"
        return "Frees now: \(now).\nAfter gc (X, mode 1): \(Format.size(plan.reclaimableBytes))"
            + " (\(Format.plural(plan.reclaimableBlobs.count, "blob"))).\nAfter gc with untagged manifests (X, mode 2): "
            + "\(Format.size(max(plan.reclaimableBytes, plan.reclaimableBytesDeletingUntagged)))."
    }

    /// What undoing the most recent journal entry restores, or why it cannot.
    static func undo(_ plan: UndoPlan) -> Dialog {
        let id = Format.safe(plan.entry.id)
        let what = plan.entry.targets.prefix(3).map(Format.safe).joined(separator: ", ")
        if let refusal = plan.refusal {
            return Dialog(title: "Cannot undo", lines: ["Undo \(what) (\(id))?", Format.safe(refusal)], kind: .info)
        }
        var lines = ["Undo \(what) (journal \(id))?"]
        var restore = "Restores \(Format.plural(plan.restore.count, "link")):"
        // One line per tag, not per link file: its current link and history entries name the same tag.
        let groups = JournalLinkGroup.grouping(plan.restore)
        for group in groups.prefix(shownPaths) { restore += "\n  " + describe(group.head) }
        if groups.count > shownPaths { restore += "\n  … and \(groups.count - shownPaths) more" }
        lines.append(restore)
        if !plan.alreadyPresent.isEmpty { lines.append("\(Format.plural(plan.alreadyPresent.count, "link")) already back in place.") }
        if !plan.notRestorable.isEmpty {
            lines.append("Cannot be restored: " + plan.notRestorable.prefix(3).map(Format.safe).joined(separator: ", "))
        }
        return Dialog(title: "Undo?", lines: lines, kind: .confirm(.undo(journalID: plan.entry.id)))
    }

    static func describe(_ link: JournalLink) -> String {
        let repo = Format.safe(link.repository)
        switch link.kind {
        case .tagCurrent, .tagIndex: return "tag \(repo):\(Format.safe(link.tag ?? "?"))"
        case .revision: return "manifest \(repo)@\(Format.safe(link.digest ?? "?"))"
        case .layer: return "layer link \(repo) \(Format.safe(link.digest ?? "?"))"
        case .signature: return "signature link \(repo) \(Format.safe(link.signature ?? "?"))"
        }
    }

    /// The garbage collection screen (`X`): both modes with what each frees; `1` or `2` shows that plan to confirm.
    static func gcModes(_ modes: GCModes) -> Dialog {
        let plain = modes.orphanBlobs
        let untagged = modes.withUntagged
        var lines = [
            "1: orphan blobs only (as registry garbage-collect)\nfrees \(Format.size(plain.bytes)): "
                + "\(Format.plural(plain.blobs.count, "blob")), \(Format.plural(plain.layerLinks.count, "layer link"))",
            "2: also untagged manifests (--delete-untagged)\nfrees \(Format.size(untagged.bytes)): "
                + "\(Format.plural(untagged.manifests.count, "manifest")), \(Format.plural(untagged.blobs.count, "blob")), "
                + "\(Format.plural(untagged.layerLinks.count, "layer link"))",
        ]
        let blockers = plain.blockers + untagged.blockers.filter { !plain.blockers.contains($0) }
        if !blockers.isEmpty {
            lines.append("Cannot run safely: " + blockers.prefix(3).map(Format.safe).joined(separator: "; "))
            return Dialog(title: "Garbage collection", lines: lines, kind: .info)
        }
        if plain.isEmpty && untagged.isEmpty {
            lines.append("Nothing to collect: every blob and manifest is referenced.")
            return Dialog(title: "Garbage collection", lines: lines, kind: .info)
        }
        lines.append("Choose a mode to see its plan; nothing runs before you confirm it.")
        var dialog = Dialog(title: "Garbage collection", lines: lines, kind: .confirm(.reviewGC(plain)))
        dialog.choices = [("orphan blobs", .reviewGC(plain)), ("with untagged", .reviewGC(untagged))]
        return dialog
    }

    /// One mode's plan, and a typed `yes` that the registry is stopped.
    static func gc(_ plan: GCPlan) -> Dialog {
        var lines = [
            plan.deleteUntagged
                ? "Mode 2: with untagged manifests (--delete-untagged)."
                : "Mode 1: orphan blobs only (untagged manifests stay).",
            "Removes \(Format.plural(plan.blobs.count, "blob")) (\(Format.size(plan.bytes))), "
                + "\(Format.plural(plan.manifests.count, "manifest")) and \(Format.plural(plan.layerLinks.count, "layer link")); "
                + "\(Format.plural(plan.markedCount, "blob")) stay referenced."
        ]
        if !plan.keptAgainstRegistry.isEmpty || !plan.blobsKeptAgainstRegistry.isEmpty {
            lines.append(
                "Kept although registry 2.8.2's collector would delete them: "
                    + "\(Format.plural(plan.keptAgainstRegistry.count, "manifest")), \(Format.plural(plan.blobsKeptAgainstRegistry.count, "blob")).")
        }
        for n in plan.notes.prefix(3) { lines.append(Format.safe(n)) }
        if !plan.blockers.isEmpty {
            lines.append("Cannot run safely: " + plan.blockers.prefix(3).map(Format.safe).joined(separator: "; "))
            return Dialog(title: "Garbage collection", lines: lines, kind: .info)
        }
        if plan.isEmpty {
            lines.append("Nothing to collect.")
            return Dialog(title: "Garbage collection", lines: lines, kind: .info)
        }
        lines.append("Swept blobs cannot be restored, and undo of earlier deletes needs them.")
        lines.append("The registry must be stopped (or read-only): a push in progress would lose its blobs. Type yes if it is.")
        return Dialog(title: "Garbage collection", lines: lines, kind: .confirm(.collectGarbage(plan)), requiredText: "yes")
    }
}
