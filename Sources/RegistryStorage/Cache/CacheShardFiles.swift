import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The 256 shard files of one local cache folder (`content-v1/`, `facts-v1/`), `00.bin` … `ff.bin` by the digest's
/// first byte. A file is written whole to a temporary name and renamed over the old one, so concurrent runs never
/// see a torn file and readers take no lock (the run that renames last wins; the other's additions are a later miss).
struct CacheShardFiles: Sendable {
    enum Read {
        case absent
        /// Far over its share: not a file we wrote, not worth reading into memory.
        case oversized
        case bytes([UInt8])
    }

    let directory: URL

    func url(_ i: Int) -> URL {
        directory.appendingPathComponent(String(format: "%02x.bin", i), isDirectory: false)
    }

    func read(_ i: Int, cap: Int) -> Read {
        let path = url(i).path
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return .absent }
        guard size <= cap, let data = FileManager.default.contents(atPath: path) else { return .oversized }
        return .bytes([UInt8](data))
    }

    /// Errors are swallowed: a cache that cannot be written is only a slower next run.
    func write(_ bytes: [UInt8], _ i: Int) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return
        }
        let final = url(i)
        let temp = directory.appendingPathComponent(
            String(format: "%02x.bin.%d.%@.tmp", i, Int(getpid()), UUID().uuidString), isDirectory: false)
        do {
            try Data(bytes).write(to: temp, options: .withoutOverwriting)
        } catch {
            return
        }
        if rename(temp.path, final.path) != 0 { try? fm.removeItem(at: temp) }
    }
}
