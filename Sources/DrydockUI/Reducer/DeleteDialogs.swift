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
        var gc = "Garbage collection would then free \(Format.size(plan.reclaimableBytes))"
        gc += " (\(Format.plural(plan.reclaimableBlobs.count, "blob")))"
        if plan.reclaimableBytesDeletingUntagged > plan.reclaimableBytes {
            gc += "; with --delete-untagged \(Format.size(plan.reclaimableBytesDeletingUntagged))"
        }
        lines.append(gc + ".")
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

    /// The garbage collection screen: the plan, and a typed `yes` that the registry is stopped.
    static func gc(_ plan: GCPlan) -> Dialog {
        var lines = [
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
