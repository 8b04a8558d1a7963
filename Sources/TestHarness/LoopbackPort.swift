import Foundation

#if canImport(Glibc)
import Glibc
#endif

public struct LoopbackPortError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Port reservation on 127.0.0.1 for the servers the tests and the benchmarks start (never another address).
public enum LoopbackPort {
    /// A TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read it back, close. Another process may take
    /// it before the server binds; the launchers retry on "address already in use".
    public static func free() throws -> Int {
        let (fd, port) = try boundSocket()
        close(fd)
        return port
    }

    /// A socket bound to a fresh port on 127.0.0.1 (never listening), and that port.
    public static func boundSocket() throws -> (fd: Int32, port: Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackPortError(message: "socket() failed: errno \(errno)") }
        var keep = false
        defer { if !keep { close(fd) } }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw LoopbackPortError(message: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw LoopbackPortError(message: "getsockname() failed: errno \(errno)") }
        keep = true
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// `127.0.0.1:port` as a socket address.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
