/// Where a server the registry talks to (or the registry itself) listens: a TCP host and port, or a unix socket.
public enum SocketEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// `host` is a name or an IP address without brackets (`::1`, not `[::1]`).
    case tcp(host: String, port: Int)
    case unix(path: String)

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(SafeText.escaping(path))"
        }
    }

    /// Go's `net.SplitHostPort` for a dial address such as `127.0.0.1:6379`, `[::1]:6379`, `localhost:6379` or
    /// `:6379` (an empty host: Go dials the local system, here `localhost`). Only numeric ports (1-65535): service
    /// names such as `:redis` are refused. Nil when the text is not such an address.
    public static func parseHostPort(_ text: String, emptyHost: String = "localhost") -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count >= 2 else { return nil }
            host = String(host.dropFirst().dropLast())
            guard !host.contains("[") && !host.contains("]") else { return nil }
        } else if host.contains(":") || host.contains("[") || host.contains("]") {
            // An IPv6 address must be bracketed when a port follows (Go: "too many colons").
            return nil
        }
        guard !portText.isEmpty, portText.count <= 5, portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = Int(portText), port >= 1, port <= 65535
        else { return nil }
        if host.isEmpty { host = emptyHost }
        guard !host.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else { return nil }
        return (host, port)
    }
}
