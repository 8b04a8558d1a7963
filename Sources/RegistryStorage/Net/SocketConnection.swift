#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One stream socket (TCP or unix) with every wait bounded: connect, send and receive each take a timeout, and a
/// read returns at most the bytes asked for. Blocking calls: run it off the concurrency pool (`BlockingCall`).
///
/// Used for the two conversations Drydock has with live servers: the registry's redis cache (`RedisConnection`) and
/// the liveness probe (`RegistryLiveness`). Not thread-safe; one owner at a time.
final class SocketConnection {
    let endpoint: SocketEndpoint
    private var fd: Int32

    private init(endpoint: SocketEndpoint, fd: Int32) {
        self.endpoint = endpoint
        self.fd = fd
    }

    deinit { close() }

    func close() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
        }
    }

    /// Connects within `timeout` seconds (over all the addresses a host name resolves to).
    static func connect(_ endpoint: SocketEndpoint, timeout: Double) throws(SocketError) -> SocketConnection {
        let deadline = Deadline(after: timeout)
        switch endpoint {
        case .unix(let path):
            return SocketConnection(endpoint: endpoint, fd: try connectUnix(path, deadline: deadline))
        case .tcp(let host, let port):
            return SocketConnection(endpoint: endpoint, fd: try connectTCP(host: host, port: port, deadline: deadline))
        }
    }

    /// Sends every byte, or throws.
    func send(_ bytes: [UInt8], timeout: Double) throws(SocketError) {
        guard fd >= 0 else { throw SocketError(.closed, "\(endpoint): the connection is closed") }
        let deadline = Deadline(after: timeout)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                systemSend(fd, buffer.baseAddress! + sent, buffer.count - sent)
            }
            if n > 0 {
                sent += n
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), until: deadline, doing: "sending")
                continue
            }
            throw Self.error(code, "sending to \(endpoint)")
        }
    }

    /// Up to `maxBytes` bytes, as soon as some are there; empty when the peer has closed its side.
    func receive(maxBytes: Int, timeout: Double) throws(SocketError) -> [UInt8] {
        guard fd >= 0 else { throw SocketError(.closed, "\(endpoint): the connection is closed") }
        let deadline = Deadline(after: timeout)
        var buffer = [UInt8](repeating: 0, count: max(1, maxBytes))
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return Array(buffer[0..<n]) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), until: deadline, doing: "waiting for an answer")
                continue
            }
            throw Self.error(code, "reading from \(endpoint)")
        }
    }

    // MARK: Connecting

    private static func connectUnix(_ path: String, deadline: Deadline) throws(SocketError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw SocketError(.badAddress, "unix socket path \"\(SafeText.escaping(path))\" is empty or longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = try newSocket(family: AF_UNIX)
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, length) }
        }
        do {
            try finishConnect(fd, result: result, deadline: deadline, what: "unix:\(SafeText.escaping(path))")
        } catch {
            _ = systemClose(fd)
            throw error
        }
        return fd
    }

    private static func connectTCP(host: String, port: Int, deadline: Deadline) throws(SocketError) -> Int32 {
        let shown = SocketEndpoint.tcp(host: host, port: port).description
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            let reason = String(cString: gai_strerror(resolved))
            throw SocketError(.badAddress, "cannot resolve \(SafeText.escaping(host)): \(reason)")
        }
        defer { freeaddrinfo(list) }
        var lastError = SocketError(.badAddress, "\(shown): no usable address")
        var current: UnsafeMutablePointer<addrinfo>? = first
        // A bounded walk: getaddrinfo lists are short, and the deadline stops it anyway.
        var tried = 0
        while let info = current, tried < 16 {
            tried += 1
            current = info.pointee.ai_next
            let family = info.pointee.ai_family
            guard family == AF_INET || family == AF_INET6, let address = info.pointee.ai_addr else { continue }
            let fd: Int32
            do {
                fd = try newSocket(family: family)
            } catch {
                lastError = error
                continue
            }
            let result = systemConnect(fd, address, info.pointee.ai_addrlen)
            do {
                try finishConnect(fd, result: result, deadline: deadline, what: shown)
                return fd
            } catch {
                _ = systemClose(fd)
                lastError = error
                if error.kind == .timedOut { break }
            }
        }
        throw lastError
    }

    private static func newSocket(family: Int32) throws(SocketError) -> Int32 {
        let fd = socket(family, streamType, 0)
        guard fd >= 0 else { throw error(errno, "creating a socket") }
        let flags = fcntl(fd, F_GETFL)
        // Non-blocking so that every wait goes through poll() with a deadline; close-on-exec so that children
        // started later (tests start servers) do not inherit it.
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0, fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else {
            let code = errno
            _ = systemClose(fd)
            throw error(code, "configuring a socket")
        }
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        return fd
    }

    private static func finishConnect(_ fd: Int32, result: Int32, deadline: Deadline, what: String) throws(SocketError) {
        if result == 0 { return }
        var code = errno
        if code == EINTR || code == EINPROGRESS {
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            while true {
                let ready = poll(&poller, 1, deadline.remainingMilliseconds)
                if ready > 0 { break }
                if ready == 0 { throw SocketError(.timedOut, "\(what): no connection within \(deadline.seconds) s") }
                if errno != EINTR { throw error(errno, "connecting to \(what)") }
            }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length) == 0 else { throw error(errno, "connecting to \(what)") }
            if soError == 0 { return }
            code = soError
        }
        throw error(code, "connecting to \(what)")
    }

    private func wait(for events: Int16, until deadline: Deadline, doing what: String) throws(SocketError) {
        var poller = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let ready = poll(&poller, 1, deadline.remainingMilliseconds)
            if ready > 0 { return }
            if ready == 0 { throw SocketError(.timedOut, "\(endpoint): timed out \(what) (\(deadline.seconds) s)") }
            if errno != EINTR { throw Self.error(errno, "\(what) on \(endpoint)") }
        }
    }

    private static func error(_ code: Int32, _ doing: String) -> SocketError {
        let text = "\(doing): \(String(cString: strerror(code)))"
        switch code {
        case ECONNREFUSED, ENOENT: return SocketError(.refused, text)
        case ETIMEDOUT: return SocketError(.timedOut, text)
        case ECONNRESET, EPIPE, ENOTCONN: return SocketError(.closed, text)
        case ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, EAFNOSUPPORT: return SocketError(.badAddress, text)
        default: return SocketError(.failed, text)
        }
    }

    // MARK: Platform spellings

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private func systemSend(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
        Glibc.send(fd, base, count, Int32(MSG_NOSIGNAL))
    }
    #else
    private static let streamType = SOCK_STREAM
    private func systemSend(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
        Darwin.send(fd, base, count, 0)
    }
    #endif
}

private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}

private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
    Glibc.connect(fd, address, length)
    #else
    Darwin.connect(fd, address, length)
    #endif
}

/// A point in time on the monotonic clock, for bounding a sequence of waits.
struct Deadline {
    let seconds: Double
    private let end: ContinuousClock.Instant

    init(after seconds: Double) {
        self.seconds = max(0, seconds)
        end = ContinuousClock.now + .milliseconds(Int64((self.seconds * 1000).rounded(.up)))
    }

    /// For poll(): at least 0, at most Int32.max.
    var remainingMilliseconds: Int32 {
        let left = end - ContinuousClock.now
        let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, ms))
    }

    var remainingSeconds: Double { Double(remainingMilliseconds) / 1000 }
}
