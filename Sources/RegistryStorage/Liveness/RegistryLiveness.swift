/// Is a registry serving the configuration's `http.addr` right now? An offline collection must not run while one
/// does (storage-format §7.4: an upload in progress has blobs nothing references yet).
///
/// The probe sends `GET <prefix>/v2/` and waits for the status line, within one bounded timeout for connecting,
/// sending and reading. Any HTTP status (200, 401 with auth, 404 for a wrong prefix...) means something answers;
/// a refused connection, a timeout or a missing unix socket means silent.
///
/// With TLS (`http.tls`), the probe still speaks plain HTTP: Go's HTTP server answers a plain request on its TLS
/// port with `400 Bad Request` ("Client sent an HTTP request to an HTTPS server"), which is all the probe needs to
/// know, and it needs no TLS library, no certificate checks (the certificate is usually issued for a public name,
/// not for the loopback address probed) and sends nothing secret.
public enum RegistryLiveness {
    public enum Answer: Sendable, Equatable {
        /// An HTTP server answered `url` with `status`.
        case answering(url: String, status: Int)
        /// Nothing answered; `reason` says what happened (refused, timed out, no socket file...).
        case silent(reason: String)
    }

    /// Bytes of the answer read at most (the status line is at the very start).
    static let maxAnswerBytes = 4096

    public static func probe(_ http: HTTPSettings, timeout: Double = 2) async -> Answer {
        let target: Target
        switch Target.of(http) {
        case .success(let found): target = found
        case .failure(let problem): return .silent(reason: problem.reason)
        }
        return await BlockingCall.run { () -> Answer in ask(target, timeout: timeout) }
    }

    /// Where to connect and what to send, from `http.addr`, `http.net`, `http.prefix` and `http.tls`.
    struct Target: Equatable {
        var endpoint: SocketEndpoint
        /// The `Host` header.
        var hostHeader: String
        var path: String
        /// For messages: `http://127.0.0.1:5000/v2/`, `https://...`, `unix:/run/registry.sock/v2/`.
        var url: String

        struct Problem: Error { var reason: String }

        static func of(_ http: HTTPSettings) -> Result<Target, Problem> {
            let path = http.basePath
            switch http.net {
            case .unix:
                guard !http.addr.isEmpty else { return .failure(Problem(reason: "http.addr is empty: no unix socket to probe")) }
                return .success(Target(endpoint: .unix(path: http.addr), hostHeader: "localhost", path: path,
                                       url: "unix:\(SafeText.escaping(http.addr))\(path)"))
            case .tcp:
                let shownAddr = SafeText.escaping(http.addr)
                if http.addr.isEmpty {
                    return .failure(Problem(reason: "http.addr is empty: the registry would listen on a random port no client knows"))
                }
                if let colon = http.addr.lastIndex(of: ":"), http.addr[http.addr.index(after: colon)...] == "0" {
                    return .failure(Problem(reason: "http.addr \(shownAddr) has port 0: the registry would listen on a random port no client knows"))
                }
                // Go's net.Listen: an empty or unspecified host listens on every interface; loopback reaches it.
                guard case (var host, let port)? = SocketEndpoint.parseHostPort(http.addr, emptyHost: "127.0.0.1") else {
                    return .failure(Problem(reason: "http.addr \"\(shownAddr)\" is not host:port with a numeric port: the registry cannot listen there"))
                }
                if host == "0.0.0.0" { host = "127.0.0.1" }
                if host == "::" { host = "::1" }
                let endpoint = SocketEndpoint.tcp(host: host, port: port)
                let scheme = http.tls ? "https" : "http"
                return .success(Target(endpoint: endpoint, hostHeader: endpoint.description, path: path,
                                       url: "\(scheme)://\(endpoint)\(path)"))
            }
        }

        var request: [UInt8] {
            Array("GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: drydock-liveness-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n".utf8)
        }
    }

    static func ask(_ target: Target, timeout: Double) -> Answer {
        let deadline = Deadline(after: timeout)
        let connection: SocketConnection
        do {
            connection = try SocketConnection.connect(target.endpoint, timeout: deadline.remainingSeconds)
        } catch {
            return .silent(reason: error.message)
        }
        defer { connection.close() }
        do {
            try connection.send(target.request, timeout: deadline.remainingSeconds)
            var answer: [UInt8] = []
            while answer.count < maxAnswerBytes {
                if let status = statusCode(answer) { return .answering(url: target.url, status: status) }
                if answer.contains(0x0A) { break }
                let chunk = try connection.receive(maxBytes: maxAnswerBytes - answer.count, timeout: deadline.remainingSeconds)
                if chunk.isEmpty { break }
                answer += chunk
            }
            if let status = statusCode(answer) { return .answering(url: target.url, status: status) }
            return .silent(reason: "\(target.endpoint) accepted the connection but sent no HTTP answer"
                           + (answer.isEmpty ? "" : " (it sent \(answer.count) bytes that are not an HTTP status line)"))
        } catch {
            if error.kind == .timedOut {
                return .silent(reason: "\(target.endpoint) accepted the connection but sent no HTTP answer within \(timeout) s")
            }
            return .silent(reason: error.message)
        }
    }

    /// The status of a complete `HTTP/1.x NNN ...` status line at the start of `bytes`.
    static func statusCode(_ bytes: [UInt8]) -> Int? {
        guard let end = bytes.firstIndex(of: 0x0A) else { return nil }
        let line = bytes[..<end]
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, Array(line.prefix(prefix.count)) == prefix else { return nil }
        let rest = line.dropFirst(prefix.count)
        // "0 200" or "1 200": one digit for the minor version, a space, three digits.
        guard rest.count >= 5, let minor = rest.first, minor >= 0x30, minor <= 0x39,
              rest[rest.startIndex + 1] == 0x20
        else { return nil }
        let digits = rest[(rest.startIndex + 2)..<(rest.startIndex + 5)]
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (100...599).contains(status) ? status : nil
    }
}
