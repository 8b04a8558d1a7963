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
