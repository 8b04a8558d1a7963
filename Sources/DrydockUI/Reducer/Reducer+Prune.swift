import Foundation
import RegistryStorage

extension Reducer {
    /// `P`: the prune form, for the repository on screen or, on the repository list, for every repository.
    static func openPrune(_ s: inout AppState) {
        s.overlay = .prune(PruneForm(repository: s.top.id.repository))
    }

    /// Keys in the prune form: Tab ↑↓ move between fields, typing edits, Space toggles, Enter plans (and, once the
    /// plan on screen is of the rules as they stand, asks to apply it), Esc cancels.
    static func pruneKey(_ s: inout AppState, _ form: PruneForm, _ key: Key) -> [Effect] {
        var f = form
        let fields = PruneForm.Field.allCases
        switch key {
        case .escape:
            s.overlay = nil
            s.message = Banner(.info, "Cancelled: nothing was changed.")
            return []
        case .tab, .down:
            f.field = fields[(f.field.rawValue + 1) % fields.count]
        case .backTab, .up:
            f.field = fields[(f.field.rawValue + fields.count - 1) % fields.count]
        case .enter:
            if let preview = f.preview {
                return confirmPrune(&s, preview)
            }
            return planPrune(&s, f)
        case .char(" ") where f.field == .untagged:
            f.untagged.toggle()
            edited(&f)
        case .char(" ") where f.field == .order:
            let orders = TagOrder.allCases
            f.order = orders[((orders.firstIndex(of: f.order) ?? 0) + 1) % orders.count]
            edited(&f)
        case .char(let c):
            guard let text = f.text, text.count < 200 else { return [] }
            f.text = text + String(c)
            edited(&f)
        case .backspace, .delete:
            guard let text = f.text, !text.isEmpty else { return [] }
            f.text = String(text.dropLast())
            edited(&f)
        case .ctrl("u"):
            guard f.text != nil else { return [] }
            f.text = ""
            edited(&f)
        default:
            return []
        }
        s.overlay = .prune(f)
        return []
    }

    /// An edit makes the preview on screen, and the one being built, stale: drop both, so Enter plans again before
    /// anything can be applied.
    private static func edited(_ f: inout PruneForm) {
        f.preview = nil
        f.planning = nil
        f.error = nil
    }

    private static func planPrune(_ s: inout AppState, _ form: PruneForm) -> [Effect] {
        var f = form
        switch f.request() {
        case .failure(let e):
            f.error = e.message
            s.overlay = .prune(f)
            return []
        case .success(let request):
            guard f.planning != request else { return [] }
            f.error = nil
            f.planning = request
            s.overlay = .prune(f)
            return [.planPrune(request)]
        }
    }

    /// A preview came back: shown if the form still asks for the same rules (an edit meanwhile makes it stale).
    static func prunePlanned(_ s: inout AppState, _ request: PruneRequest, _ result: Result<PrunePreview, UIError>) {
        guard case .prune(var f)? = s.overlay, f.planning == request else { return }
        f.planning = nil
        switch result {
        case .failure(let e): f.error = "Cannot plan the prune: \(e.message)"
        case .success(let preview): f.preview = preview
        }
        s.overlay = .prune(f)
    }

    /// Enter on a shown plan: the delete gate, then a confirmation by typing the count of removed tags.
    private static func confirmPrune(_ s: inout AppState, _ preview: PrunePreview) -> [Effect] {
        // A plan that removes nothing is said as such, whatever the gate.
        guard preview.delete != nil else {
            s.overlay = .dialog(PruneText.confirm(preview))
            return []
        }
        guard case .enabled = s.deleteGate else {
            refuseDisabledDelete(&s)
            return []
        }
        guard notBusy(&s) else { return [] }
        s.overlay = .dialog(PruneText.confirm(preview))
        return []
    }
}

/// The text of the prune preview and its confirmation, built from the core's plans. Pure.
enum PruneText {
    /// Each repository in scope: every candidate kept (with why) or removed (with its push time), then the manifests
    /// removed, then what the whole prune removes and what a garbage collection would then free.
    static func lines(_ preview: PrunePreview) -> [String] {
        let plan = preview.plan
        var lines: [String] = []
        for r in plan.repositories {
            var head = "\(Format.safe(r.name)): keeps \(r.keep.count), removes \(r.remove.count) of \(Format.plural(r.candidateCount, "tag"))"
            if !r.manifests.isEmpty { head += ", \(Format.plural(r.manifests.count, "untagged manifest"))" }
            lines.append(head)
            for k in r.keep { lines.append("  keep    \(Format.safe(k.tag))  \(Format.safe(k.reason ?? ""))") }
            for t in r.remove { lines.append("  remove  \(Format.safe(t.tag))  pushed \(pushed(t.pushed))") }
            for t in r.removeSignatureTags { lines.append("  remove  \(Format.safe(t.tag))  \(Format.safe(t.reason ?? ""))") }
            for d in r.manifests { lines.append("  remove  manifest \(d.short)") }
        }
        if plan.repositories.isEmpty { lines.append("No repository in scope.") }
        for w in plan.warnings.prefix(3) { lines.append("! " + Format.safe(w)) }
        guard let delete = preview.delete else {
            lines.append("Nothing to prune: these rules keep every tag.")
            return lines
        }
        var total = "Removes \(Format.plural(plan.removedTagCount, "tag")) and \(Format.plural(plan.removedManifestCount, "manifest"))"
        total += "; garbage collection would then free \(Format.size(delete.reclaimableBytes)) (\(Format.plural(delete.reclaimableBlobs.count, "blob")))."
        lines.append(total)
        if let refusal = delete.refusal { lines.append("✗ Refused: " + Format.safe(refusal)) }
        if delete.breaksPulls { lines.append("✗ Refused: the prune would remove index children that kept tags need.") }
        return lines
    }

    static func pushed(_ date: Date?) -> String {
        guard let date else { return "unknown" }
        return Format.created(ISO8601DateFormatter().string(from: date))
    }

    /// The confirmation: the removed tags' count must be typed (the manifests' when only manifests go).
    static func confirm(_ preview: PrunePreview) -> Dialog {
        let plan = preview.plan
        guard let delete = preview.delete else {
            return Dialog(title: "Nothing to prune", lines: ["These rules keep every tag."], kind: .info)
        }
        if let refusal = delete.refusal {
            return Dialog(title: "Pruning is refused", lines: [Format.safe(refusal)], kind: .info)
        }
        if delete.breaksPulls {
            // As `drydock prune` refuses: an index child that kept tags pull is not garbage.
            return Dialog(title: "Pruning is refused", lines: ["The prune would remove index children that kept tags need."], kind: .info)
        }
        let scope = plan.repositories.count == 1 ? Format.safe(plan.repositories[0].name) : Format.plural(plan.repositories.count, "repository")
        let what = "\(Format.plural(plan.removedTagCount, "tag")) and \(Format.plural(plan.removedManifestCount, "manifest"))"
        let required = String(plan.removedTagCount > 0 ? plan.removedTagCount : plan.removedManifestCount)
        let lines = [
            "Prune \(scope): remove \(what)?",
            DeleteDialogs.frees(delete),
            "Type \(required) to confirm.",
            "One journal entry: u undoes the whole prune while garbage collection has not run.",
        ]
        return Dialog(
            title: "Prune?", lines: lines, kind: .confirm(.delete(delete, label: "prune of \(scope) (\(what))", force: false)),
            requiredText: required)
    }
}
