import RegistryStorage

extension Reducer {
    /// `d`: asks the delete gate, then asks for a preview (built off the UI thread); the dialog follows
    /// `deletePlanned`.
    static func delete(_ s: inout AppState) -> [Effect] {
        guard case .enabled = s.deleteGate else {
            refuseDisabledDelete(&s)
            return []
        }
        guard notBusy(&s) else { return [] }
        let requests = deleteRequests(&s)
        guard !requests.isEmpty else { return [] }
        s.message = Banner(.info, "Planning the delete of \(DeleteRequest.label(requests))…")
        return [.planDelete(requests, includeChildren: false)]
    }

    /// Says why the delete gate is closed, and where it is set.
    static func refuseDisabledDelete(_ s: inout AppState) {
        guard let reason = s.deleteGate.refusal else { return }
        s.overlay = .dialog(
            Dialog(
                title: "Deleting is disabled",
                lines: [reason.prefix(1).uppercased() + reason.dropFirst(), "Settings: \(DeleteGate.settings)."],
                kind: .info))
    }

    /// Space: marks or unmarks the selected tag or manifest.
    static func toggleMark(_ s: inout AppState) {
        switch s.top.id {
        case .tags, .revisions: break
        default:
            s.message = Banner(.info, "Space marks tags and manifests (on their lists) to delete several at once.")
            return
        }
        guard let row = selectedRow(&s), row.target != nil || row.id.isTag else { return }
        if s.top.list.marks.remove(row.id) == nil { s.top.list.marks.insert(row.id) }
        let n = s.top.list.marks.count
        s.message = Banner(.info, n == 0 ? "No marks." : "\(Format.plural(n, "item")) marked: d deletes them all.")
        moveCursor(&s) { $0 + 1 }
    }

    /// `A`, `I`, `C`: marks at scale. `marked(wasMarked)` decides each markable row the filter shows, so a filter then
    /// `A` then `d` deletes exactly what the filter matched; `clearAll` drops every mark, hidden ones too.
    static func bulkMark(_ s: inout AppState, clearAll: Bool = false, _ marked: (Bool) -> Bool) {
        switch s.top.id {
        case .tags, .revisions: break
        default:
            s.message = Banner(.info, "A, I and C mark tags and manifests (on their lists) to delete several at once.")
            return
        }
        var marks = s.top.list.marks
        if clearAll {
            marks = []
        } else {
            for row in visibleRows(s) where row.target != nil || row.id.isTag {
                if marked(marks.contains(row.id)) { marks.insert(row.id) } else { marks.remove(row.id) }
            }
        }
        s.top.list.marks = marks
        let n = marks.count
        s.message = Banner(.info, n == 0 ? "No marks." : "\(Format.plural(n, "item")) marked: d deletes them all.")
    }

    /// `u`: previews undoing the most recent journaled delete.
    static func undo(_ s: inout AppState) -> [Effect] {
        guard notBusy(&s) else { return [] }
        s.message = Banner(.info, "Reading the delete journal…")
        return [.previewUndo]
    }

    /// `X`: the garbage collection screen: plan first.
    static func collectGarbage(_ s: inout AppState) -> [Effect] {
        if case .readOnly(let reason) = s.deleteGate {
            s.overlay = .dialog(Dialog(title: "Garbage collection is refused", lines: [Format.safe(reason)], kind: .info))
            return []
        }
        guard notBusy(&s) else { return [] }
        s.message = Banner(.info, "Planning a garbage collection (marking every manifest, listing blobs)…")
        return [.planGarbageCollection]
    }

    static func notBusy(_ s: inout AppState) -> Bool {
        guard let op = s.operation else { return true }
        s.message = Banner(.info, "Wait: \(op)")
        return false
    }

    private static func deleteRequests(_ s: inout AppState) -> [DeleteRequest] {
        switch s.top.id {
        case .sharedBy, .space:
            // A list across repositories: deleting from it would be too easy to aim wrong.
            s.message = Banner(.info, "Open a manifest (Enter) to delete it.")
            return []
        case .repositories:
            guard case .repository(let name)? = selectedRow(&s)?.id else { return [] }
            return [.repository(name)]
        case .tags(let repo):
            if !s.top.list.marks.isEmpty {
                return s.top.list.marks.sorted().compactMap { id in
                    guard case .tag(let name) = id else { return nil }
                    return .tag(repository: repo, tag: name)
                }
            }
            guard case .tag(let name)? = selectedRow(&s)?.id else { return [] }
            return [.tag(repository: repo, tag: name)]
        case .revisions(let repo):
            if !s.top.list.marks.isEmpty {
                return s.top.list.marks.sorted().compactMap { id in
                    guard case .revision(let d) = id else { return nil }
                    return .manifest(repository: repo, digest: d)
                }
            }
            guard case .revision(let d)? = selectedRow(&s)?.id else { return [] }
            return [.manifest(repository: repo, digest: d)]
        case .manifest(let repo, let d, _):
            return [.manifest(repository: repo, digest: d)]
        case .layers(let repo, _):
            guard case .blob(_, let text)? = selectedRow(&s)?.id, let d = Digest(text) else {
                s.message = Banner(.info, "Select a layer or config line.")
                return []
            }
            return [.layer(repository: repo, digest: d)]
        }
    }

    // MARK: results

    static func handleWriteResult(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .deletePlanned(let requests, let children, let result):
            switch result {
            case .failure(let e):
                s.overlay = .dialog(Dialog(title: "Cannot delete", lines: [e.message], kind: .info))
            case .success(let plan):
                s.message = nil
                s.overlay = .dialog(DeleteDialogs.confirm(plan, requests, includeChildren: children))
            }
            return []
        case .undoPreviewed(let result):
            s.message = nil
            switch result {
            case .failure(let e): s.overlay = .dialog(Dialog(title: "Nothing to undo", lines: [e.message], kind: .info))
            case .success(let plan): s.overlay = .dialog(DeleteDialogs.undo(plan))
            }
            return []
        case .gcPlanned(let result):
            s.message = nil
            switch result {
            case .failure(let e): s.overlay = .dialog(Dialog(title: "Garbage collection", lines: [e.message], kind: .info))
            case .success(let modes):
                s.overlay = .dialog(DeleteDialogs.gcModes(modes))
                // The space view shows the same figures: no need to plan them twice.
                s.spacePlan = .planned(modes, generation: s.generation)
            }
            return []
        case .writeProgress(let text):
            // The busy banner of the running write shows how far it is.
            guard let operation = s.operation,
                let i = s.banners.firstIndex(where: { $0.kind == .info && $0.text.hasPrefix(Self.busyPrefix) })
            else { return [] }
            s.banners[i] = Banner(.info, Self.busyPrefix + operation + " " + SafeText.escaping(text))
            return []
        case .writeFinished(let label, let result):
            s.operation = nil
            s.banners.removeAll { $0.kind == .info && $0.text.hasPrefix(Self.busyPrefix) }
            switch result {
            case .failure(let e):
                // Read the store again: a refusal says it moved since the plan, and a write that failed part way
                // changed it. The marks stay, for another try.
                let effects = rescan(&s)
                s.message = Banner(.error, "✗ Cannot \(label): \(e.message)")
                return effects
            case .success(let text):
                for i in s.stack.indices { s.stack[i].list.marks = [] }
                let effects = rescan(&s)
                s.message = Banner(.info, "✓ \(text)")
                return effects
            }
        default:
            return []
        }
    }

    static let busyPrefix = "⋯ "

    /// y / n / c / Esc, or typing, in a confirm dialog.
    static func confirmKey(_ s: inout AppState, _ dialog: Dialog, _ pending: PendingAction, _ key: Key) -> [Effect] {
        if let required = dialog.requiredText {
            var d = dialog
            switch key {
            case .escape:
                s.overlay = nil
                s.message = Banner(.info, "Cancelled: nothing was changed.")
            case .enter:
                if d.typed == required {
                    s.overlay = nil
                    return start(&s, pending)
                }
                d.typed = ""
                s.overlay = .dialog(d)
                s.message = Banner(.warning, "Type exactly \(required) to confirm (Esc cancels).")
            case .backspace, .delete:
                if !d.typed.isEmpty { d.typed.removeLast() }
                s.overlay = .dialog(d)
            case .ctrl("u"):
                d.typed = ""
                s.overlay = .dialog(d)
            case .char(let c):
                if d.typed.count < 300 { d.typed.append(c) }
                s.overlay = .dialog(d)
            default: break
            }
            return []
        }
        switch key {
        case .char("y"), .char("Y"):
            s.overlay = nil
            return start(&s, pending)
        case .char("c"), .char("C"):
            guard let alternative = dialog.alternative else { return [] }
            s.overlay = nil
            return start(&s, alternative)
        case .char(let c) where c.isASCII && c.isNumber:
            guard let n = c.wholeNumberValue, n >= 1, n <= dialog.choices.count else { return [] }
            s.overlay = nil
            return start(&s, dialog.choices[n - 1].action)
        case .char("n"), .char("N"), .escape, .char("q"):
            s.overlay = nil
            s.message = Banner(.info, "Cancelled: nothing was changed.")
        default: break
        }
        return []
    }

    private static func start(_ s: inout AppState, _ pending: PendingAction) -> [Effect] {
        let effect: Effect
        let text: String
        switch pending {
        case .delete(let plan, let label, let force):
            (effect, text) = (.executeDelete(plan, label: label, force: force), "Deleting \(label)…")
        case .replanWithChildren(let requests):
            s.message = Banner(.info, "Planning the delete with the unreferenced children…")
            return [.planDelete(requests, includeChildren: true)]
        case .undo(let id):
            (effect, text) = (.undo(journalID: id), "Undoing \(SafeText.escaping(id))…")
        case .collectGarbage(let plan):
            let manifests = plan.manifests.isEmpty ? "" : "\(Format.plural(plan.manifests.count, "manifest")), "
            (effect, text) = (.collectGarbage(plan), "Collecting garbage: \(manifests)\(Format.plural(plan.blobs.count, "blob")), \(Format.size(plan.bytes))…")
        case .reviewGC(let plan):
            s.overlay = .dialog(DeleteDialogs.gc(plan))
            return []
        }
        s.operation = text
        s.banners.append(Banner(.info, busyPrefix + text))
        return [effect]
    }
}
