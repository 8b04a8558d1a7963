import Foundation
import RegistryStorage

/// The registry's address as a pull reference starts with it: `registry.example.com:5000`, from a URL
/// (`https://registry.example.com:5000/`) or a bare `host[:port]`.
public struct PullHost: Equatable, Sendable {
    public var host: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let withScheme = trimmed.contains("://") ? trimmed : "https://" + trimmed
        guard let url = URLComponents(string: withScheme), let name = url.host, !name.isEmpty,
            url.user == nil, url.query == nil, ["", "/"].contains(url.path),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) })
        else { return nil }
        host = url.port.map { "\(name):\($0)" } ?? name
    }

    /// From the registry's config: `http.host` (the URL clients use), else a TCP `http.addr` (`:5000` listens on every
    /// interface: `localhost:5000` reaches it from this machine); nil for a unix socket or nothing usable.
    public init?(_ http: HTTPSettings) {
        if !http.host.isEmpty, let fromHost = PullHost(http.host) {
            self = fromHost
            return
        }
        guard http.net == .tcp, !http.addr.isEmpty else { return nil }
        let addr = http.addr.hasPrefix(":") ? "localhost" + http.addr : http.addr
        guard let fromAddr = PullHost(addr) else { return nil }
        self = fromAddr
    }
}
