import ArgumentParser
import Foundation
import RegistryStorage
import StoreGenerator

@main
struct DrydockBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drydock-bench",
        abstract: "Generate large registry stores and measure Drydock against the registry's own tools.",
        subcommands: [Generate.self, RunBenchmark.self, FloorBenchmark.self, FilterCommand.self, PlanBenchmark.self, S3Benchmark.self, MeasuredChild.self]
    )
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a valid registry store of a given shape.")

    @Option(help: "Repositories.") var repositories = 2000
    @Option(help: "Tags per repository.") var tags = 20
    @Option(help: "Layers per image (the first is a base layer shared across repositories).") var layers = 3
    @Option(help: "Every Nth repository holds multi-arch indexes (0: none).") var indexEvery = 10
    @Option(help: "Orphan blobs.") var orphans = 100
    @Flag(help: "Do not keep each tag's previous revision in its history.") var noHistory = false
    @Argument(help: "Folder to create (the store root; must not exist).") var directory: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: directory) else {
            throw ValidationError("\(directory) exists; name a new folder")
        }
        var shape = StoreGenerator.Shape(repositories: repositories, tagsPerRepository: tags, layersPerImage: layers)
        shape.indexEvery = indexEvery
        shape.orphanBlobs = orphans
        shape.keepOldRevisions = !noHistory
        let start = Date()
        let prediction = try StoreGenerator(shape: shape, root: directory).generate { done in
            if done % 100 == 0 || done == repositories {
                FileHandle.standardError.write(Data("\r\(done)/\(repositories) repositories".utf8))
            }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        print("wrote \(prediction.files) files: \(prediction.manifests) manifests, \(prediction.blobs.count) blobs (\(prediction.orphans.count) orphans, \(prediction.untaggedRevisions.count) untagged revisions) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
}


struct FilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter", abstract: "Time the browser's redraw while a filter is typed over a long tag list.")

    @Option(help: "Tags in the list.") var rows = 40_000

    func run() async throws {
        let result = try await FilterBenchmark.run(rows: rows)
        print("per typed key (ms): " + result.keyMilliseconds.map { String(format: "%.2f", $0) }.joined(separator: " "))
        print("rows left after the filter: \(result.rowsShownAfterFilter)")
    }
}
