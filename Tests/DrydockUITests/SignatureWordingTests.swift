import RegistryStorage
import Testing
@testable import DrydockUI

/// "signed ?" says what it means: signed, not verified, and why (no key given, or the key does not fit).
@Suite struct SignatureWordingTests {
    static func unverified(_ s: inout AppState, _ digest: Digest) throws {
        var v = try #require(s.verification("team/app", digest))
        v.signature = SignatureStatus(kind: .cosign, status: .signedUnverified, detail: "1 cosign signature(s), not verified: pass --key to verify")
        v.signatures = [v.signature]
        s = reduce(s, .verificationLoaded(repository: "team/app", [v], generation: 0)).0
    }

    @Test func withoutAKeyTheListAndTheDetailSaySo() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        try Self.unverified(&s, app.manifest)
        press(&s, .char("j"), .enter)
        #expect(s.text.contains("signed, no key"), "\(s.text)")
        #expect(!s.text.contains("signed ?"))
        press(&s, .enter)
        #expect(s.text.contains("signed, not verified: no key given (drydock STORE --key PEM verifies cosign signatures) (cosign)"), "\(s.text)")
    }

    @Test func withAKeyTheWordingSaysTheKeyDoesNotVerifyIt() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await f.loadedState()
        s.verificationKeyGiven = true
        try Self.unverified(&s, app.manifest)
        press(&s, .char("j"), .enter)
        #expect(s.text.contains("signed, unverified"))
        press(&s, .enter)
        #expect(s.text.contains("the key given does not verify this kind of signature"))
    }
}

/// cosign's `sha256-<hex>.sig` tags are listed under the manifest they sign, not as tags of their own.
@Suite struct SignatureTagPlacementTests {
    @Test func signatureTagsGoUnderTheirManifest() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        let sigTag = "sha256-\(app.manifest.hex).sig"
        let sig = f.image("team/app", tags: [sigTag], layers: ["signature payload"])
        // A signature tag whose manifest is not stored here stays an ordinary tag (nothing to list it under).
        let stray = "sha256-\(String(repeating: "ab", count: 32)).sig"
        f.tag("team/app", stray, sig.manifest)
        var s = try await f.loadedState(size: GridSize(rows: 24, cols: 80))
        press(&s, .char("j"), .enter)
        var text = s.text
        #expect(text.contains("Tags (3, +1 sig.) · Tab: manifests"), "\(text)")
        s = reduce(s, .resize(GridSize(rows: 30, cols: 140))).0
        #expect(!text.contains(String(sigTag.prefix(20))) || text.contains("sha256-abab"), "\(text)")
        #expect(Reducer.visibleRows(s).map(\.id.label).contains("tag:\(stray)"))
        #expect(!Reducer.visibleRows(s).map(\.id.label).contains("tag:\(sigTag)"))
        // The manifests list names the signature manifest by what it signs.
        press(&s, .tab)
        text = s.text
        #expect(text.contains("signature of \(app.manifest.short)"), "\(text)")
        // The signed manifest's detail lists it.
        press(&s, .tab, .char("g"), .enter, .char("/"))
        type(&s, "cosign sig")
        #expect(s.text.contains("› cosign signature"), "\(s.text)")
        #expect(!s.text.contains("signed ?"))
    }
}
