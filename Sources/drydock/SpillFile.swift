import Foundation
import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// An unlinked temporary file where `ls --json` parks each repository's rendered manifests until the store-wide sizes
/// are known and the document can be written: the page cache holds those 100 MB (a 2000-repository store), not the
/// process. Appends come from every loading task at once; each reserves its range under a lock, then writes it.
/// The document is read back a buffer at a time (`StreamedListReport.DocumentOutput`).
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
        // Not inherited by anything this process starts.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes a rendered JSON fragment (whole values: no UTF-8 character is split) and returns where it starts; nil
    /// when the write failed (a full disk). The text is stored as standard output gets it: DEL and C1 controls
    /// escaped (`FileHandleOutput.escapingDelAndC1`), so it goes out as read back, with no second scan; `count` is the
    /// length stored, escapes included.
    func append(jsonFragment: UnsafeBufferPointer<UInt8>) -> (offset: Int64, count: Int)? {
        guard FileHandleOutput.holdsDelOrC1(UnsafeRawBufferPointer(jsonFragment)) else { return write(jsonFragment) }
        return FileHandleOutput.escapingDelAndC1(ArraySlice(jsonFragment)).withUnsafeBufferPointer { write($0) }
    }

    /// Reserves `text.count` bytes at the end, then writes them there.
    private func write(_ text: UnsafeBufferPointer<UInt8>) -> (offset: Int64, count: Int)? {
        let total = Int64(text.count)
        let start = end.withLock { end in
            defer { end += total }
            return end
        }
        guard let base = text.baseAddress else { return (start, 0) }
        var done = 0
        while done < text.count {
            let n = pwrite(fd, base + done, text.count - done, off_t(start) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return (start, text.count)
    }

    /// The `count` bytes written at `offset`, read into `destination` (room for `count` bytes).
    func read(at offset: Int64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        var done = 0
        while done < count {
            let n = pread(fd, destination + done, count - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SpillError(reason: n < 0 ? String(cString: strerror(errno)) : "the file is shorter than written") }
            done += n
        }
    }

    struct SpillError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot read back the temporary file of the listing: \(reason)" }
    }
}
