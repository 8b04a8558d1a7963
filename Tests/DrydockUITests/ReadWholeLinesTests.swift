import RegistryStorage
import Testing
@testable import DrydockUI

/// Truncated text can be read: Enter on a line that opens nothing shows it whole (wrapped, scrollable, copyable), and
/// a layer's line opens the repositories and manifests sharing it.
@Suite struct ReadWholeLinesTests {
    static let small = GridSize(rows: 24, cols: 80)

    @Test func aLayerOpensTheManifestsSharingIt() async throws {
        let (f, app, _, _, amd64, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: Self.small)
        // team/app:latest → its layers → the base layer (line 1 after the config).
        press(&s, .char("j"), .enter, .enter)
        press(&s, .char("/"))
        type(&s, "layers")
        press(&s, .enter, .enter)
        #expect(s.top.id == .layers(repository: "team/app", digest: app.manifest))
        press(&s, .char("j"))
        #expect(s.screen.lines[23].hasPrefix(" Enter shared by"))
        press(&s, .enter)
        #expect(s.top.id == .sharedBy(app.layers[0]))
        let text = s.text
        // The base layer: team/app's two images, team/multi's two children, base's image.
        #expect(text.contains("3 repos, 5 manifests"), "\(text)")
        #expect(text.contains("shared by › sha256:\(app.layers[0].short)"))
        #expect(text.contains("in multi (linux/") && text.contains("latest, v1") && text.contains("(untagged)"), "\(text)")
        let ids = Reducer.visibleRows(s).map(\.id.label)
        #expect(ids.count == 5 && ids.first == "base@\(f.baseManifest(s))" && ids.contains("team/app@\(app.manifest)"))
        // Enter opens one of them; Esc comes back to the list.
        while s.top.list.selectedID?.label != "team/multi@\(amd64.manifest)" { press(&s, .char("j")) }
        press(&s, .enter)
        #expect(s.top.id == .manifest(repository: "team/multi", digest: amd64.manifest, tag: nil))
        press(&s, .escape)
        #expect(s.top.id == .sharedBy(app.layers[0]))
        // d does not delete from a list across repositories.
        #expect(press(&s, .char("d")).isEmpty)
    }

    @Test func enterShowsALongValueWholeAndItScrollsAndCopies() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        let long = (1...400).map { "word\($0)" }.joined(separator: " ") + " " + String(repeating: "x", count: 150) + " END"
        f.image("long", tags: ["t"], layers: ["long layer"], labels: ["note": long])
        var s = try await f.loadedState(size: Self.small)
        while s.top.list.selectedID?.label != "long" { press(&s, .char("j")) }
        press(&s, .enter, .enter, .char("/"))
        type(&s, "note")
        press(&s, .enter)
        #expect(!s.text.contains("END"), "cut at the screen edge")
        press(&s, .enter)
        guard case .text(let view)? = s.overlay else {
            Issue.record("Enter did not open the line")
            return
        }
        #expect(view.copyText == "note = \(long)")
        let lines = TextOverlay.lines(view, width: TextOverlay.width(Self.small) - 4)
        // Nothing lost: the 150 x's are broken over lines, not cut.
        #expect(lines.joined().filter { $0 == "x" }.count == 150)
        #expect(lines.allSatisfy { $0.count <= 72 })
        #expect(s.text.contains("word1 word2") && !s.text.contains("END"))
        #expect(s.screen.lines[23].contains("y copy") && s.screen.lines[23].contains("Esc close"))
        press(&s, .char("G"))
        let last = TextOverlay.maxScroll(view, Self.small)
        #expect(last > 0)
        #expect(s.overlay == .text({ var v = view; v.scroll = last; return v }()))
        #expect(s.text.contains("END"))
        press(&s, .char("k"), .char("g"))
        #expect(s.text.contains("word1 word2"))
        // y copies the whole value.
        let effects = press(&s, .char("y"))
        #expect(effects.map(\.summary) == ["copyToClipboard(note = \(long))"])
        #expect(s.overlay == nil)
    }

    @Test func aListLineShowsEveryColumnWhole() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: Self.small)
        press(&s, .char("j"), .enter)
        // A dangling tag opens nothing: Enter shows its columns, titled.
        f.tag("team/app", "dangling", Digest.sha256(of: Array("nothing".utf8)))
        s = try await f.loadedState(size: Self.small)
        press(&s, .char("j"), .enter, .char("/"))
        type(&s, "dangling")
        press(&s, .enter, .enter)
        guard case .text(let view)? = s.overlay else {
            Issue.record("no whole-line view")
            return
        }
        #expect(view.paragraphs.first == "TAG: dangling")
        #expect(view.paragraphs.contains("TYPE: missing"))
        press(&s, .escape)
        #expect(s.overlay == nil)
    }
}

extension UIFixture {
    /// The manifest of `base:3.19` in a loaded state.
    func baseManifest(_ s: AppState) -> Digest { s.repositories["base"]!.tags[0].current! }
}

extension RowID {
    /// A short text for a row in expectations: `team/app`, `tag:v1`, a digest, `team/app@sha256:…`.
    var label: String {
        switch self {
        case .repository(let name): name
        case .tag(let name): "tag:\(name)"
        case .revision(let d): d.description
        case .manifest(let repo, let d): "\(repo)@\(d)"
        case .blob(let position, let digest): "\(position):\(digest)"
        case .section(let name): name
        case .detail(let section, let item): "\(section)/\(item)"
        }
    }
}
