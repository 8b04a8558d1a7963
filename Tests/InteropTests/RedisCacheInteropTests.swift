import Foundation
@testable import RegistryStorage
import Testing

/// The registry's redis blob-descriptor cache, checked against the real thing: `docker-registry` 2.8.2 with
/// `storage.cache.blobdescriptor: redis` on a real `redis-server`. The key names Drydock purges are the ones the
/// registry writes, and after a purge the registry answers from storage again.
@Suite(.heavy) struct RedisCacheInteropTests {
    @Test(.timeLimit(.minutes(3)))
    func purgeMakesTheRegistryAskStorageAgain() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["redis-server"])
        let scratch = try TemporaryDirectory(prefix: "drydock-redis-cache")
        defer { scratch.remove() }
        let layout = try OCIImageBuilder(directory: scratch.url.appendingPathComponent("layout"))
        let image = try layout.addImage(tag: "v1", layers: [LayerSpec(seed: "redis-base"), LayerSpec(seed: "redis-app")])

        try await RedisServer.with(password: "registry pass") { redis in
            var options = RegistryServer.Options()
            // A password and a database other than 0: the registry AUTHs and SELECTs, and so must Drydock.
            options.redis = .init(addr: redis.address, password: "registry pass", db: 3)
            try await RegistryServer.with(options) { server in
                let api = server.api
                let repositories = ["cache/app", "cache/other"]
                for repository in repositories {
                    _ = try await Skopeo.copy(layout: layout, tag: "v1", to: server, repository: repository, format: .v2s2)
                }
                // HEAD every blob so the registry caches its descriptor in both repositories.
                for repository in repositories {
                    for blob in image.referencedBlobs {
                        #expect(try await api.blobStatus(repository, blob) == 200)
                    }
                }

                // The keys, as registry/storage/cache/redis/redis.go names them, in database 3 only.
                let keys = try await redis.keys(db: 3)
                let layer = try #require(Digest(image.layerDigests[1]))
                let kept = try #require(Digest(image.layerDigests[0]))
                for digest in [layer, kept] {
                    #expect(keys.contains(RedisBlobDescriptorCache.globalDescriptorKey(digest)), "\(keys.sorted())")
                    #expect(keys.contains("blobs::\(digest)"))
                    for repository in repositories {
                        #expect(keys.contains(RedisBlobDescriptorCache.repositoryDescriptorKey(repository, digest)))
                        #expect(keys.contains("repository::\(repository)::blobs::\(digest)"))
                        let member = try await redis.command(["SISMEMBER", "repository::\(repository)::blobs", digest.description], db: 3)
                        #expect(member == .integer(1))
                    }
                }
                for repository in repositories {
                    #expect(keys.contains(RedisBlobDescriptorCache.repositoryBlobSetKey(repository)))
                    #expect(keys.contains("repository::\(repository)::blobs"))
                }
                #expect(try await redis.keys(db: 0).isEmpty)

                // Move the layer's data away, as a collector's quarantine does: the cache still says it is there.
                let store = StoreFiles(server)
                let data = store.blobData(layer.description)
                let quarantined = scratch.url.appendingPathComponent("quarantined-data")
                try FileManager.default.moveItem(at: data, to: quarantined)
                for repository in repositories {
                    #expect(try await api.blobStatus(repository, layer.description) == 200, "the cached descriptor answers")
                }

                // Purge through Drydock, with the settings read from the registry's own configuration file.
                let config = try RegistryConfiguration.load(path: server.configPath, environment: [:])
                #expect(config.blobDescriptorCache == .redis)
                let settings = try #require(config.redis)
                #expect(settings.addr == redis.address && settings.db == 3 && settings.password == "registry pass")
                let cache = RedisBlobDescriptorCache(settings: settings)
                try await cache.check()
                let removed = try await cache.purge([layer, layer], repositories: repositories + ["cache/never-cached"])
                // blobs::<d>, two repository hashes, two set members.
                #expect(removed == 5)

                let after = try await redis.keys(db: 3)
                #expect(!after.contains("blobs::\(layer)"))
                for repository in repositories {
                    #expect(!after.contains("repository::\(repository)::blobs::\(layer)"))
                    let member = try await redis.command(["SISMEMBER", "repository::\(repository)::blobs", layer.description], db: 3)
                    #expect(member == .integer(0))
                    // The other blobs' entries stay.
                    #expect(after.contains("repository::\(repository)::blobs::\(kept)"))
                }
                #expect(after.contains("blobs::\(kept)"))

                // The registry now asks storage: the moved blob is unknown, the others still there.
                for repository in repositories {
                    #expect(try await api.blobStatus(repository, layer.description) == 404, "\(server.logTail())")
                    #expect(try await api.blobStatus(repository, kept.description) == 200)
                }
                // Nothing left to purge.
                #expect(try await cache.purge([layer], repositories: repositories) == 0)

                // Put the data back: the registry finds it in storage (and caches it again).
                try FileManager.default.moveItem(at: quarantined, to: data)
                #expect(try await api.blobStatus(repositories[0], layer.description) == 200)
                #expect(try await redis.keys(db: 3).contains("blobs::\(layer)"))
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func authenticationAndDatabaseSelection() async throws {
        try RequiredTool.require("redis-server")
        try await RedisServer.with(password: "right") { redis in
            let digest = Digest.sha256(of: Data("a blob".utf8))
            let other = Digest.sha256(of: Data("another blob".utf8))
            // The same entries in databases 0 and 5 (as a registry writes them).
            for db in [0, 5] {
                for d in [digest, other] {
                    #expect(try await redis.command(["HSET", "blobs::\(d)", "digest", d.description, "size", "6"], db: db) == .integer(2))
                    #expect(try await redis.command(["SADD", "repository::lib/app::blobs", d.description], db: db) == .integer(1))
                    #expect(try await redis.command(["HSET", "repository::lib/app::blobs::\(d)", "mediatype", "x"], db: db) == .integer(1))
                }
            }

            // Wrong password, no password: refused before anything is deleted.
            for password in ["wrong", ""] {
                let cache = RedisBlobDescriptorCache(settings: redis.settings(db: 5, password: password))
                await #expect(throws: RedisError.self) { try await cache.check() }
                do {
                    _ = try await cache.purge([digest], repositories: ["lib/app"])
                    Issue.record("purge with password \"\(password)\" should fail")
                } catch let error as RedisError {
                    guard case .authenticationFailed(let address, _) = error else {
                        Issue.record("expected authenticationFailed, got \(error)")
                        continue
                    }
                    #expect(address == redis.address)
                    #expect(error.description.contains("check redis.password"))
                }
            }
            #expect(try await redis.keys(db: 5).count == 5)

            // A database the server does not have.
            let missing = RedisBlobDescriptorCache(settings: redis.settings(db: 99))
            do {
                try await missing.check()
                Issue.record("SELECT 99 should fail")
            } catch let error as RedisError {
                guard case .databaseSelectionFailed(_, let db, let message) = error else {
                    Issue.record("expected databaseSelectionFailed, got \(error)")
                    return
                }
                #expect(db == 99)
                #expect(message.contains("out of range"))
            }

            // The right password and database 5: only database 5 changes.
            let cache = RedisBlobDescriptorCache(settings: redis.settings(db: 5))
            try await cache.check()
            #expect(try await cache.purge([digest], repositories: ["lib/app"]) == 3)
            #expect(try await redis.keys(db: 5) == ["blobs::\(other)", "repository::lib/app::blobs", "repository::lib/app::blobs::\(other)"])
            #expect(try await redis.keys(db: 0).count == 5)
            // Removing the last member removes the set itself.
            #expect(try await cache.purge([other], repositories: ["lib/app"]) == 3)
            #expect(try await redis.keys(db: 5).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func unreachableRedisIsAClearError() async throws {
        let closed = try ClosedLoopbackPort()
        let cache = RedisBlobDescriptorCache(settings: RedisSettings(addr: "127.0.0.1:\(closed.port)", dialTimeout: 1))
        do {
            _ = try await cache.purge([Digest.sha256(of: Data("x".utf8))], repositories: [])
            Issue.record("purge should fail")
        } catch let error as RedisError {
            guard case .connectionRefused(let address, _) = error else {
                Issue.record("expected connectionRefused, got \(error)")
                return
            }
            #expect(address == "127.0.0.1:\(closed.port)")
        }
        let bad = RedisBlobDescriptorCache(settings: RedisSettings(addr: "localhost"))
        await #expect(throws: RedisError.invalidAddress("localhost", reason: "expected host:port with a numeric port, such as 127.0.0.1:6379")) {
            try await bad.check()
        }
        // Nothing to purge: no connection at all.
        #expect(try await cache.purge([], repositories: ["a"]) == 0)
    }
}
