import ArgumentParser
import Foundation
import RegistryStorage
import StoreGenerator

/// Drydock against the registry's own tools on the same generated store, side by side in one run.
struct RunBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Measure drydock against docker-registry garbage-collect and sha256sum on one store (build with -c release)."
    )

    @Option(help: "Repositories to generate.") var repositories = 2000
    @Option(help: "Tags per repository.") var tags = 20
    @Option(help: "Layers per image.") var layers = 3
    @Option(help: "Use this existing store root instead of generating one.") var store: String?
    @Option(help: "The drydock binary (default: next to this one).") var drydock: String?
    @Option(help: "The registry binary.") var registry = "docker-registry"
    @Option(help: "MiB of blob data for the hashing comparison.") var hashMiB = 512
    @Option(help: "Runs of each drydock command and of the floor (the median is shown).") var repeats = 3
    @Flag(help: "Keep the generated store.") var keep = false

    struct Row {
        var name: String
        /// The command as users run it (a local store: no cache), then with `--cache-local` cold and warm.
        var drydock: (plain: Measurement, cold: Measurement, warm: Measurement)
        var floor: Measurement
        var registry: Measurement
    }

    static func median(_ runs: [Measurement]) -> Measurement { runs.sorted { $0.seconds < $1.seconds }[runs.count / 2] }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: scratch) } }
        let drydockPath = drydock ?? (URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("drydock").path)
        guard FileManager.default.isExecutableFile(atPath: drydockPath) else { throw BenchError("no drydock binary at \(drydockPath)") }

        let root: String
        if let store {
            root = store
        } else {
            root = scratch + "/store"
            let started = Date()
            let p = try StoreGenerator(shape: .init(repositories: repositories, tagsPerRepository: tags, layersPerImage: layers), root: root).generate()
            print("generated \(repositories)×\(tags)×\(layers): \(p.manifests) manifests, \(p.blobs.count) blobs, \(p.files) files in \(fmt(Date().timeIntervalSince(started))) s")
        }
        let config = scratch + "/config.yml"
        try "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(root)\n".write(toFile: config, atomically: true, encoding: .utf8)

        // Warm the page cache, so every contender reads from memory. Once is not enough: the virtual machines this
        // runs on drop cached file data that sits idle for some seconds (a `gc --dry-run` right after another took
        // 1.28 s; after 45 s idle, 1.75 s with 13 MB read from disk), so each contender also runs once, unmeasured,
        // right before each measured run (`warmedUp`).
        _ = try Measure.run(["find", root + "/docker/registry/v2", "-type", "f", "-name", "link", "-exec", "cat", "{}", "+"])
        func warmedUp(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Measurement {
            _ = try Measure.run(argv, environment: environment)
            return try Measure.run(argv, environment: environment)
        }

        // Drydock runs are repeated (medians): the machine is shared, so only ratios within one run mean much.
        // Plain: as users run it (a local store uses no cache); cold: `--cache-local` with an empty cache folder
        // (filled as it goes); warm: the same folder on the next run.
        let benchPath = URL(fileURLWithPath: CommandLine.arguments[0]).path
        var environment = ProcessInfo.processInfo.environment
        func drydockRuns(_ arguments: [String]) throws -> (plain: Measurement, cold: Measurement, warm: Measurement) {
            var plain: [Measurement] = []
            var cold: [Measurement] = []
            var warm: [Measurement] = []
            for _ in 0..<max(1, repeats) {
                environment["DRYDOCK_CACHE_DIR"] = scratch + "/cache-\(UUID().uuidString.prefix(8))"
                plain.append(try warmedUp([drydockPath] + arguments + [root], environment: environment))
                cold.append(try Measure.run([drydockPath] + arguments + ["--cache-local", root], environment: environment))
                warm.append(try Measure.run([drydockPath] + arguments + ["--cache-local", root], environment: environment))
                try? FileManager.default.removeItem(atPath: environment["DRYDOCK_CACHE_DIR"]!)
            }
            return (Self.median(plain), Self.median(cold), Self.median(warm))
        }
        func floorRuns(_ flags: [String]) throws -> Measurement {
            Self.median(try (0..<max(1, repeats)).map { _ in try warmedUp([benchPath, "floor"] + flags + [root]) })
        }

        var rows: [Row] = []
        let registryGC = try warmedUp([registry, "garbage-collect", "--dry-run", config])
        let drydockGC = try drydockRuns(["gc", "--dry-run", "--json"])
        let floor = try floorRuns([])
        // The most any cache of manifest facts can save on a local disk: the same walk with each manifest stat'ed.
        let cachedFloor = try floorRuns(["--cached"])
        rows.append(Row(name: "gc --dry-run", drydock: drydockGC, floor: floor, registry: registryGC))
        let samePlan = Self.eligible(registryGC.output) == Self.blobs(drydockGC.plain.output)
        let registryGCM = try warmedUp([registry, "garbage-collect", "--dry-run", "-m", config])
        let drydockGCM = try drydockRuns(["gc", "--dry-run", "--delete-untagged", "--json"])
        rows.append(Row(name: "gc --dry-run --delete-untagged (registry: -m)", drydock: drydockGCM, floor: floor, registry: registryGCM))
        let keepsWhatRegistryKeeps = Self.blobs(drydockGCM.plain.output).isSubset(of: Self.eligible(registryGCM.output))
        let ls = try drydockRuns(["ls", "--json"])
        let lsFloor = try floorRuns(["--listing"])
        rows.append(Row(name: "ls --json (full index; registry: gc dry-run)", drydock: ls, floor: lsFloor, registry: registryGC))

        print("\nfloor (a minimal C walk on 2 threads, drydock-bench floor): \(floor.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        print("floor --listing: \(lsFloor.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        print("floor --cached: \(cachedFloor.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        print("a warm cache's best case on this disk: floor / floor --cached = \(fmt(floor.seconds / cachedFloor.seconds))× (wall), "
            + "\(fmt(floor.cpuSeconds / cachedFloor.cpuSeconds))× (CPU)")
        print("\n| operation | drydock | registry | speed-up | floor | drydock / floor | peak RSS | --cache-local cold / warm | speed-up cold / warm | peak RSS cold / warm |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for r in rows {
            let (plain, cold, warm) = r.drydock
            let speedUp = { (m: Measurement) in "\(fmt(r.registry.seconds / max(m.seconds, 0.001)))×" }
            print("| \(r.name) | \(fmt(plain.seconds)) s | \(fmt(r.registry.seconds)) s | \(speedUp(plain)) | "
                + "\(fmt(r.floor.seconds)) s | \(fmt(plain.seconds / max(r.floor.seconds, 0.001)))× | \(plain.peakRSSKiB / 1024) MiB | "
                + "\(fmt(cold.seconds)) / \(fmt(warm.seconds)) s | \(speedUp(cold)) / \(speedUp(warm)) | "
                + "\(cold.peakRSSKiB / 1024) / \(warm.peakRSSKiB / 1024) MiB |")
        }
        // CPU time (user + system, both cores) does not depend on what else the machine runs: the steadier ratio.
        print("\n| operation (CPU seconds) | drydock | registry | ratio | floor | drydock / floor | --cache-local cold / warm | ratio cold / warm |")
        print("|---|---|---|---|---|---|---|---|")
        for r in rows {
            let (plain, cold, warm) = r.drydock
            let ratio = { (m: Measurement) in "\(fmt(r.registry.cpuSeconds / max(m.cpuSeconds, 0.001)))×" }
            print("| \(r.name) | \(fmt(plain.cpuSeconds)) | \(fmt(r.registry.cpuSeconds)) | \(ratio(plain)) | "
                + "\(fmt(r.floor.cpuSeconds)) | \(fmt(plain.cpuSeconds / max(r.floor.cpuSeconds, 0.001)))× | "
                + "\(fmt(cold.cpuSeconds)) / \(fmt(warm.cpuSeconds)) | \(ratio(cold)) / \(ratio(warm)) |")
        }
        print("\nsame gc plan as the registry (blobs): \(samePlan ? "yes" : "NO")")
        print("--delete-untagged sweeps nothing the registry's -m keeps: \(keepsWhatRegistryKeeps ? "yes" : "NO")")
        let sameOutput = [drydockGC, drydockGCM, ls].allSatisfy { $0.plain.output == $0.cold.output && $0.cold.output == $0.warm.output }
        print("plain, cold and warm runs print the same: \(sameOutput ? "yes" : "NO")")

        let firstList = try await Self.firstRepositoryList(root)
        print("first repository list: first entry after \(fmt(firstList.first * 1000)) ms, whole catalog (\(firstList.count)) after \(fmt(firstList.all * 1000)) ms")

        let filter = try await FilterBenchmark.run(rows: 40_000)
        let sorted = filter.keyMilliseconds.sorted()
        print("filtering a \(filter.rows)-row tag list, per typed key (reduce + render): median \(fmt(sorted[sorted.count / 2])) ms, worst \(fmt(sorted.last ?? 0)) ms (\(filter.rowsShownAfterFilter) row(s) left)")

        try await hashing(scratch)
    }

    /// Time to the first repository and to the whole catalog, in process (what the browser's first screen waits for).
    static func firstRepositoryList(_ root: String) async throws -> (first: Double, all: Double, count: Int) {
        let started = Date()
        let store = try RegistryStore.open(root: root)
        let first = Locked<Double?>(nil)
        let listing = try await store.repositories { _ in
            first.withLock { if $0 == nil { $0 = Date().timeIntervalSince(started) } }
        }
        return (first.withLock { $0 } ?? 0, Date().timeIntervalSince(started), listing.repositories.count)
    }

    /// Deep-verify hashing against sha256sum on the same blobs.
    func hashing(_ scratch: String) async throws {
        let v2 = scratch + "/hash/docker/registry/v2"
        let blobCount = 8
        let size = max(1, hashMiB / blobCount) << 20
        var digests: [Digest] = []
        var paths: [String] = []
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<blobCount {
            for j in stride(from: 0, to: size, by: 8) { bytes[j] = UInt8(truncatingIfNeeded: i &* 31 &+ j >> 12) }
            let d = Digest.sha256(of: bytes)
            let path = v2 + "/" + StoreLayout.blobData(d).relativeString
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            digests.append(d)
            paths.append(path)
        }
        _ = try Measure.run(["cat"] + paths)  // warm the cache
        let sha256sum = try Measure.run(["sha256sum"] + paths)
        let total = Double(size * blobCount) / 1_048_576
        let driver = try FilesystemDriver(v2Directory: v2)
        var results: [(Int, Double)] = []
        for concurrency in [1, 2] {
            let hasher = BlobHasher(driver: driver)
            let started = Date()
            let outcomes = await hasher.hashAll(digests, sizes: [:], concurrency: concurrency)
            let seconds = Date().timeIntervalSince(started)
            guard outcomes.values.allSatisfy({ $0 == .intact }) else { throw BenchError("hashing disagreed with the digests") }
            results.append((concurrency, total / seconds))
        }
        print("\ndeep-verify hashing of \(Int(total)) MiB in \(blobCount) blobs:")
        print("  sha256sum (one process): \(fmt(total / sha256sum.seconds)) MiB/s")
        for (c, rate) in results { print("  drydock, \(c) reader(s): \(fmt(rate)) MiB/s (\(fmt(rate / (total / sha256sum.seconds))) × sha256sum)") }
        print("peak RSS of this benchmark process: \(Measure.selfPeakRSSKiB() / 1024) MiB")
    }

    static func eligible(_ output: String) -> Set<String> {
        Set(output.split(separator: "\n").compactMap { line in
            line.hasPrefix("blob eligible for deletion: ") ? String(line.dropFirst("blob eligible for deletion: ".count)) : nil
        })
    }

    static func blobs(_ json: String) -> Set<String> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let blobs = object["blobs"] as? [String]
        else { return [] }
        return Set(blobs)
    }
}

func fmt(_ x: Double) -> String { String(format: x >= 100 ? "%.0f" : "%.2f", x) }
