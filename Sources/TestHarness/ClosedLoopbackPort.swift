#if canImport(Glibc)
import Glibc
#endif

/// A port on 127.0.0.1 where nothing listens, for as long as this value lives: the socket stays bound (without
/// SO_REUSEADDR, never listening), so connecting is refused and no server started by a parallel test can take it.
/// A port merely found free and closed again could be handed to such a server a moment later.
public final class ClosedLoopbackPort: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        (fd, port) = try LoopbackPort.boundSocket()
    }

    deinit { close(fd) }
}
