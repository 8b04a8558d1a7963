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

    /// The word-at-a-time hex reader against a character-at-a-time one: every byte value at every one of the 16
    /// positions of a word (the rest valid hex), so no byte outside `0-9a-f`, high bit or not, is taken for a digit.
    @Test func theHexWordReaderAgreesWithACharacterAtATimeOneOnEveryByteEverywhere() {
        func reference(_ bytes: [UInt8]) -> UInt64? {
            var w: UInt64 = 0
            for c in bytes {
                let v: UInt64
                switch c {
                case 0x30...0x39: v = UInt64(c - 0x30)
                case 0x61...0x66: v = UInt64(c - 0x61 + 10)
                default: return nil
                }
                w = w << 4 | v
            }
            return w
        }
        let base = Array("0123456789abcdef".utf8)
        var mismatches = 0
        for position in 0..<16 {
            for value in 0...255 {
                var bytes = base
                bytes[position] = UInt8(value)
                let fast = bytes.withUnsafeBufferPointer { Digest.hexWord($0.baseAddress!) }
                if fast != reference(bytes) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<16).map { _ in base[Int(generator.next() % 16)] }
            #expect(bytes.withUnsafeBufferPointer { Digest.hexWord($0.baseAddress!) } == reference(bytes))
        }
        let d = try? Digest.parse("sha256:" + String(repeating: "f0", count: 32)).get()
        #expect(d?.hex == String(repeating: "f0", count: 32))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
