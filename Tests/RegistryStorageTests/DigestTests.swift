import Testing
@testable import RegistryStorage

@Suite struct DigestTests {
    @Test func parsesCanonicalSha256() throws {
        let text = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        let d = try Digest.parse(text).get()
        #expect(d.description == text)
        #expect(d.algorithm == .sha256)
        #expect(d == Digest.sha256(of: Array("{}".utf8)))
    }

    @Test func rejectsBadDigests() {
        #expect(Digest.parse("sha256:abc").failure == .invalidLength)
        #expect(Digest.parse("sha256:" + String(repeating: "A", count: 64)).failure == .invalidHex)
        #expect(Digest.parse("md5:abcd").failure == .unsupportedAlgorithm)
        #expect(Digest.parse("garbage").failure == .invalidFormat)
        #expect(Digest.parse("sha256:" + String(repeating: "a", count: 64) + "\n").failure == .invalidFormat)
        #expect(Digest.parse("sha256:../../etc/passwd").failure == .invalidFormat)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
