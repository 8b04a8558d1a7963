import ArgumentParser
import CBenchFloor
import Foundation

/// The floor: a minimal collector walk in C over the same files (`Sources/CBenchFloor`), so the README can say how
/// close Drydock is to what two cores allow, not only how far ahead of the registry it is.
struct FloorBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Time a minimal C walk of a store: what gc (or, with --listing, ls --json) cannot avoid reading.")

    @Option(help: "Threads.") var threads = 2
    @Flag(help: "Also what ls --json reads: layer links (stat), tag histories (list), image configs (read).") var listing = false
    @Flag(help: "As a run whose manifest facts all come from a local cache: each manifest stat'ed, not read (a lower bound of any warm run).")
    var cached = false
    @Argument(help: "The store root (holding docker/registry/v2).") var store: String

    func run() throws {
        let started = Date()
        let result = try Self.walk(store, threads: threads, listing: listing, cached: cached)
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "%.3f s", seconds) + ": \(Self.describe(result))")
    }

    static func walk(_ store: String, threads: Int, listing: Bool, cached: Bool = false) throws -> bench_floor_result {
        var result = bench_floor_result()
        guard bench_floor_walk(store + "/docker/registry/v2", Int32(threads), listing ? 1 : 0, cached ? 1 : 0, &result) == 0 else {
            throw BenchError("cannot open \(store)/docker/registry/v2: \(String(cString: strerror(errno)))")
        }
        return result
    }

    static func describe(_ r: bench_floor_result) -> String {
        var parts = [
            "\(r.repositories) repositories", "\(r.revisions) revisions (\(r.manifest_bytes) bytes read)", "\(r.tags) tag links",
            "\(r.references) references", "\(r.stored_blobs) stored blobs",
        ]
        parts.append(r.unmarked_blobs < 0 ? "\(r.manifests_stated) manifests stat'ed (references from a cache: no sweep counted)" : "\(r.unmarked_blobs) unmarked")
        if r.layer_links > 0 || r.configs_read > 0 {
            parts += ["\(r.layer_links) layer links", "\(r.tag_index_entries) tag history entries", "\(r.configs_read) configs read"]
        }
        if r.errors > 0 { parts.append("\(r.errors) errors") }
        return parts.joined(separator: ", ")
    }
}
