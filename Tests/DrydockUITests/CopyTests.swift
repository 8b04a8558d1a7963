import Foundation
import RegistryStorage
import Testing
@testable import DrydockUI

/// `y`: what each screen offers to copy, the OSC 52 bytes the terminal gets, and the text shown once copied.
@Suite struct CopyTests {
    @Test func theEscapeIsOSC52WithBase64AndBEL() throws {
        let bytes = try #require(Clipboard.osc52("team/app:v1"))
        #expect(bytes == Array("\u{1B}]52;c;dGVhbS9hcHA6djE=\u{07}".utf8))
        // Base64 of anything, escape characters included, holds no byte that could end the sequence.
        let hostile = try #require(Clipboard.osc52("a\u{07}b\u{1B}\\c ☕"))
        #expect(hostile.dropFirst(7).dropLast().allSatisfy { $0 >= 0x2B && $0 <= 0x7A })
        #expect(String(decoding: hostile, as: UTF8.self) == "\u{1B}]52;c;YQdiG1xjIOKYlQ==\u{07}")
        #expect(Clipboard.osc52(String(repeating: "x", count: Clipboard.maxBytes + 1)) == nil)
    }

    @Test func theRegistryAddressBecomesAPullHost() {
        #expect(PullHost("https://registry.example.com:5000/")?.host == "registry.example.com:5000")
        #expect(PullHost("http://127.0.0.1:5000")?.host == "127.0.0.1:5000")
        #expect(PullHost("registry.example.com")?.host == "registry.example.com")
        #expect(PullHost("https://user:pw@registry.example.com") == nil)
        #expect(PullHost("https://registry.example.com/v2/") == nil)
        #expect(PullHost("") == nil)
    }

    @Test func aTagOffersDigestNameTagReferenceAndPullCommand() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState(size: GridSize(rows: 24, cols: 80))
        s.registryHost = "registry.example.com:5000"
        press(&s, .char("j"), .enter)
        #expect(s.top.id == .tags("team/app") && s.top.list.selectedID?.label == "tag:latest")
        #expect(press(&s, .char("y")).isEmpty)
        guard case .copy(let menu)? = s.overlay else {
            Issue.record("no copy menu")
            return
        }
        #expect(menu.choices.map(\.text) == [
            app.manifest.description, "team/app:latest", "team/app@\(app.manifest)",
            "docker pull registry.example.com:5000/team/app:latest",
        ])
        let text = s.text
        #expect(text.contains("Copy to the clipboard") && text.contains("2  REPO:TAG"))
        #expect(s.screen.lines[23].contains("Enter y copy"))
        // j then Enter copies the second line.
        press(&s, .char("j"))
        let effects = press(&s, .enter)
        #expect(effects.map(\.summary) == ["copyToClipboard(team/app:latest)"])
        #expect(s.overlay == nil && s.text.contains("Copied REPO:TAG: team/app:latest"))
        // A number copies that line at once; Esc copies nothing.
        press(&s, .char("y"))
        #expect(press(&s, .char("4")).map(\.summary) == ["copyToClipboard(docker pull registry.example.com:5000/team/app:latest)"])
        press(&s, .char("y"))
        #expect(press(&s, .escape).isEmpty && s.overlay == nil)
    }

    @Test func withoutAnAddressThereIsNoPullCommandAndUntaggedManifestsCopyByDigest() async throws {
        let (f, _, old, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("j"), .enter, .tab)
        while s.top.list.selectedID?.label != old.manifest.description { press(&s, .char("j")) }
        press(&s, .char("y"))
        guard case .copy(let menu)? = s.overlay else {
            Issue.record("no copy menu")
            return
        }
        #expect(menu.choices.map(\.label) == ["digest", "REPO@DIGEST"])
        #expect(menu.choices.map(\.text) == [old.manifest.description, "team/app@\(old.manifest)"])
    }

    @Test func theRepositoryListCopiesTheNameAtOnceAndTheManifestScreenOffersTheLineValue() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        press(&s, .char("j"))
        #expect(press(&s, .char("y")).map(\.summary) == ["copyToClipboard(team/app)"])
        #expect(s.overlay == nil && s.text.contains("Copied repository: team/app"))
        press(&s, .enter, .enter)
        #expect(s.top.id == .manifest(repository: "team/app", digest: app.manifest, tag: "latest"))
        press(&s, .char("/"))
        type(&s, "Café")
        press(&s, .enter, .char("y"))
        guard case .copy(let menu)? = s.overlay else {
            Issue.record("no copy menu")
            return
        }
        #expect(menu.choices.last == CopyMenu.Choice("this line's value", "org.example.title = Café ☕ 日本"))
    }
}

@Suite struct PullHostFromConfigTests {
    static func http(addr: String, host: String = "", net: HTTPSettings.Network = .tcp) throws -> HTTPSettings {
        let yaml = "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /srv\nhttp:\n  addr: \(addr)\n  net: \(net.rawValue)\n" + (host.isEmpty ? "" : "  host: \(host)\n")
        return try RegistryConfiguration.parse(yaml: yaml, environment: [:]).http
    }

    @Test func hostThenAddrThenNothing() throws {
        #expect(PullHost(try Self.http(addr: ":5000", host: "https://registry.example.com"))?.host == "registry.example.com")
        #expect(PullHost(try Self.http(addr: ":5000"))?.host == "localhost:5000")
        #expect(PullHost(try Self.http(addr: "10.0.0.7:5443"))?.host == "10.0.0.7:5443")
        #expect(PullHost(try Self.http(addr: "/run/registry.sock", net: .unix)) == nil)
    }
}
