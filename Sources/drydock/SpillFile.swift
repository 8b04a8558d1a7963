import Foundation
import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// An unlinked temporary file where `ls --json` parks each repository's rendered manifests until the store-wide sizes
/// are known and the document can be written: the page cache holds those 100 MB (a 2000-repository store), not the
/// process. Appends come from every loading task at once; each reserves its range under a lock, then writes it.
final class SpillFile: @unchecked Sendable {
    // @unchecked: the descriptor is immutable and pread/pwrite take their own offsets; `end` is locked.
    private let fd: Int32
    private let end = Locked<Int64>(0)

    /// A new file in `$TMPDIR` (else /tmp), already unlinked; nil when none can be made (callers keep text in memory).
    init?() {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir + "/drydock-ls-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes `parts` back to back and returns where they start; nil when the write failed (a full disk).
    func append(_ parts: [[UInt8]]) -> Int64? {
        let total = parts.reduce(0) { $0 + Int64($1.count) }
        let start = end.withLock { end in
            defer { end += total }
            return end
        }
        var at = start
        for part in parts {
            var done = 0
            while done < part.count {
                let n = part.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(at) + off_t(done)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return nil }
                done += n
            }
            at += Int64(part.count)
        }
        return start
    }

    /// `count` bytes written at `offset`.
    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SpillError(reason: n < 0 ? String(cString: strerror(errno)) : "the file is shorter than written") }
            done += n
        }
        return out
    }

    struct SpillError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot read back the temporary file of the listing: \(reason)" }
    }
}
