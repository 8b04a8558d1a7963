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
        guard Self.writeNew(temp.path, bytes) else { return }
        if rename(temp.path, final.path) != 0 { unlink(temp.path) }
    }

    /// Creates `path` (never an existing file) holding `bytes`; on failure removes what it created, and only that.
    /// No fsync: a shard a crash leaves short or empty fails its checks and is a miss, and 256 syncs cost a cold run
    /// more than the cache saves it.
    private static func writeNew(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return false }  // not ours to remove
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return true
        }
        guard close(fd) == 0 && ok else {
            unlink(path)
            return false
        }
        return true
    }
}
