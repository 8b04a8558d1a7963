import Foundation
import Testing
import RegistryStorage
import StoreGenerator

/// `drydock gc` as an operator meets a long sweep: progress with rate and time left, SIGINT stopping it after the
/// current batch with the journal entry to resume, and `gc --resume ID` ending where an uninterrupted run ends.
@Suite struct GCResumeCommandTests {
    /// Every file under `docker/registry/v2` except Drydock's journal, with its size.
    static func registryFiles(_ root: String) -> [String: Int] {
        let v2 = root + "/docker/registry/v2"
        var out: [String: Int] = [:]
        guard let walker = FileManager.default.enumerator(atPath: v2) else { return out }
        while let relative = walker.nextObject() as? String {
            guard !relative.hasPrefix("drydock"), (walker.fileAttributes?[.type] as? FileAttributeType) == .typeRegular else { continue }
            out[relative] = (walker.fileAttributes?[.size] as? Int) ?? -1
        }
        return out
    }

    @discardableResult
    static func generate(_ root: String, orphans: Int) throws -> StoreGenerator.Prediction {
        var shape = StoreGenerator.Shape(repositories: 6, tagsPerRepository: 3, layersPerImage: 2)
        shape.orphanBlobs = orphans
        return try StoreGenerator(shape: shape, root: root).generate()
    }

    @Test(.timeLimit(.minutes(3)))
    func aForcedProgressRunShowsCountsAndTheUnfinishedRunIsNamed() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-gc-progress")
        defer { scratch.remove() }
        let root = scratch.url.appendingPathComponent("store").path
        let swept = ProgressRate.grouped(try Self.generate(root, orphans: 2500).orphans.count)
        let run = try await DrydockBinary.run(["gc", "--yes", "--progress", root], timeout: 120)
        #expect(run.exitCode == 0, "\(run.stderrString)")
        let lines = run.stderrString.split(separator: "\n").map(String.init).filter { $0.hasPrefix("drydock: progress: ") }
        #expect(lines.first?.hasPrefix("drydock: progress: indexed ") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("drydock: progress: swept \(swept)/\(swept) blobs") == true, "\(lines)")
        let rated = lines.filter { $0.contains("/s") }
        for line in rated { #expect(line.range(of: #"blobs · [0-9 ]+/s( · ETA [0-9]+ (s|min [0-9]{2} s))?$"#, options: .regularExpression) != nil, "\(line)") }
        #expect(!run.stdoutString.contains("progress"), "progress stays off standard output")
    }

    @Test(.timeLimit(.minutes(5)))
    func sigintStopsAfterABatchAndResumeEndsWhereAnUninterruptedRunEnds() async throws {
        let scratch = try TemporaryDirectory(prefix: "drydock-gc-sigint")
        defer { scratch.remove() }
        let interrupted = scratch.url.appendingPathComponent("interrupted").path
        let whole = scratch.url.appendingPathComponent("whole").path
        for root in [interrupted, whole] { try Self.generate(root, orphans: 6000) }
        #expect(Self.registryFiles(interrupted) == Self.registryFiles(whole))

        let wholeStarted = Date()
        let uninterrupted = try await DrydockBinary.run(["gc", "--yes", "--delete-untagged", "--no-progress", whole], timeout: 180)
        let wholeSeconds = Date().timeIntervalSince(wholeStarted)
        #expect(uninterrupted.exitCode == 0, "\(uninterrupted.stderrString)")

        // The same run, interrupted once the sweep has begun.
        let errors = scratch.url.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DrydockBinary.path())
        process.arguments = ["gc", "--yes", "--delete-untagged", "--progress", interrupted]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        // The blob phase's first line ("swept 0/N") is drawn as the phase begins, and the phase then runs batch after
        // batch for about a second. The watch runs on a thread of its own: a poll on the test's task can wait longer
        // than that for one of the two cooperative threads while the whole suite runs (CI saw the run end unseen).
        let watched = Locked(false)
        let pid = process.processIdentifier
        let watcher = Thread {
            while Date() < deadline {
                let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                if text.contains("drydock: progress: swept ") {
                    kill(pid, SIGINT)
                    watched.withLock { $0 = true }
                    return
                }
                if kill(pid, 0) != 0 { return }
                usleep(1_000)
            }
        }
        watcher.start()
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(watched.withLock { $0 }, "the sweep began and was signalled")
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 130, "\(stderr)")
        let id = try #require(stderr.firstMatch(of: #/drydock gc --resume ([0-9TZ.\-a-f]+)/#)?.1, "\(stderr)")
        #expect(stderr.contains("interrupted: stopped after"), "\(stderr)")
        #expect(Self.registryFiles(interrupted) != Self.registryFiles(whole), "stopped part way")

        // The next gc names the unfinished run; --resume finishes it in the same journal entry.
        let dry = try await DrydockBinary.run(["gc", "--dry-run", interrupted])
        #expect(!dry.stderrString.contains("stopped part way"), "a dry run reads no journal")
        let started = Date()
        let resumed = try await DrydockBinary.run(["gc", "--resume", String(id), "--yes", "--json", interrupted], timeout: 180)
        let seconds = Date().timeIntervalSince(started)
        #expect(resumed.exitCode == 0, "\(resumed.stderrString)")
        struct Report: Decodable { var journal: String; var doneBefore: Int; var remaining: Int; var kept: [String] }
        let report = try JSONDecoder().decode(Report.self, from: Data(resumed.stdout))
        #expect(report.journal == String(id) && report.doneBefore > 0 && report.remaining > 0 && report.kept.isEmpty)
        print("gc --resume after SIGINT: \(report.doneBefore) removals done before, \(report.remaining) left, resumed in \(String(format: "%.1f", seconds)) s; the uninterrupted run took \(String(format: "%.1f", wholeSeconds)) s")
        #expect(Self.registryFiles(interrupted) == Self.registryFiles(whole), "the same store as after the uninterrupted run")
        let list = try await DrydockBinary.run(["undo", "--list", "--json", interrupted])
        struct Entry: Decodable { var id: String; var operation: String; var completed: Bool }
        let entries = try JSONDecoder().decode([Entry].self, from: Data(list.stdout))
        #expect(entries.map(\.operation) == ["gc"] && entries.first?.completed == true, "\(list.stdoutString)")
        let again = try await DrydockBinary.run(["gc", "--resume", String(id), "--yes", interrupted])
        #expect(again.exitCode == 1 && again.stderrString.contains("finished"), "\(again.stderrString)")
    }
}
