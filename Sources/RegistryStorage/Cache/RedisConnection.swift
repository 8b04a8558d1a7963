/// A small RESP2 client for the registry's redis: dials the way 2.8.2's `configureRedis` does (plain TCP to
/// `redis.addr`, `AUTH` when a password is set, `SELECT` when `db` is not 0), then sends commands in pipelined
/// batches. Blocking; every wait is bounded by the configured timeouts (`RedisSettings.fallbackTimeout` where
/// the configuration says 0). Not thread-safe.
final class RedisConnection {
    /// Commands written before their replies are read.
    static let pipelineDepth = 128
    /// Bytes kept waiting for a reply to complete (replies here are a few bytes each).
    static let maxBufferedBytes = 1 << 20

    let settings: RedisSettings
    let address: String
    private let socket: SocketConnection
    private let parser = RESPParser()
    private var buffer: [UInt8] = []
    private var offset = 0

    private init(settings: RedisSettings, socket: SocketConnection) {
        self.settings = settings
        self.address = settings.addr
        self.socket = socket
    }

    /// Connects, authenticates and selects the database.
    static func open(_ settings: RedisSettings) throws(RedisError) -> RedisConnection {
        guard let (host, port) = SocketEndpoint.parseHostPort(settings.addr) else {
            throw .invalidAddress(settings.addr, reason: "expected host:port with a numeric port, such as 127.0.0.1:6379")
        }
        let socket: SocketConnection
        do {
            socket = try SocketConnection.connect(.tcp(host: host, port: port), timeout: settings.effectiveDialTimeout)
        } catch {
            throw Self.mapped(error, address: settings.addr)
        }
        let connection = RedisConnection(settings: settings, socket: socket)
        if !settings.password.isEmpty {
            let reply = try connection.round(["AUTH", settings.password])[0]
            if case .error(let message) = reply { throw .authenticationFailed(address: settings.addr, message: message) }
            guard reply == .simpleString("OK") else { throw .protocolError("AUTH was answered with \(reply.brief)") }
        }
        if settings.db != 0 {
            let reply = try connection.round(["SELECT", String(settings.db)])[0]
            if case .error(let message) = reply {
                if Self.isAuthenticationError(message) { throw .authenticationFailed(address: settings.addr, message: message) }
                throw .databaseSelectionFailed(address: settings.addr, db: settings.db, message: message)
            }
            guard reply == .simpleString("OK") else { throw .protocolError("SELECT was answered with \(reply.brief)") }
        }
        return connection
    }

    func close() { socket.close() }

    /// `PING`; throws unless the server answers `PONG` (so a password the server wants but did not get shows here).
    func ping() throws(RedisError) {
        let reply = try round(["PING"])[0]
        if case .error(let message) = reply {
            throw Self.isAuthenticationError(message)
                ? .authenticationFailed(address: address, message: message) : .commandFailed(command: "PING", message: message)
        }
        guard reply == .simpleString("PONG") else { throw .protocolError("PING was answered with \(reply.brief)") }
    }

    /// Sends `commands` (pipelined, `pipelineDepth` at a time) and returns one reply per command, in order. A
    /// refused command is an `.error` reply, not a thrown error; the caller decides.
    func pipeline(_ commands: [[String]]) throws(RedisError) -> [RESPValue] {
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        var start = 0
        while start < commands.count {
            let end = min(commands.count, start + Self.pipelineDepth)
            replies += try round(Array(commands[start..<end]))
            start = end
        }
        return replies
    }

    // MARK: One round trip

    private func round(_ command: [String]) throws(RedisError) -> [RESPValue] { try round([command]) }

    private func round(_ commands: [[String]]) throws(RedisError) -> [RESPValue] {
        var bytes: [UInt8] = []
        for command in commands { bytes += RESPValue.command(command) }
        do {
            try socket.send(bytes, timeout: settings.effectiveWriteTimeout)
        } catch {
            throw Self.mapped(error, address: address)
        }
        var replies: [RESPValue] = []
        while replies.count < commands.count {
            replies.append(try nextReply())
        }
        return replies
    }

    private func nextReply() throws(RedisError) -> RESPValue {
        while true {
            if let (value, consumed) = try parser.parse(buffer[offset...]) {
                offset += consumed
                if offset == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    offset = 0
                }
                return value
            }
            if offset > 0 {
                buffer.removeFirst(offset)
                offset = 0
            }
            guard buffer.count < Self.maxBufferedBytes else {
                throw .protocolError("a reply did not end within \(Self.maxBufferedBytes) bytes")
            }
            let chunk: [UInt8]
            do {
                chunk = try socket.receive(maxBytes: 64 * 1024, timeout: settings.effectiveReadTimeout)
            } catch {
                throw Self.mapped(error, address: address)
            }
            guard !chunk.isEmpty else {
                throw .connectionFailed(address: address, reason: "the server closed the connection before answering")
            }
            buffer += chunk
        }
    }

    static func isAuthenticationError(_ message: String) -> Bool {
        message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") || message.hasPrefix("ERR invalid password")
            || message.hasPrefix("ERR AUTH")
    }

    private static func mapped(_ error: SocketError, address: String) -> RedisError {
        switch error.kind {
        case .refused: .connectionRefused(address: address, reason: error.message)
        case .timedOut: .timedOut(address: address, reason: error.message)
        case .badAddress: .invalidAddress(address, reason: error.message)
        case .closed, .failed: .connectionFailed(address: address, reason: error.message)
        }
    }
}
