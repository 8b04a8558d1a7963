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

    /// The register-wide hex writer against `String(_:radix:)`: every digit value at each of the eight places (the
    /// rest 0 or f), random words, and whole digests of every algorithm written three ways (`hex`, `description`,
    /// `writeDescription`) read back to the same digest.
    @Test func theHexWriterSpellsEveryNibbleAtEveryPlace() throws {
        func reference(_ v: UInt32) -> UInt64 {
            let text = Array(String(repeating: "0", count: 8 - String(v, radix: 16).count) + String(v, radix: 16))
            return text.reduce(0) { $0 << 8 | UInt64($1.asciiValue!) }
        }
        var mismatches = 0
        for place in 0..<8 {
            for digit in UInt32(0)...15 {
                for rest: UInt32 in [0, 0xFFFF_FFFF] {
                    let v = (rest & ~(0xF << (place * 4))) | digit << (place * 4)
                    if Digest.hexDigits(v) != reference(v) { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
        var g = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let v = UInt32(truncatingIfNeeded: g.next())
            #expect(Digest.hexDigits(v) == reference(v))
        }
        for algorithm in DigestAlgorithm.allCases {
            for _ in 0..<200 {
                let bytes = (0..<algorithm.byteCount).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                let d = Digest(algorithm: algorithm, bytes: bytes)
                let expected = bytes.map { String(repeating: "0", count: $0 < 16 ? 1 : 0) + String($0, radix: 16) }.joined()
                #expect(d.hex == expected)
                #expect(d.description == "\(algorithm.name):\(expected)")
                // Written into a larger buffer: exactly `descriptionLength` bytes, nothing past them touched.
                var written = [UInt8](repeating: 0x78, count: d.descriptionLength + 2)
                written.withUnsafeMutableBufferPointer { d.writeDescription(to: $0.baseAddress! + 1) }
                #expect(written == [0x78] + Array(d.description.utf8) + [0x78])
                #expect(d.withHexBytes { Array($0) } == Array(expected.utf8))
                #expect(try Digest.parse(d.description).get() == d)
            }
        }
    }

    /// Digests order as their algorithm, then their hex text: checked on random digests that share leading words.
    @Test func digestsOrderAsTheirText() throws {
        var g = SystemRandomNumberGenerator()
        let prefix = (0..<48).map { _ in "0123456789abcdef".randomElement(using: &g)! }
        let texts = (0..<300).map { i -> String in
            let shared = String(prefix.prefix(i % 49))
            let rest = (0..<(64 - shared.count)).map { _ in "0123456789abcdef".randomElement(using: &g)! }
            return shared + String(rest)
        }
        let digests = try texts.map { try Digest.parse("sha256:" + $0).get() }
        #expect(digests.sorted().map(\.hex) == texts.sorted())
        let long = try Digest.parse("sha512:" + String(repeating: "0", count: 128)).get()
        #expect(digests.allSatisfy { $0 < long && !(long < $0) })
        #expect(!(digests[0] < digests[0]))
        // sha512 digests differing only in one of the words past the fourth, each way round.
        let longTexts = (0..<128).map { i in String(repeating: "7", count: 64) + String(repeating: "0", count: i % 64) + "1" + String(repeating: "0", count: 63 - i % 64) }
        let longDigests = try longTexts.map { try Digest.parse("sha512:" + $0).get() }
        #expect(longDigests.sorted().map(\.hex) == longTexts.sorted())
    }

    /// Hashed on the words, read a word at a time: the other algorithms too, against their empty-input vectors.
    @Test func hashOutputsBecomeDigestsOfEveryAlgorithm() throws {
        let empty: [UInt8] = []
        let sha384 = "sha384:38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
        let sha512 = "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
        #expect(try Digest.parse(sha384).get().recomputed(over: empty).description == sha384)
        #expect(try Digest.parse(sha512).get().recomputed(over: empty).description == sha512)
        #expect(Digest.sha256(of: empty).description == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// Tables of digests hash with a seeded multiply-fold (`SHA256Key.tableHash`), not SipHash. Equal digests hash
    /// alike under any seed; the hash moves with the seed; digests that differ in one bit of any word, or share their
    /// first words (names someone chose), still spread; sets of sha256 and sha512 digests find every member and no
    /// other.
    @Test func digestsHashForTablesWithTheTablesSeed() throws {
        func digest(_ words: [UInt64]) -> Digest {
            Digest(algorithm: .sha256, bytes: words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> UInt64(56 - $0 * 8)) } })
        }
        var g = SystemRandomNumberGenerator()
        let a = digest((0..<4).map { _ in g.next() })
        let same = try Digest.parse(a.description).get()
        for seed in [0, 1, -1, Int.max, 0x5EED] {
            #expect(a._rawHashValue(seed: seed) == same._rawHashValue(seed: seed))
            #expect(a.sha256Key!._rawHashValue(seed: seed) == a._rawHashValue(seed: seed))
        }
        #expect(Set((0..<256).map { a._rawHashValue(seed: $0) }).count == 256)

        // One bit flipped anywhere: 256 neighbours, 256 different hashes under a fixed seed.
        let words = (0..<4).map { _ in g.next() }
        var neighbours: [Int] = []
        for w in 0..<4 {
            for bit in 0..<64 {
                var flipped = words
                flipped[w] ^= 1 << UInt64(bit)
                neighbours.append(digest(flipped)._rawHashValue(seed: 0x1234_5678))
            }
        }
        #expect(Set(neighbours).count == 256)

        // 20 000 names sharing their first three words: the low bits (what picks a bucket) still spread.
        let shared = (0..<3).map { _ in g.next() }
        let chosen = (0..<20_000).map { i in digest(shared + [UInt64(i)]) }
        let buckets = Set(chosen.map { $0._rawHashValue(seed: 42) & 0xFFFF })
        #expect(buckets.count > 12_000, "\(buckets.count) of 65536 buckets used")

        // Names sharing their first and third words (what the two products multiply by the key) still spread.
        let even = (g.next(), g.next())
        let sharedEven = (0..<20_000).map { i in digest([even.0, UInt64(i) &* 0x9E37_79B9, even.1, UInt64(i)]) }
        let evenBuckets = Set(sharedEven.map { $0._rawHashValue(seed: 7) & 0xFFFF })
        #expect(evenBuckets.count > 12_000, "\(evenBuckets.count) of 65536 buckets used")

        let others = (0..<2_000).map { _ in Digest.sha256(of: (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }) }
        let long = try (0..<500).map { i in try Digest.parse("sha512:" + String(String(i, radix: 16).reversed()).padding(128)).get() }
        let set = Set(chosen + others + long)
        #expect(set.count == chosen.count + others.count + long.count)
        #expect((chosen + others + long).allSatisfy(set.contains))
        #expect(!set.contains(digest(shared + [UInt64(20_000)])))
        #expect(!set.contains(try Digest.parse("sha512:" + String(repeating: "1", count: 128)).get()))
    }
}

private extension String {
    /// Right-padded with `0` to `length` characters.
    func padding(_ length: Int) -> String { self + String(repeating: "0", count: length - count) }
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
