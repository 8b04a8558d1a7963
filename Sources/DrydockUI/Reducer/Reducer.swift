import RegistryStorage

/// The whole of the UI's behaviour: a pure function from a state and an action to a new state and the work to do.
public func reduce(_ state: AppState, _ action: Action) -> (AppState, [Effect]) {
    var s = state
    let effects = Reducer.apply(&s, action)
    return (s, effects)
}

enum Reducer {
    static func apply(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .start:
            return [.loadCatalog(generation: s.generation)]
        case .key(let key):
            s.message = nil
            let effects = handleKey(&s, key)
            // A change seen while a dialog was open is read once the screen is free again.
            if s.refreshPending && canRefresh(s) { return effects + refresh(&s) }
            return effects
        case .mouse(let event):
            return handleMouse(&s, event)
        case .resize(let size):
            s.size = size
            settle(&s)
            return []
        case .catalogEntry, .catalogLoaded, .catalogFailed, .repositoryLoaded, .indexBuilt, .verificationLoaded,
            .deepVerifyProgress, .deepVerifyFinished, .scanFinished, .storeChanged:
            return handleResult(&s, action)
        case .deletePlanned, .undoPreviewed, .gcPlanned, .writeFinished, .writeProgress:
            return handleWriteResult(&s, action)
        case .prunePlanned(let request, let result):
            prunePlanned(&s, request, result)
            return []
        case .spacePlanned(let result, let g):
            spacePlanned(&s, result, generation: g)
            return []
        }
    }

    // MARK: keys

    static func handleKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch s.overlay {
        case .dialog(let dialog)?: return dialogKey(&s, dialog, key)
        case .prune(let form)?: return pruneKey(&s, form, key)
        case .copy(let menu)?: return copyKey(&s, menu, key)
        case .text(let view)?: return textKey(&s, view, key)
        case .help(let scroll)?:
            helpKey(&s, scroll, key)
            return []
        case nil: break
        }
        if s.top.list.editingFilter { return filterKey(&s, key) }
        guard let command = KeyMap.command(for: key) else { return [] }
        return run(&s, command)
    }

    static func run(_ s: inout AppState, _ command: Command) -> [Effect] {
        switch command {
        case .down: moveCursor(&s) { $0 + 1 }
        case .up: moveCursor(&s) { $0 - 1 }
        case .pageDown:
            let page = max(1, layout(s).bodyHeight - 1)
            moveCursor(&s) { $0 + page }
        case .pageUp:
            let page = max(1, layout(s).bodyHeight - 1)
            moveCursor(&s) { $0 - page }
        case .first: moveCursor(&s) { _ in 0 }
        case .last: moveCursor(&s) { _ in Int.max / 2 }
        case .open: return open(&s)
        case .back: back(&s)
        case .switchView: return switchView(&s)
        case .filter:
            s.top.list.editingFilter = true
            settle(&s)
        case .sort: sort(&s)
        case .reverseSort: reverseSort(&s)
        case .help: s.overlay = .help(scroll: 0)
        case .quit:
            s.quitRequested = true
            return [.quit]
        case .verify: return deepVerify(&s)
        case .rescan: return rescan(&s)
        case .delete: return delete(&s)
        case .mark: toggleMark(&s)
        case .markAll: bulkMark(&s) { _ in true }
        case .invertMarks: bulkMark(&s) { !$0 }
        case .clearMarks: bulkMark(&s, clearAll: true) { _ in false }
        case .undo: return undo(&s)
        case .collectGarbage: return collectGarbage(&s)
        case .prune: openPrune(&s)
        case .copy: return copy(&s)
        case .spaceView: return openSpace(&s)
        }
        return []
    }

    static func dialogKey(_ s: inout AppState, _ dialog: Dialog, _ key: Key) -> [Effect] {
        switch dialog.kind {
        case .info:
            if [.escape, .enter, .char("q"), .char("y"), .char("n"), .char(" ")].contains(key) { s.overlay = nil }
            return []
        case .confirm(let pending):
            return confirmKey(&s, dialog, pending, key)
        }
    }

    static func helpKey(_ s: inout AppState, _ scroll: Int, _ key: Key) {
        let page = max(1, HelpOverlay.visibleLines(s.size) - 1)
        let last = HelpOverlay.maxScroll(s.size)
        let next: Int
        switch key {
        case .escape, .char("?"), .char("q"), .enter, .function(1):
            s.overlay = nil
            return
        case .char("j"), .down: next = scroll + 1
        case .char("k"), .up: next = scroll - 1
        case .pageDown, .ctrl("f"), .char(" "): next = scroll + page
        case .pageUp, .ctrl("b"): next = scroll - page
        case .char("g"), .home: next = 0
        case .char("G"), .end: next = last
        default: return
        }
        // Clamped here (not only when drawn), so k right after G moves at once.
        s.overlay = .help(scroll: min(max(0, next), last))
    }

    static func filterKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        switch key {
        case .escape:
            s.top.list.filter = ""
            s.top.list.editingFilter = false
            settle(&s)
        case .enter:
            s.top.list.editingFilter = false
            s.top.list.cursor = 0
            s.top.list.selectedID = nil
            s.top.list.scroll = 0
            settle(&s)
            if visibleRows(s).isEmpty { s.message = Banner(.warning, "Nothing matches \"\(s.top.list.filter)\".") }
        case .backspace, .delete:
            if s.top.list.filter.isEmpty {
                s.top.list.editingFilter = false
            } else {
                s.top.list.filter.removeLast()
            }
            jumpToFirstMatch(&s)
        case .char(let c):
            s.top.list.filter.append(c)
            jumpToFirstMatch(&s)
        case .down: moveCursor(&s) { $0 + 1 }
        case .up: moveCursor(&s) { $0 - 1 }
        case .pageDown, .pageUp, .home, .end:
            if let command = KeyMap.command(for: key) { _ = run(&s, command) }
        case .ctrl("u"):
            s.top.list.filter = ""
            jumpToFirstMatch(&s)
        default: break
        }
        return []
    }

    private static func jumpToFirstMatch(_ s: inout AppState) {
        s.top.list.cursor = 0
        s.top.list.scroll = 0
        s.top.list.selectedID = nil
        settle(&s)
    }

    // MARK: mouse

    static func handleMouse(_ s: inout AppState, _ event: MouseEvent) -> [Effect] {
        if case .help(let scroll)? = s.overlay {
            if event.kind == .wheelDown { s.overlay = .help(scroll: min(scroll + 3, HelpOverlay.maxScroll(s.size))) }
            if event.kind == .wheelUp { s.overlay = .help(scroll: max(0, scroll - 3)) }
            return []
        }
        guard s.overlay == nil else { return [] }
        switch event.kind {
        case .wheelDown: moveCursor(&s) { $0 + 3 }
        case .wheelUp: moveCursor(&s) { $0 - 3 }
        case .press:
            settle(&s)
            let l = layout(s)
            guard l.body.contains(event.row) else { return [] }
            let index = s.top.list.scroll + (event.row - l.body.lowerBound)
            let rows = visibleRows(s)
            guard index < rows.count else { return [] }
            if index == s.top.list.cursor && rows[index].id == s.top.list.selectedID {
                return open(&s)
            }
            moveCursor(&s) { _ in index }
        case .release, .other: break
        }
        return []
    }
}
