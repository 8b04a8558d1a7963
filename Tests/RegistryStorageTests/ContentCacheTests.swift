import enum Crypto.P256
import DemoRegistry
import Foundation
import Testing
@testable import RegistryStorage

/// The local content cache (`ContentCache`): its file format, its checks, its bound, and concurrent runs.
@Suite struct ContentCacheTests {
    static func temporaryRoot() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-cache-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func blob(_ text: String) -> (Digest, [UInt8]) {
        let bytes = Array(text.utf8)
        return (Digest.sha256(of: bytes), bytes)
    }

    static func shardFile(_ cache: ContentCache, _ d: Digest) -> URL {
        cache.directory.appendingPathComponent("\(d.hex.prefix(2)).bin")
    }

    @Test func whatIsRecordedReadsBackInAnotherRun() throws {
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let blobs = (0..<40).map { Self.blob("{\"n\": \($0)}") }
        do {
            let cache = ContentCache(root: root)
            for (d, bytes) in blobs { cache.record(d, bytes) }
            // Recorded bytes answer in the same run, before any flush.
            #expect(cache.content(of: blobs[0].0) == blobs[0].1)
            cache.flush()
        }
        let again = ContentCache(root: root)
        for (d, bytes) in blobs {
            #expect(again.content(of: d) == bytes)
            #expect(again.content(of: d, size: Int64(bytes.count)) == bytes)
            // The store holds something else under that name (damaged in place): the store is asked.
            #expect(again.content(of: d, size: Int64(bytes.count + 1)) == nil)
        }
        #expect(again.content(of: Self.blob("never recorded").0) == nil)
    }

    @Test func shardEncodingRoundTrips() throws {
        var shard = ContentCacheShard()
        var digests: [Digest] = []
        for i in 0..<300 {
            let (d, bytes) = Self.blob("entry \(i)")
            guard d.hex.hasPrefix("a") else { continue }
            shard.entries[d] = .init(content: bytes[...], lastUsed: UInt64(i))
            digests.append(d)
        }
        // Other algorithms' digests have longer text.
        let long = Digest(algorithm: .sha512, bytes: [UInt8](repeating: 0xab, count: 64))
        shard.entries[long] = .init(content: [1, 2, 3][...], lastUsed: 7)
        for prefix in Set(shard.entries.keys.map { String($0.hex.prefix(2)) }) {
            var part = ContentCacheShard()
            part.entries = shard.entries.filter { $0.key.hex.hasPrefix(prefix) }
            let decoded = ContentCacheShard(decoding: part.encoded(budget: .max), prefix: prefix)
            #expect(!decoded.hadGarbage)
            #expect(decoded.entries == part.entries)
        }
        #expect(!digests.isEmpty)
    }

    @Test func hostileBytesDecodeToNothingWithoutCrashing() {
        var generator = SystemRandomNumberGenerator()
        let magic = ContentCacheShard.magic
        var samples: [[UInt8]] = [
            [], [0xff], Array("DDCC0\n".utf8), magic + [0xff, 0xff, 0xff, 0xff], magic + [1, 0, 0],
            magic + [0x10, 0, 0, 0, 200] + [UInt8](repeating: 0x41, count: 11),
            magic + [0x0c, 0, 0, 0, 3] + Array("abc".utf8) + [0, 0, 0, 0, 0, 0, 0, 0],
        ]
        for _ in 0..<500 {
            let n = Int.random(in: 0..<300, using: &generator)
            samples.append(magic + (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        for bytes in samples {
            let shard = ContentCacheShard(decoding: bytes, prefix: "00")
            #expect(shard.entries.isEmpty)
            #expect(shard.hadGarbage == (bytes != magic && !bytes.isEmpty))
        }
        // A valid record followed by a truncated one keeps the first.
        let (d, bytes) = Self.blob("x")
        var one = ContentCacheShard()
        one.entries[d] = .init(content: bytes[...], lastUsed: 1)
        let prefix = String(d.hex.prefix(2))
        let encoded = one.encoded(budget: .max)
        let truncated = ContentCacheShard(decoding: encoded + encoded.dropFirst(magic.count).dropLast(), prefix: prefix)
        #expect(truncated.entries == one.entries && truncated.hadGarbage)
        // A record filed in the wrong shard is not used.
        let misplaced = ContentCacheShard(decoding: encoded, prefix: prefix == "00" ? "01" : "00")
        #expect(misplaced.entries.isEmpty && misplaced.hadGarbage)
    }

    /// A record whose bytes are not what its digest names (damaged, or written by someone else) is a miss, and the
    /// next flush rewrites the shard without it.
    @Test func forgedAndCorruptedEntriesAreIgnoredAndDropped() throws {
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let (d, bytes) = Self.blob("{\"schemaVersion\": 2}")
        let cache = ContentCache(root: root)
        var forged = ContentCacheShard()
        forged.entries[d] = .init(content: Array("{\"schemaVersion\": 3}".utf8)[...], lastUsed: 1)
        try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
        try Data(forged.encoded(budget: .max)).write(to: Self.shardFile(cache, d))
        #expect(cache.content(of: d) == nil)
        cache.flush()
        let rewritten = ContentCacheShard(decoding: [UInt8](try Data(contentsOf: Self.shardFile(cache, d))), prefix: String(d.hex.prefix(2)))
        #expect(rewritten.entries.isEmpty && !rewritten.hadGarbage)
        // Recording bytes that do not match the digest writes nothing.
        cache.record(d, Array("not it".utf8))
        #expect(cache.content(of: d) == nil)
        cache.record(d, bytes)
        #expect(cache.content(of: d) == bytes)
        // Garbage appended after valid records is dropped at the next write; the records stay.
        cache.flush()
        let url = Self.shardFile(cache, d)
        try Data([UInt8](try Data(contentsOf: url)) + [9, 9, 9]).write(to: url)
        let next = ContentCache(root: root)
        #expect(next.content(of: d) == bytes)
        next.flush()
        let clean = ContentCacheShard(decoding: [UInt8](try Data(contentsOf: url)), prefix: String(d.hex.prefix(2)))
        #expect(!clean.hadGarbage && clean.entries.count == 1)
    }

    @Test func signedSchema1ManifestsAreCheckedAgainstTheirSignedPayload() throws {
        // Stored with its signatures; its digest covers the payload only (storage-format §4.10).
        let key = SigningKey.p256(P256.Signing.PrivateKey())
        let bytes = try SignatureSamples.sign(SignatureSamples.indentedPayload, [key])
        let digest = Digest.sha256(of: SignatureSamples.indentedPayload)
        #expect(Digest.sha256(of: bytes) != digest)
        #expect(ContentCache.matches(bytes[...], digest))
        #expect(!ContentCache.matches(bytes.dropLast(), digest))
        #expect(!ContentCache.matches(bytes[...], Digest.sha256(of: SignatureSamples.compactPayload)))
    }

    /// The bound holds per shard; what goes is what was used longest ago.
    @Test func theOldestEntriesAreEvicted() throws {
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let clock = Locked<UInt64>(1_000_000)
        // Blobs of one shard, so the per-shard share decides.
        var sameShard: [(Digest, [UInt8])] = []
        var i = 0
        while sameShard.count < 6 {
            let b = Self.blob(String(repeating: "x", count: 900) + "\(i)")
            if b.0.hex.hasPrefix("00") { sameShard.append(b) }
            i += 1
        }
        // Room for about four of the six records (each a little over 900 bytes) in the shard.
        let budget = 256 * 4000
        let cache = ContentCache(root: root, budget: budget, now: { clock.withLock { $0 } })
        for (d, bytes) in sameShard {
            clock.withLock { $0 += ContentCache.touchInterval + 1 }
            cache.record(d, bytes)
        }
        // Using the first makes it the newest.
        clock.withLock { $0 += ContentCache.touchInterval + 1 }
        _ = cache.content(of: sameShard[0].0)
        cache.flush()
        let size = try #require((try FileManager.default.attributesOfItem(atPath: Self.shardFile(cache, sameShard[0].0).path))[.size] as? Int)
        #expect(size <= budget / 256)
        let after = ContentCache(root: root, budget: budget)
        let kept = sameShard.map { after.content(of: $0.0) != nil }
        #expect(kept == [true, false, false, true, true, true])
    }

    /// Several runs writing the same shards at once: every file any reader sees is whole, and no temporary is left.
    @Test func concurrentWritersNeverLeaveATornFile() async throws {
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let writers = 4
        let rounds = 6
        let torn = Locked(0)
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for r in 0..<rounds {
                        let cache = ContentCache(root: root)
                        for k in 0..<64 {
                            let (d, bytes) = Self.blob("writer \(w) round \(r) entry \(k) " + String(repeating: "y", count: k * 7))
                            cache.record(d, bytes)
                        }
                        cache.flush()
                    }
                }
            }
            group.addTask {
                let directory = ContentCache(root: root).directory
                for _ in 0..<25 {
                    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasSuffix(".bin") {
                        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
                        if ContentCacheShard(decoding: [UInt8](data), prefix: String(name.prefix(2))).hadGarbage { torn.withLock { $0 += 1 } }
                    }
                }
            }
        }
        #expect(torn.withLock { $0 } == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: ContentCache(root: root).directory.path)
        #expect(!files.contains { $0.hasSuffix(".tmp") })
        #expect(files.filter { $0.hasSuffix(".bin") }.count > 100)
        #expect(files.allSatisfy { $0.hasSuffix(".bin") })
    }

    @Test func theEnvironmentNamesTheFolder() {
        #expect(ContentCache.fromEnvironment(["DRYDOCK_CACHE_DIR": "/x/y", "XDG_CACHE_HOME": "/c", "HOME": "/h"])?.directory.path == "/x/y/content-v1")
        #expect(ContentCache.fromEnvironment(["XDG_CACHE_HOME": "/c", "HOME": "/h"])?.directory.path == "/c/drydock/content-v1")
        #expect(ContentCache.fromEnvironment(["XDG_CACHE_HOME": "relative", "HOME": "/h"])?.directory.path == "/h/.cache/drydock/content-v1")
        #expect(ContentCache.fromEnvironment([:]) == nil)
        #expect(ContentCache.fromEnvironment(["HOME": "/h", "DRYDOCK_CACHE_SIZE": "16"])?.budget == 16 << 20)
        #expect(ContentCache.fromEnvironment(["HOME": "/h", "DRYDOCK_CACHE_SIZE": "lots"])?.budget == ContentCache.defaultBudget)
    }
}
