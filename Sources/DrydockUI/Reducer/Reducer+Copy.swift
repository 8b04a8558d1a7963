import RegistryStorage

extension Reducer {
    /// `y`: the copy menu for the selected row; a row with one thing to copy copies it at once.
    static func copy(_ s: inout AppState) -> [Effect] {
        let choices = copyChoices(&s)
        guard !choices.isEmpty else {
            s.message = Banner(.info, "Nothing to copy on this line.")
            return []
        }
        if choices.count == 1 { return copied(&s, choices[0]) }
        s.overlay = .copy(CopyMenu(choices: choices))
        return []
    }

    /// 1-9 copy that line; j/k move; Enter or y copy the selected line; Esc, q or n close.
    static func copyKey(_ s: inout AppState, _ menu: CopyMenu, _ key: Key) -> [Effect] {
        var m = menu
        switch key {
        case .char(let c) where c.isASCII && c.isNumber:
            guard let n = c.wholeNumberValue, n >= 1, n <= m.choices.count else { return [] }
            s.overlay = nil
            return copied(&s, m.choices[n - 1])
        case .char("j"), .down, .tab: m.selected = (m.selected + 1) % m.choices.count
        case .char("k"), .up, .backTab: m.selected = (m.selected + m.choices.count - 1) % m.choices.count
        case .enter, .char("y"):
            s.overlay = nil
            return copied(&s, m.choices[m.selected])
        case .escape, .char("q"), .char("n"):
            s.overlay = nil
            return []
        default: return []
        }
        s.overlay = .copy(m)
        return []
    }

    static func copy(_ s: inout AppState, _ choice: CopyMenu.Choice) -> [Effect] { copied(&s, choice) }

    private static func copied(_ s: inout AppState, _ choice: CopyMenu.Choice) -> [Effect] {
        guard Clipboard.osc52(choice.text) != nil else {
            s.message = Banner(.warning, "! Too long for the terminal clipboard (\(choice.text.utf8.count) bytes).")
            return []
        }
        s.message = Banner(.info, "Copied \(choice.label): \(choice.text)")
        return [.copyToClipboard(choice.text)]
    }

    /// What the selected row offers, most used first.
    static func copyChoices(_ s: inout AppState) -> [CopyMenu.Choice] {
        guard let row = selectedRow(&s) else { return [] }
        switch s.top.id {
        case .repositories:
            guard case .tags(let repo)? = row.target else { return [] }
            return [CopyMenu.Choice("repository", Format.safe(repo))]
        case .tags(let repo), .revisions(let repo):
            guard case .manifest(_, let digest, let tag)? = row.target else { return [] }
            let tags = tag.map { [$0] } ?? s.repositories[repo]?.revision(digest)?.tags ?? []
            return manifestChoices(s, repo, digest, tag: tags.first)
        case .manifest(let repo, let digest, let tag):
            var choices = manifestChoices(s, repo, digest, tag: tag)
            // The value of the line under the cursor, as shown (a label, a history command, a check's detail).
            if row.cells.count > 1, !row.cells[1].text.isEmpty, !choices.contains(where: { $0.text == row.cells[1].text }) {
                choices.append(CopyMenu.Choice("this line's value", row.cells[1].text))
            }
            return choices
        case .sharedBy(let blob):
            guard case .manifest(let repo, let digest, let tag)? = row.target else { return [] }
            return manifestChoices(s, repo, digest, tag: tag) + [CopyMenu.Choice("blob digest", blob.description)]
        case .space:
            switch row.target {
            case .tags(let repo)?: return [CopyMenu.Choice("repository", Format.safe(repo))]
            case .sharedBy(let blob)?: return [CopyMenu.Choice("blob digest", blob.description)]
            default: return []
            }
        case .layers(let repo, let digest):
            var choices: [CopyMenu.Choice] = []
            if case .blob(_, let text) = row.id, let blob = Digest(text) {
                choices.append(CopyMenu.Choice("blob digest", blob.description))
            }
            choices.append(CopyMenu.Choice("manifest REPO@DIGEST", "\(Format.safe(repo))@\(digest)"))
            return choices
        }
    }

    /// digest, REPO:TAG, REPO@DIGEST, and a pull command when the registry's address is known.
    private static func manifestChoices(_ s: AppState, _ repo: String, _ digest: Digest, tag: String?) -> [CopyMenu.Choice] {
        let name = Format.safe(repo)
        var choices = [CopyMenu.Choice("digest", digest.description)]
        if let tag { choices.append(CopyMenu.Choice("REPO:TAG", "\(name):\(Format.safe(tag))")) }
        choices.append(CopyMenu.Choice("REPO@DIGEST", "\(name)@\(digest)"))
        if let host = s.registryHost {
            let reference = tag.map { "\(name):\(Format.safe($0))" } ?? "\(name)@\(digest)"
            choices.append(CopyMenu.Choice("pull command", "docker pull \(Format.safe(host))/\(reference)"))
        }
        return choices
    }
}
