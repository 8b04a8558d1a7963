import Foundation
import Testing

/// The acceptance test of issue 14: the real registry 2.8.2 serving pushes from a few workers while a collector runs
/// back to back. Workers reuse layers of images deleted earlier (still linked under `_layers`: HEAD says they exist
/// and the client skips the upload), push indexes children-first and delete some images again. Afterwards every tag
/// a worker pushed and did not delete, and every tag pushed before, must pull completely with digests checked.
///
/// Load lasts `DRYDOCK_SOAK_SECONDS` (default 60 with CI=true, 15 otherwise), longer (up to three times that) on a
/// machine too busy to reach a test's minimum of pushes in that time. The collectors compared: Drydock's
/// online collection (must lose nothing), Drydock's offline collection and the registry's own `garbage-collect`
/// (both only recorded: they are not meant to run while the registry serves, and the figures say what they break).
@Suite(.heavy, .serialized) struct OnlineGCSoakTests {
    static var loadSeconds: Double {
        if let text = ProcessInfo.processInfo.environment["DRYDOCK_SOAK_SECONDS"], let s = Double(text), s > 0 { return min(s, 600) }
        return RequiredTool.isCI ? 60 : 15
    }

    @Test(.timeLimit(.minutes(7)))
    func onlineCollectionLosesNothingWithoutACache() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let figures = try await Soak.run(collector: .drydockOnline, minimumPushes: 20)
        figures.report("drydock gc --online (no cache)")
        figures.expectNothingLost(minimumPushes: 20)
    }

    /// With the registry's blob-descriptor cache in redis: Drydock purges its keys for every quarantined digest.
    @Test(.timeLimit(.minutes(7)))
    func onlineCollectionLosesNothingWithARedisCache() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["redis-server"])
        let figures = try await Soak.run(collector: .drydockOnline, setup: .folderWithRedis, minimumPushes: 20)
        figures.report("drydock gc --online (redis cache)")
        figures.expectNothingLost(minimumPushes: 20)
        #expect(figures.cacheKeysPurged > 0, "the registry had cached descriptors of quarantined blobs, and they were purged")
    }

    /// The same over S3: the registry writes to a moto bucket; quarantine is CopyObject + DeleteObject.
    @Test(.timeLimit(.minutes(10)))
    func onlineCollectionLosesNothingOverS3() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let figures = try await Soak.run(collector: .drydockOnline, setup: .s3, minimumPushes: 150)
        figures.report("drydock gc --online over S3 (moto)")
        // Twice the load time (see Setup.s3) and at least 150 pushes. The visible failures (HEAD said yes, the link
        // went before the manifest PUT) come at 0.3-0.5% of pushes over S3 in the runs the README records: at 100
        // pushes the 2% bound allowed one, and a busy host's run of 102 pushes with 3 failures failed it. 150 allow
        // two and narrow the estimate; the bound itself is issue 14's.
        figures.expectNothingLost(minimumPushes: 150)
    }

    /// What the issue measured: Drydock's offline `gc --yes` in the same loop. Recorded, not asserted: it shows
    /// the soak catches a collector that is unsafe while the registry serves.
    @Test(.timeLimit(.minutes(5)))
    func offlineCollectionInTheLoopIsRecorded() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let figures = try await Soak.run(collector: .drydockOffline)
        figures.report("drydock gc --yes (offline collector, registry running)")
        #expect(figures.pushes > 0 && figures.collectorRuns > 0, "the harness ran")
    }

    /// The registry's own `garbage-collect` (alternating `-m`) in the loop: recorded for the README comparison.
    @Test(.timeLimit(.minutes(5)))
    func registryGarbageCollectInTheLoopIsRecorded() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let figures = try await Soak.run(collector: .registry282)
        figures.report("docker-registry garbage-collect (-m alternating, registry running)")
        #expect(figures.pushes > 0 && figures.collectorRuns > 0, "the harness ran")
    }
}

/// One soak run: the registry, the workers, the collector loop, the final checks.
enum Soak {
    enum Collector: Sendable {
        case drydockOnline
        case drydockOffline
        case registry282
    }

    struct Figures: Sendable {
        var seconds = 0.0
        var pushes = 0
        var failedPushes = 0
        var failureSamples: [String] = []
        var deletes = 0
        var reusedLayers = 0
        var uploadsSkippedByHead = 0
        var indexes = 0
        var collectorRuns = 0
        var collectorFailures = 0
        var collectorErrors: [String] = []
        var quarantined = 0
        var restored = 0
        var finalDeleted = 0
        var cacheKeysPurged = 0
        var tagsChecked = 0
        var unpullable: [String] = []

        /// The acceptance bounds of issue 14 for an online collection: every tag pulls, at least `minimumPushes`
        /// pushes, fewer than 2% of them failed (visibly), the collector ran at least twice without failing,
        /// quarantined something, and the final run deleted quarantined data for good.
        func expectNothingLost(minimumPushes: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(unpullable.isEmpty, "tags that do not pull: \(unpullable.prefix(10))", sourceLocation: sourceLocation)
            #expect(pushes >= minimumPushes, "the workers pushed: \(pushes)", sourceLocation: sourceLocation)
            #expect(Double(failedPushes) < 0.02 * Double(pushes), "failed pushes: \(failureSamples.prefix(5))", sourceLocation: sourceLocation)
            #expect(collectorRuns >= 2 && collectorFailures == 0, "\(collectorErrors.prefix(3))", sourceLocation: sourceLocation)
            #expect(quarantined > 0, "the collector quarantined something", sourceLocation: sourceLocation)
            #expect(finalDeleted > 0, "the final run (grace 0, quarantine 0) deleted quarantined data for good", sourceLocation: sourceLocation)
        }

        func report(_ name: String) {
            let line = "soak [\(name)]: \(Int(seconds))s of load; \(pushes) pushes (\(indexes) indexes), \(failedPushes) failed, "
                + "\(deletes) deleted again, \(reusedLayers) reused layers (\(uploadsSkippedByHead) uploads skipped on HEAD); "
                + "collector ran \(collectorRuns)x (\(collectorFailures) failed), collected \(quarantined) blobs (quarantined or swept), restored \(restored), "
                + "\(cacheKeysPurged) redis keys purged, final run deleted \(finalDeleted) for good; \(tagsChecked) tags pulled, \(unpullable.count) unpullable"
            Swift.print(line)
            for f in failureSamples.prefix(5) { Swift.print("  failed push: \(f)") }
            for u in unpullable.prefix(5) { Swift.print("  unpullable: \(u)") }
        }
    }

    /// Shared by the workers: what must pull, what may be reused, the counts.
    actor Ledger {
        var figures = Figures()
        /// `repository:tag` -> pushed manifest digest, for tags that must pull at the end.
        var live: [String: String] = [:]
        /// Layers of images deleted earlier: still linked under `_layers` of `repository` until a collection.
        var reusable: [(repository: String, bytes: [UInt8])] = []
        var counter = 0

        func next() -> Int {
            counter += 1
            return counter
        }

        func pushed(_ key: String, _ digest: String, index: Bool) {
            figures.pushes += 1
            if index { figures.indexes += 1 }
            live[key] = digest
        }

        func failed(_ why: String) {
            figures.pushes += 1
            figures.failedPushes += 1
            if figures.failureSamples.count < 20 { figures.failureSamples.append(why) }
        }

        func deleted(_ key: String, layers: [(String, [UInt8])]) {
            figures.deletes += 1
            live[key] = nil
            reusable.append(contentsOf: layers.map { (repository: $0.0, bytes: $0.1) })
            if reusable.count > 40 { reusable.removeFirst(reusable.count - 40) }
        }

        func pickReusable(_ n: Int) -> (repository: String, bytes: [UInt8])? {
            reusable.isEmpty ? nil : reusable[n % reusable.count]
        }

        func reused(skippedOnHead: Bool) {
            figures.reusedLayers += 1
            if skippedOnHead { figures.uploadsSkippedByHead += 1 }
        }

        func collected(ok: Bool, error: String?, quarantined: Int, restored: Int, purged: Int) {
            figures.collectorRuns += 1
            figures.cacheKeysPurged += purged
            if !ok {
                figures.collectorFailures += 1
                if let error, figures.collectorErrors.count < 10 { figures.collectorErrors.append(error) }
            }
            figures.quarantined += quarantined
            figures.restored += restored
        }
    }

    struct PushError: Error, CustomStringConvertible {
        var description: String
    }

    /// Where the registry stores and how `drydock` reaches the same store.
    struct Bed: Sendable {
        var server: RegistryServer
        /// The STORE arguments (`--config FILE`, or `s3://…` with `--endpoint`).
        var store: [String]
        /// What an online run adds (`--no-cache-check` where no configuration is read).
        var onlineArguments: [String]
        var drydock: @Sendable ([String]) async throws -> ProcessResult
        /// How long the workers push.
        var loadSeconds = OnlineGCSoakTests.loadSeconds
        /// Pushes the bound needs to mean anything: a machine too busy to reach them in `loadSeconds` keeps pushing,
        /// up to `3 × loadSeconds` in all (the test then fails on the count, as before).
        var minimumPushes = 0
    }

    /// While the workers push and the collector runs: until the load time is up and the pushes are enough, or three
    /// times the load time at most.
    struct LoadWindow: Sendable {
        var deadline: Date
        var cap: Date
        var minimumPushes: Int

        init(_ bed: Bed, from start: Date = Date()) {
            deadline = start.addingTimeInterval(bed.loadSeconds)
            cap = start.addingTimeInterval(3 * bed.loadSeconds)
            minimumPushes = bed.minimumPushes
        }

        func isOpen(_ ledger: Ledger) async -> Bool {
            let now = Date()
            if now < deadline { return true }
            return now < cap ? await ledger.figures.pushes < minimumPushes : false
        }
    }

    enum Setup: Sendable {
        /// A folder store; Drydock reads the registry's config (no cache).
        case folder
        /// The same with `storage.cache.blobdescriptor: redis` and a real redis-server started for the test.
        case folderWithRedis
        /// A moto bucket the registry writes to, named directly (`s3://…`, no cache: `--no-cache-check`). Twice the
        /// load time: moto answers one request at a time (about 150 a second here, a push costs the registry 100 or
        /// more), so 60 s fit only 50–90 pushes, too few for a 2% bound to mean anything.
        case s3
    }

    static func run(collector: Collector, setup: Setup = .folder, minimumPushes: Int = 0) async throws -> Figures {
        var options = RegistryServer.Options()
        options.logLevel = "error"
        switch setup {
        case .s3:
            return try await S3RegistryBed.with(options) { bed in
                try await run(collector, Bed(
                    server: bed.server, store: bed.direct, onlineArguments: ["--no-cache-check"], drydock: { try await bed.drydock($0) },
                    loadSeconds: 2 * OnlineGCSoakTests.loadSeconds, minimumPushes: minimumPushes))
            }
        case .folderWithRedis:
            return try await RedisServer.with(password: "soak-secret") { redis in
                options.redis = RegistryServer.RedisCache(addr: redis.address, password: redis.password)
                return try await runOnFolder(collector, options, minimumPushes: minimumPushes)
            }
        case .folder:
            return try await runOnFolder(collector, options, minimumPushes: minimumPushes)
        }
    }

    static func runOnFolder(_ collector: Collector, _ options: RegistryServer.Options, minimumPushes: Int) async throws -> Figures {
        let server = try await RegistryServer.start(options)
        defer { server.stop() }
        return try await run(collector, Bed(
            server: server, store: ["--config", server.configPath], onlineArguments: [],
            drydock: { try await DrydockBinary.run($0, timeout: 120) }, minimumPushes: minimumPushes))
    }

    static func run(_ collector: Collector, _ bed: Bed) async throws -> Figures {
        let server = bed.server
        let api = server.api
        let ledger = Ledger()

        // Tags pushed before the load: they must survive every collection.
        var before: [String: String] = [:]
        for i in 1...3 {
            let (digest, _) = try await pushImage(api, "base/app", tag: "v\(i)", reuse: nil, ledger: ledger)
            before["base/app:v\(i)"] = digest
        }
        let (multi, _) = try await pushIndex(api, "base/multi", tag: "latest", ledger: ledger)
        before["base/multi:latest"] = multi

        let started = Date()
        let window = LoadWindow(bed, from: started)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<3 {
                group.addTask { await work(worker, api: api, ledger: ledger, while: window) }
            }
            group.addTask {
                var round = 0
                // Bounded: one run at a time while the window is open, each with its own time limit.
                while await window.isOpen(ledger), round < 10_000 {
                    round += 1
                    let (ok, error, q, r, p) = await collect(collector, bed: bed, deleteUntagged: round % 2 == 0, final: false)
                    await ledger.collected(ok: ok, error: error, quarantined: q, restored: r, purged: p)
                }
            }
            try await group.waitForAll()
        }
        var figures = await ledger.figures
        figures.seconds = Date().timeIntervalSince(started)
        if case .drydockOnline = collector {
            let (ok, error, q, _, _) = await collect(collector, bed: bed, deleteUntagged: true, final: true)
            if !ok {
                figures.collectorFailures += 1
                figures.collectorErrors.append(error ?? "final run failed")
            }
            figures.finalDeleted = q
        }
        let live = await ledger.live
        for (key, digest) in before.merging(live, uniquingKeysWith: { a, _ in a }).sorted(by: { $0.key < $1.key }) {
            figures.tagsChecked += 1
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            if let problem = await pullProblem(api, parts[0], parts[1], expected: digest) {
                figures.unpullable.append("\(key): \(problem)")
            }
        }
        return figures
    }

    // MARK: workers

    static func work(_ worker: Int, api: RegistryAPI, ledger: Ledger, while window: LoadWindow) async {
        var round = 0
        while await window.isOpen(ledger), round < 100_000 {
            round += 1
            let n = await ledger.next()
            let repo = "w\(worker)/app"
            let tag = "t\(n)"
            do {
                let digest: String
                let layers: [(String, [UInt8])]
                if n % 3 == 0 {
                    (digest, layers) = try await pushIndex(api, repo, tag: tag, ledger: ledger)
                } else {
                    (digest, layers) = try await pushImage(api, repo, tag: tag, reuse: await ledger.pickReusable(n), ledger: ledger)
                }
                await ledger.pushed("\(repo):\(tag)", digest, index: n % 3 == 0)
                // Every other image is deleted again: its layers stay linked under `_layers` until a collection.
                if n % 2 == 0 {
                    let status = try await api.deleteManifest(repo, digest)
                    if status == 202 { await ledger.deleted("\(repo):\(tag)", layers: layers.map { (repo, $0.1) }) }
                }
            } catch {
                await ledger.failed("\(repo):\(tag): \(error)")
            }
        }
    }

    /// One image: a layer of an image deleted earlier (HEAD first, then a mount, else an upload), a fresh layer
    /// and a fresh config; the manifest under `reference` (a tag, or its own digest when nil). Returns the
    /// manifest digest and its layers.
    @discardableResult
    static func pushImage(
        _ api: RegistryAPI, _ repo: String, tag: String?, reuse: (repository: String, bytes: [UInt8])?, ledger: Ledger,
        architecture: String = "amd64"
    ) async throws -> (String, [(String, [UInt8])]) {
        let fresh = (0..<(512 + Int.random(in: 0..<1024))).map { _ in UInt8.random(in: 0...255) }
        let layers = (reuse.map { [$0.bytes] } ?? []) + [fresh]
        let config = Array("{\"architecture\":\"\(architecture)\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"nonce\":\"\(UUID().uuidString)\"}".utf8)
        // The blobs go up concurrently, as docker and containerd push an image's layers and config; the manifest
        // goes last. (One after the other, a HEAD that skipped the reused layer waited for both uploads before the
        // PUT: over S3 a window of seconds in which a collection could unlink that layer.)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let reuse {
                group.addTask {
                    let digest = StoreFiles.sha256(reuse.bytes)
                    if try await api.blobExists(repo, digest) {
                        await ledger.reused(skippedOnHead: true)
                    } else if reuse.repository != repo, try await api.mountBlob(repo, digest, from: reuse.repository) {
                        await ledger.reused(skippedOnHead: false)
                    } else {
                        try await upload(api, repo, reuse.bytes)
                        await ledger.reused(skippedOnHead: false)
                    }
                }
            }
            group.addTask { try await upload(api, repo, fresh) }
            group.addTask { try await upload(api, repo, config) }
            try await group.waitForAll()
        }
        func descriptor(_ type: String, _ bytes: [UInt8]) -> String {
            "{\"mediaType\":\"\(type)\",\"digest\":\"\(StoreFiles.sha256(bytes))\",\"size\":\(bytes.count)}"
        }
        let manifest = Array(("{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociManifest)\",\"config\":\(descriptor(MediaType.ociConfig, config)),"
            + "\"layers\":[\(layers.map { descriptor(MediaType.ociLayerGzip, $0) }.joined(separator: ","))]}").utf8)
        let digest = StoreFiles.sha256(manifest)
        let put = try await api.putManifest(repo, tag ?? digest, contentType: MediaType.ociManifest, body: manifest)
        guard put.status == 201 else { throw PushError(description: "manifest PUT \(put.status): \(put.bodyString.prefix(200))") }
        return (digest, layers.map { (repo, $0) })
    }

    /// An OCI index of two images pushed children first (untagged, by digest), then the index under `tag`.
    static func pushIndex(_ api: RegistryAPI, _ repo: String, tag: String, ledger: Ledger) async throws -> (String, [(String, [UInt8])]) {
        var children: [(String, Int)] = []
        var layers: [(String, [UInt8])] = []
        for arch in ["amd64", "arm64"] {
            let (child, childLayers) = try await pushImage(api, repo, tag: nil, reuse: nil, ledger: ledger, architecture: arch)
            let served = try await api.manifest(repo, child, accept: [MediaType.ociManifest])
            children.append((child, served.body.count))
            layers += childLayers
        }
        let manifests = zip(children, ["amd64", "arm64"]).map { c, arch in
            "{\"mediaType\":\"\(MediaType.ociManifest)\",\"digest\":\"\(c.0)\",\"size\":\(c.1),\"platform\":{\"architecture\":\"\(arch)\",\"os\":\"linux\"}}"
        }
        let index = Array("{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociIndex)\",\"manifests\":[\(manifests.joined(separator: ","))]}".utf8)
        let put = try await api.putManifest(repo, tag, contentType: MediaType.ociIndex, body: index)
        guard put.status == 201 else { throw PushError(description: "index PUT \(put.status): \(put.bodyString.prefix(200))") }
        return (StoreFiles.sha256(index), layers)
    }

    static func upload(_ api: RegistryAPI, _ repo: String, _ bytes: [UInt8]) async throws {
        let status = try await api.uploadBlob(repo, bytes)
        guard status == 201 else { throw PushError(description: "blob upload \(status)") }
    }

    // MARK: collectors

    /// One collector run: (succeeded, error text, blobs quarantined (or deleted for good on the final run), restored,
    /// redis keys purged).
    static func collect(_ collector: Collector, bed: Bed, deleteUntagged: Bool, final: Bool) async -> (Bool, String?, Int, Int, Int) {
        let store = bed.store
        let server = bed.server
        do {
            switch collector {
            case .drydockOnline:
                var args = ["gc", "--online", "--yes", "--json", "--settle", "1s"] + bed.onlineArguments
                args += final ? ["--grace", "0s", "--quarantine", "0s"] : ["--grace", "2s"]
                if deleteUntagged { args.append("--delete-untagged") }
                let result = try await bed.drydock(args + store)
                guard result.succeeded else { return (false, result.stderrString, 0, 0, 0) }
                struct Report: Decodable {
                    var cacheKeysPurged: Int
                    var quarantined: [String]
                    var restoredBlobs: [String]
                    var restoredFromEarlier: [String]
                    var deletedForGood: [String]
                }
                let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout))
                return (true, nil, final ? report.deletedForGood.count : report.quarantined.count,
                        report.restoredBlobs.count + report.restoredFromEarlier.count, report.cacheKeysPurged)
            case .drydockOffline:
                // The bare folder, as the issue measured it: with --config the registry's answering http.addr refuses it.
                var args = ["gc", "--yes", "--json"]
                if deleteUntagged { args.append("--delete-untagged") }
                let result = try await bed.drydock(args + [server.rootDirectory.path])
                struct Report: Decodable { var blobs: [String] }
                let swept = (try? JSONDecoder().decode(Report.self, from: Data(result.stdout)))?.blobs.count ?? 0
                return (result.succeeded, result.succeeded ? nil : result.stderrString, swept, 0, 0)
            case .registry282:
                let result = try await RegistryServer.garbageCollectResult(configPath: server.configPath, dryRun: false, deleteUntagged: deleteUntagged)
                let swept = result.stdoutString.split(separator: "\n").filter { $0.contains("blob eligible for deletion") }.count
                return (result.succeeded, result.succeeded ? nil : String(result.stderrString.suffix(300)), swept, 0, 0)
            }
        } catch {
            return (false, "\(error)", 0, 0, 0)
        }
    }

    // MARK: pulls

    /// Pulls `repository:tag` completely (manifest, index children, config, layers; each blob's sha256 checked);
    /// nil when it pulls, else what failed.
    static func pullProblem(_ api: RegistryAPI, _ repository: String, _ reference: String, expected: String?) async -> String? {
        struct Served: Decodable {
            struct D: Decodable { var digest: String }
            var manifests: [D]?
            var config: D?
            var layers: [D]?
        }
        do {
            let m = try await api.manifest(repository, reference)
            guard m.status == 200 else { return "manifest \(reference): HTTP \(m.status)" }
            let digest = StoreFiles.sha256(m.body)
            if let expected, digest != expected { return "manifest \(reference) is \(digest), pushed \(expected)" }
            let served = try JSONDecoder().decode(Served.self, from: Data(m.body))
            for child in served.manifests ?? [] {
                if let problem = await pullProblem(api, repository, child.digest, expected: child.digest) { return "child: \(problem)" }
            }
            for blob in (served.config.map { [$0.digest] } ?? []) + (served.layers ?? []).map(\.digest) {
                let b = try await api.getBlob(repository, blob)
                guard b.status == 200 else { return "blob \(blob): HTTP \(b.status)" }
                guard StoreFiles.sha256(b.body) == blob else { return "blob \(blob): \(b.body.count) bytes do not match their digest" }
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
