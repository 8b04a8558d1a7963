#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a configuration file the registry would read, refusing what no configuration is (FIFOs, directories, huge files).
enum ConfigurationFile {
    static func readBytes(_ path: String) throws(ConfigurationError) -> [UInt8] {
        let limit = YAMLText.maxBytes
        // O_NONBLOCK so that a FIFO without a writer cannot hang us before fstat rejects it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadable(path: path, reason: errnoDescription()) }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: errnoDescription()) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .unreadable(path: path, reason: "it is a directory")
        default: throw .unreadable(path: path, reason: "it is not a regular file")
        }
        if info.st_size > limit {
            throw .unreadable(path: path, reason: "the file is \(info.st_size) bytes; configurations over \(limit) bytes (1 MiB) are refused")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: errnoDescription())
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit {
                throw .unreadable(path: path, reason: "the file is over \(limit) bytes (1 MiB); refused")
            }
        }
        return bytes
    }

    private static func errnoDescription() -> String {
        let code = errno
        return "\(String(cString: strerror(code))) (errno \(code))"
    }
}
