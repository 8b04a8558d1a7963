import ArgumentParser
import Foundation
import RegistryStorage
import StoreGenerator
import TestHarness

#if canImport(Glibc)
import Glibc
#endif

/// Drydock against the registry's own collector on the same store in an S3 bucket (moto), side by side in one run:
/// wall time, peak memory, and the requests each makes (counted from moto's access log).
struct S3Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3",
        abstract: "Upload a store to moto and measure drydock against docker-registry garbage-collect over S3 (build with -c release).",
        discussion: """
            Starts moto_server (from PATH, or --moto) on a free loopback port, uploads the store under \
            s3://\(bucket)/\(rootDirectory), writes the registry's s3 config.yml and runs both tools on it. Requests are \
            counted from moto's access log (one line per request), checked against Drydock's own count.
            """
    )

    static let bucket = "drydock-bench"
    static let rootDirectory = "bench/store"
    /// Rows of a tall terminal: the browser's first screen.
    static let screenRows = 40

    @Option(help: "Repositories to generate.") var repositories = 200
    @Option(help: "Tags per repository.") var tags = 10
    @Option(help: "Layers per image.") var layers = 3
    @Option(help: "Upload this existing store root instead of generating one.") var store: String?
    @Option(help: "The drydock binary (default: next to this one).") var drydock: String?
    @Option(help: "The registry binary.") var registry = "docker-registry"
    @Option(help: "The moto_server executable (a name is looked up on PATH).") var moto = "moto_server"
    @Option(help: "Uploads in flight at once.") var uploadConcurrency = 32
    @Flag(help: "Skip the registry's garbage-collect -m comparison (it takes as long as the plain one).") var skipUntagged = false
    @Flag(help: "Keep the scratch folder (store, config.yml, moto.log).") var keep = false

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-bench-s3-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer {
            if keep { print("kept \(scratch)") } else { try? FileManager.default.removeItem(atPath: scratch) }
        }
        let drydockPath = drydock ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("drydock").path
        guard FileManager.default.isExecutableFile(atPath: drydockPath) else { throw BenchError("no drydock binary at \(drydockPath)") }
        guard let motoPath = RequiredTool.path(of: moto) else {
            throw BenchError("\(moto) not found on PATH: install moto with its server (pip install 'moto[server]') or pass --moto PATH")
        }
        guard let registryPath = RequiredTool.path(of: registry) else { throw BenchError("\(registry) not found on PATH (pass --registry PATH)") }

        // 1. The store.
        let root: String
        var prediction: StoreGenerator.Prediction?
        if let store {
            root = store
        } else {
            root = scratch + "/store"
            let started = Date()
            let p = try StoreGenerator(shape: .init(repositories: repositories, tagsPerRepository: tags, layersPerImage: layers), root: root).generate()
            prediction = p
            sayNow("generated \(repositories)×\(tags)×\(layers): \(p.manifests) manifests, \(p.blobs.count) blobs, \(p.files) files in \(fmt(Date().timeIntervalSince(started))) s")
        }

        // 2. moto, the bucket, the upload.
        let server = try await MotoServer.start(startupTimeout: 60, executable: motoPath)
        defer {
            // The log lives in moto's own work folder, which stop() removes.
            if keep { try? FileManager.default.copyItem(atPath: server.logPath, toPath: scratch + "/moto.log") }
            server.stop()
        }
        let requestLog = RequestLog(path: server.logPath)
        sayNow("moto_server on \(server.endpoint) (pid \(server.pid))")
        let location = S3Location(bucket: Self.bucket, rootDirectory: Self.rootDirectory, region: "us-east-1", endpoint: server.endpoint, secure: false)
        let credentials = S3Credentials(accessKeyID: "bench", secretAccessKey: "bench")
        try await server.createBucket(Self.bucket)

        let beforeUpload = requestLog.mark()
        let upload = try await Self.upload(root: root, to: location, credentials: credentials, concurrency: uploadConcurrency)
        let uploadLog = requestLog.requests(since: beforeUpload)
        sayNow("uploaded \(upload.files) objects (\(fmt(Double(upload.bytes) / 1_048_576)) MiB) in \(fmt(upload.seconds)) s (\(fmt(Double(upload.files) / upload.seconds)) PUT/s, \(uploadConcurrency) in flight)")
        // The log counter must see exactly the PUTs the driver sent: otherwise every count below is suspect.
        guard uploadLog.byKind["put"] == upload.requests.put, uploadLog.total == upload.requests.total else {
            throw BenchError("moto's log shows \(uploadLog) for the upload, the driver sent \(upload.requests)")
        }
        sayNow("request counting checked: moto's log shows \(uploadLog.total) requests for the upload, the driver counted \(upload.requests.total)")

        // 3. The registry's configuration for the bucket.
        let config = scratch + "/config.yml"
        var options = RegistryServer.Options()
        options.logLevel = "warn"
        options.s3 = RegistryServer.S3Storage(
            regionEndpoint: server.endpoint.absoluteString, bucket: Self.bucket, rootDirectory: "/" + Self.rootDirectory,
            accessKey: credentials.accessKeyID, secretKey: credentials.secretAccessKey)
        // garbage-collect never serves: the http address in the file is unused.
        try RegistryServer.configYAML(options: options, root: URL(fileURLWithPath: scratch), port: 5000)
            .write(toFile: config, atomically: true, encoding: .utf8)
        // Shell.childEnvironment drops AWS_CA_BUNDLE, REGISTRY_* and proxies; the config's keys must be the only ones.
        var environment = Shell.childEnvironment()
        for name in environment.keys where name.hasPrefix("AWS_") { environment[name] = nil }

        func measure(_ argv: [String], cache: String? = nil) throws -> (Measurement, RequestTally) {
            let mark = requestLog.mark()
            let motoCPU = server.cpuSeconds()
            let errPath = scratch + "/stderr-\(UUID().uuidString.prefix(6)).txt"
            var environment = environment
            // Each drydock run names its cache folder: an empty one is a cold run, the same one again a warm run.
            environment["DRYDOCK_CACHE_DIR"] = cache ?? scratch + "/cache-unused-\(UUID().uuidString.prefix(6))"
            let m = try Measure.run(argv, environment: environment, stderrPath: errPath)
            var tally = requestLog.requests(since: mark)
            tally.serverCPUSeconds = server.cpuSeconds() - motoCPU
            guard m.status == 0 else {
                let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
                throw BenchError("\(argv.joined(separator: " ")) exited \(m.status):\n\(err.suffix(3000))")
            }
            try? FileManager.default.removeItem(atPath: errPath)
            return (m, tally)
        }

        // 4. Side by side.
        struct Row {
            var name: String
            var drydock: (Measurement, RequestTally)
            var registry: (Measurement, RequestTally)?
        }
        var rows: [Row] = []
        sayNow("running docker-registry garbage-collect --dry-run …")
        let registryGC = try measure([registryPath, "garbage-collect", "--dry-run", config])
        // Cold: an empty content cache (every manifest read); warm: the same command again with the cache it filled.
        let gcCache = scratch + "/cache-gc"
        let drydockGC = try measure([drydockPath, "gc", "--dry-run", "--json", "--config", config], cache: gcCache)
        rows.append(Row(name: "gc --dry-run, cold cache", drydock: drydockGC, registry: registryGC))
        let drydockGCWarm = try measure([drydockPath, "gc", "--dry-run", "--json", "--config", config], cache: gcCache)
        rows.append(Row(name: "gc --dry-run, warm cache", drydock: drydockGCWarm, registry: registryGC))
        let registryPlan = RunBenchmark.eligible(registryGC.0.output)
        let drydockPlan = RunBenchmark.blobs(drydockGC.0.output)
        var sameColdWarm = ["gc --dry-run --json": drydockGC.0.output == drydockGCWarm.0.output]

        var untaggedAgreement: (subset: Bool, drydock: Int, registry: Int)?
        if !skipUntagged {
            sayNow("running docker-registry garbage-collect --dry-run -m …")
            let registryGCM = try measure([registryPath, "garbage-collect", "--dry-run", "-m", config])
            let drydockGCM = try measure([drydockPath, "gc", "--dry-run", "--delete-untagged", "--json", "--config", config])
            rows.append(Row(name: "gc --dry-run --delete-untagged (registry: -m)", drydock: drydockGCM, registry: registryGCM))
            let d = RunBenchmark.blobs(drydockGCM.0.output)
            let r = RunBenchmark.eligible(registryGCM.0.output)
            untaggedAgreement = (d.isSubset(of: r), d.count, r.count)
        }
        sayNow("running drydock ls --json …")
        let lsCache = scratch + "/cache-ls"
        let ls = try measure([drydockPath, "ls", "--json", "--config", config], cache: lsCache)
        rows.append(Row(name: "ls --json (full index), cold cache", drydock: ls, registry: registryGC))
        let lsWarm = try measure([drydockPath, "ls", "--json", "--config", config], cache: lsCache)
        rows.append(Row(name: "ls --json (full index), warm cache", drydock: lsWarm, registry: registryGC))
        sameColdWarm["ls --json"] = ls.0.output == lsWarm.0.output
        let listed = Self.repositoryCount(ls.0.output)

        let mark = requestLog.mark()
        let firstCPU = server.cpuSeconds()
        let first = try await Self.firstRepositoryList(location: location, credentials: credentials)
        var firstLog = requestLog.requests(since: mark)
        firstLog.serverCPUSeconds = server.cpuSeconds() - firstCPU
        let flat = try await Self.flatCatalog(location: location, credentials: credentials)
        let folderWalk = try await Self.folderWalkCatalog(location: location, credentials: credentials)

        // 5. The report.
        print("\nstore: \(prediction.map { "\(repositories)×\(tags)×\(layers), \($0.manifests) manifests, \($0.blobs.count) blobs, " } ?? "")\(upload.files) objects in s3://\(Self.bucket)/\(Self.rootDirectory) on moto")
        print("\n| operation | drydock | registry | speed-up | requests drydock | requests registry | CPU drydock / registry | peak RSS drydock / registry |")
        print("|---|---|---|---|---|---|---|---|")
        for row in rows {
            let (d, dr) = row.drydock
            let r = row.registry
            let speedup = r.map { fmt($0.0.seconds / max(d.seconds, 0.001)) + "×" } ?? "-"
            let registryTime = r.map { fmt($0.0.seconds) + " s" } ?? "-"
            let registryRequests = r.map { "\($0.1.total)" } ?? "-"
            let rss = "\(d.peakRSSKiB / 1024) / \(r.map { "\($0.0.peakRSSKiB / 1024)" } ?? "-") MiB"
            let cpu = "\(fmt(d.cpuSeconds)) / \(r.map { fmt($0.0.cpuSeconds) } ?? "-") s"
            print("| \(row.name) | \(fmt(d.seconds)) s | \(registryTime) | \(speedup) | \(dr.total) | \(registryRequests) | \(cpu) | \(rss) |")
        }
        let firstTime = first.first.map { "\(fmt($0.seconds * 1000)) ms" } ?? "-"
        // Requests, then in parentheses the round trips in a row since opening (the probe included).
        func cell(_ p: Point) -> String { "\(p.requests.total) (\(p.roundTrips) in a row)" }
        print("| first repository (in process) | \(firstTime) | - | - | \(first.first.map(cell) ?? "0") | - | - | - |")
        if let screen = first.screen {
            print("| first \(Self.screenRows) repositories (a screen) | \(fmt(screen.seconds * 1000)) ms | - | - | \(cell(screen)) | - | - | - |")
        }
        print("| whole catalog, \(first.count) repositories | \(fmt(first.all.seconds * 1000)) ms | - | - | \(cell(first.all)) | - | - | - |")
        print("| whole catalog from one flat listing (ls, gc) | \(fmt(flat.seconds * 1000)) ms | - | - | \(cell(flat)) | - | - | - |")
        print("| whole catalog folder by folder (before) | \(fmt(folderWalk.seconds * 1000)) ms | - | - | \(cell(folderWalk)) | - | - | - |")

        print("\nrequests by kind (from moto's log):")
        func shapes(_ tally: RequestTally) {
            for (shape, count) in tally.topShapes(6) { print("      \(count)\t\(shape)") }
        }
        for row in rows {
            print("  \(row.name), drydock: \(row.drydock.1)")
            shapes(row.drydock.1)
            if let r = row.registry, !row.name.hasPrefix("ls --json"), !row.name.hasSuffix("warm cache") {
                print("  \(row.name), registry: \(r.1)")
                shapes(r.1)
            }
        }
        print("  catalog (open + repositories()), drydock: \(firstLog)")
        shapes(firstLog)
        let catalogChecked = firstLog.total == first.all.requests.total
        print("  catalog requests, moto's log vs the driver's count: \(firstLog.total) vs \(first.all.requests.total) \(catalogChecked ? "(agree)" : "(DISAGREE)")")

        for (command, same) in sameColdWarm.sorted(by: { $0.key < $1.key }) {
            print("\(command): cold and warm outputs byte-identical: \(same ? "yes" : "NO")")
        }
        print("\nsame gc plan as the registry (blobs): \(registryPlan == drydockPlan ? "yes" : "NO") (drydock \(drydockPlan.count), registry \(registryPlan.count))")
        if registryPlan != drydockPlan {
            print("  only drydock: \(drydockPlan.subtracting(registryPlan).sorted().prefix(5)); only registry: \(registryPlan.subtracting(drydockPlan).sorted().prefix(5))")
        }
        if let prediction {
            let predicted = Set(prediction.orphans.map(\.description))
            print("drydock's plan is the generator's orphans: \(drydockPlan == predicted ? "yes" : "NO") (\(predicted.count) predicted)")
        }
        if let untaggedAgreement {
            print("--delete-untagged sweeps nothing the registry's -m keeps: \(untaggedAgreement.subset ? "yes" : "NO") (drydock \(untaggedAgreement.drydock) blobs, registry \(untaggedAgreement.registry))")
        }
        if let listed {
            print("ls --json listed \(listed) repositories; the catalog has \(first.count)")
        }
        print("peak RSS of this benchmark process: \(Measure.selfPeakRSSKiB() / 1024) MiB; moto's peak RSS: \(server.peakRSSKiB().map { "\($0 / 1024) MiB" } ?? "?")")
    }

    // MARK: Steps

    /// Every file of the store, PUT through the S3 driver with `concurrency` requests in flight.
    static func upload(root: String, to location: S3Location, credentials: S3Credentials, concurrency: Int) async throws
        -> (files: Int, bytes: Int, seconds: Double, requests: S3RequestCounts)
    {
        let v2 = try v2Directory(root)
        var paths: [[String]] = []
        guard let walker = FileManager.default.enumerator(atPath: v2) else { throw BenchError("cannot read \(v2)") }
        while let relative = walker.nextObject() as? String {
            if (walker.fileAttributes?[.type] as? FileAttributeType) == .typeRegular {
                paths.append(relative.split(separator: "/").map(String.init))
            }
        }
        let driver = S3Driver(
            location: location, credentials: credentials, transport: URLSessionTransport(timeout: 120),
            maxConcurrentRequests: concurrency)
        let started = Date()
        var done = 0
        var bytes = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func add() throws {
                let parts = paths[next]
                next += 1
                guard let path = StoragePath(validating: parts) else {
                    throw BenchError("\(parts.joined(separator: "/")) cannot be a store path")
                }
                let file = v2 + "/" + parts.joined(separator: "/")
                group.addTask {
                    guard let data = FileManager.default.contents(atPath: file) else { throw BenchError("cannot read \(file)") }
                    try await driver.write(path, contents: Array(data))
                    return data.count
                }
            }
            while next < min(paths.count, concurrency * 2) { try add() }
            while let written = try await group.next() {
                done += 1
                bytes += written
                if next < paths.count { try add() }
                if done % 2000 == 0 || done == paths.count {
                    let rate = Double(done) / max(Date().timeIntervalSince(started), 0.001)
                    FileHandle.standardError.write(Data("\ruploaded \(done)/\(paths.count) (\(Int(rate))/s)".utf8))
                }
            }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        return (done, bytes, Date().timeIntervalSince(started), driver.requestCounts)
    }

    static func v2Directory(_ root: String) throws -> String {
        for candidate in [root + "/docker/registry/v2", root] where FileManager.default.fileExists(atPath: candidate + "/repositories") {
            return candidate
        }
        throw BenchError("\(root) holds no docker/registry/v2/repositories")
    }

    struct Point {
        var seconds: Double
        var requests: S3RequestCounts
        /// Requests in a row (each sent after the one before it was answered): what a distant endpoint multiplies.
        var roundTrips: Int
    }

    /// What the browser's first screen waits for, in process: open (one probe), then the catalog as it streams in.
    static func firstRepositoryList(location: S3Location, credentials: S3Credentials) async throws
        -> (first: Point?, screen: Point?, all: Point, count: Int)
    {
        let started = Date()
        let access = S3Access(location: location, credentials: credentials, credentialSource: .configuration)
        let store = try await RegistryStore.open(s3: access)
        guard let driver = store.driver as? S3Driver else { throw BenchError("not an S3 store") }
        let points = Locked<(seen: Int, first: Point?, screen: Point?)>((0, nil, nil))
        let listing = try await store.repositories { _ in
            let now = Point(seconds: Date().timeIntervalSince(started), requests: driver.requestCounts, roundTrips: driver.sequentialRoundTrips)
            points.withLock {
                $0.seen += 1
                if $0.seen == 1 { $0.first = now }
                if $0.seen == screenRows { $0.screen = now }
            }
        }
        let all = Point(seconds: Date().timeIntervalSince(started), requests: driver.requestCounts, roundTrips: driver.sequentialRoundTrips)
        let p = points.withLock { $0 }
        return (p.first, p.screen, all, listing.repositories.count)
    }

    /// The whole catalog as `ls` and `gc` get it: open, one flat listing of `repositories/` (first-level folders at
    /// once), then the catalog walk answered from it.
    static func flatCatalog(location: S3Location, credentials: S3Credentials) async throws -> Point {
        let started = Date()
        let store = try await RegistryStore.open(s3: S3Access(location: location, credentials: credentials, credentialSource: .configuration))
        guard let driver = store.driver as? S3Driver else { throw BenchError("not an S3 store") }
        await store.beginScan()
        _ = try await store.repositories()
        store.endScan()
        return Point(seconds: Date().timeIntervalSince(started), requests: driver.requestCounts, roundTrips: driver.sequentialRoundTrips)
    }

    /// The catalog as it was walked before the flat listings: open, then one delimited listing per folder.
    static func folderWalkCatalog(location: S3Location, credentials: S3Credentials) async throws -> Point {
        let started = Date()
        let store = try await RegistryStore.open(s3: S3Access(location: location, credentials: credentials, credentialSource: .configuration))
        guard let driver = store.driver as? S3Driver else { throw BenchError("not an S3 store") }
        _ = try await Catalog.walk(driver)
        return Point(seconds: Date().timeIntervalSince(started), requests: driver.requestCounts, roundTrips: driver.sequentialRoundTrips)
    }

    /// The `repositories` array's length in `ls --json` output.
    static func repositoryCount(_ json: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let repositories = object["repositories"] as? [Any]
        else { return nil }
        return repositories.count
    }
}

/// Prints and flushes at once: progress shows up even when the output goes to a file.
func sayNow(_ line: String) {
    print(line)
    fflush(nil)
}

// MARK: - moto

/// Requests counted from moto's access log between two marks.
struct RequestLog {
    let path: String

    /// The log's current length: requests after this point belong to the next measurement.
    func mark() -> UInt64 {
        // A request is logged before its answer is sent; the client has had its answer by now.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    func requests(since mark: UInt64) -> RequestTally {
        guard let handle = FileHandle(forReadingAtPath: path) else { return RequestTally() }
        defer { try? handle.close() }
        try? handle.seek(toOffset: mark)
        let data = (try? handle.readToEnd()) ?? Data()
        var tally = RequestTally()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            tally.add(logLine: line)
        }
        return tally
    }
}

/// Requests by kind: `list` (ListObjects on the bucket), `get`/`head`/`put`/`delete` of an object, `post` (batch
/// delete), `bucket` (other bucket-level calls); non-2xx answers counted apart.
struct RequestTally: CustomStringConvertible {
    var byKind: [String: Int] = [:]
    /// Requests by what they ask for, names and digests elided (`get repositories/<repo>/_manifests/tags/<tag>/current/link`).
    var byShape: [String: Int] = [:]
    var notOK = 0
    /// CPU moto spent meanwhile (when measured): on one loopback server, the request count sets the pace.
    var serverCPUSeconds: Double?
    var total: Int { byKind.values.reduce(0, +) }

    /// `127.0.0.1 - - [date] "GET /bucket?list-type=2&prefix=... HTTP/1.1" 200 -`; other lines are ignored.
    mutating func add(logLine line: Substring) {
        guard let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close else { return }
        let request = line[line.index(after: open)..<close]
        guard let space = request.firstIndex(of: " "), let protocolStart = request.range(of: " HTTP/", options: .backwards)
        else { return }
        let method = String(request[..<space])
        guard ["GET", "HEAD", "PUT", "POST", "DELETE"].contains(method) else { return }
        let target = request[request.index(after: space)..<protocolStart.lowerBound]
        let status = Int(line[line.index(after: close)...].split(separator: " ").first ?? "") ?? 0
        // Path-style: /BUCKET or /BUCKET/ is the bucket, /BUCKET/KEY an object; moto's own API is not S3.
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if pathPart.hasPrefix("/moto-api") { return }
        let parts = pathPart.dropFirst().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let isObject = parts.count == 2 && !parts[1].isEmpty
        let kind: String
        switch (method, isObject) {
        case ("GET", false): kind = target.contains("list-type=") || target.contains("prefix=") ? "list" : "bucket"
        case ("GET", true): kind = "get"
        case ("HEAD", true): kind = "head"
        case ("PUT", true): kind = "put"
        case ("DELETE", true): kind = "delete"
        case ("POST", _): kind = "post"
        default: kind = "bucket"
        }
        byKind[kind, default: 0] += 1
        byShape[Self.shape(kind: kind, target: target), default: 0] += 1
        if !(200..<300).contains(status) { notOK += 1 }
    }

    /// The `n` most frequent request shapes, most frequent first.
    func topShapes(_ n: Int) -> [(shape: String, count: Int)] {
        byShape.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(n).map { ($0.key, $0.value) }
    }

    /// `kind key-or-prefix` relative to the store's v2 prefix, with repository names, tags and digests elided; a
    /// listing says whether it is one level (`/`) or flat, and ListObjects v1 or v2.
    static func shape(kind: String, target: Substring) -> String {
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var key = ""
        var detail = ""
        if kind == "list" {
            let query = pieces.count > 1 ? pieces[1] : ""
            var parameters: [Substring: Substring] = [:]
            for pair in query.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                parameters[kv[0]] = kv.count > 1 ? kv[1] : ""
            }
            key = String(parameters["prefix"] ?? "")
            detail = (parameters["list-type"] == "2" ? "v2" : "v1") + (parameters["delimiter"] != nil ? " level" : " flat")
            if let maxKeys = parameters["max-keys"], maxKeys == "1" { detail += " max-keys=1" }
            if parameters["continuation-token"] != nil || parameters["marker"] != nil { detail += " next page" }
        } else {
            let parts = pieces[0].dropFirst().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            key = parts.count > 1 ? String(parts[1]) : ""
        }
        if let v2 = key.range(of: "docker/registry/v2/") { key = String(key[v2.upperBound...]) } else if key.hasSuffix("docker/registry/v2") { key = "" }
        // What each component stands for comes from the layout's one reading (`StoreEntry.roles`).
        let components = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var elided: [String] = []
        for (component, role) in zip(components, StoreEntry.roles(of: components)) {
            switch role {
            case .repositoryName?: if elided.last != "<repo>" { elided.append("<repo>") }
            case .tag? where !component.isEmpty: elided.append("<tag>")
            case .hex? where !component.isEmpty: elided.append("<hex>")
            case .fanOut? where !component.isEmpty: elided.append("<xx>")
            default: elided.append(component)
            }
        }
        let shown = elided.joined(separator: "/")
        return "\(kind)\(detail.isEmpty ? "" : " (\(detail))") \(shown.isEmpty ? "<v2>" : shown)"
    }

    var description: String {
        let order = ["list", "get", "head", "put", "delete", "post", "bucket"]
        let parts = order.compactMap { k in byKind[k].map { "\(k) \($0)" } }
        let cpu = serverCPUSeconds.map { String(format: "; moto CPU %.1f s, %.1f ms a request", $0, $0 * 1000 / Double(max(total, 1))) } ?? ""
        return "\(total) requests (\(parts.joined(separator: ", "))\(notOK > 0 ? "; \(notOK) not 2xx" : "")\(cpu))"
    }
}
