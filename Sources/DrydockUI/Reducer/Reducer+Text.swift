extension Reducer {
    /// Keys of the whole-line view: scroll, copy, close.
    static func textKey(_ s: inout AppState, _ view: TextView, _ key: Key) -> [Effect] {
        var v = view
        let page = max(1, TextOverlay.visibleLines(view, s.size) - 1)
        switch key {
        case .escape, .enter, .char("q"), .char("h"), .left:
            s.overlay = nil
            return []
        case .char("y"):
            s.overlay = nil
            return copy(&s, CopyMenu.Choice("value", view.copyText))
        case .char("j"), .down: v.scroll += 1
        case .char("k"), .up: v.scroll -= 1
        case .pageDown, .ctrl("f"), .char(" "): v.scroll += page
        case .pageUp, .ctrl("b"): v.scroll -= page
        case .char("g"), .home: v.scroll = 0
        case .char("G"), .end: v.scroll = Int.max / 2
        default: return []
        }
        v.scroll = min(max(0, v.scroll), TextOverlay.maxScroll(v, s.size))
        s.overlay = .text(v)
        return []
    }
}
