/// Where registry 2.8.2 serves its API (`http:` in `configuration.go`; used by `registry/registry.go`
/// `ListenAndServe` and `registry/listener`).
public struct HTTPSettings: Sendable, Equatable {
    public enum Network: String, Sendable, Equatable {
        /// `net` empty or `tcp`: `addr` is `host:port` (`:5000` listens on every interface).
        case tcp
        /// `addr` is the path of a unix socket.
        case unix
    }

    /// `http.addr`, as written (`:5000`, `127.0.0.1:5000`, `/run/registry.sock`).
    public var addr: String
    public var net: Network
    /// `http.host`: the externally reachable URL the registry puts in `Location` headers; empty when unset.
    public var host: String
    /// `http.prefix`: the path the API lives under (`/v2/` becomes `PREFIX/v2/`); empty when unset.
    public var prefix: String
    /// HTTPS: `http.tls.certificate` or `http.tls.letsencrypt.cachefile` is set.
    public var tls: Bool

    public init(addr: String = "", net: Network = .tcp, host: String = "", prefix: String = "", tls: Bool = false) {
        self.addr = addr
        self.net = net
        self.host = host
        self.prefix = prefix
        self.tls = tls
    }

    /// The path of the API's base endpoint: gorilla/mux joins the prefix without its trailing slashes to `/v2/`
    /// (`registry/api/v2/routes.go` `RouterWithPrefix`).
    public var basePath: String {
        var trimmed = Substring(prefix)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if !trimmed.isEmpty && !trimmed.hasPrefix("/") { return "/" + trimmed + "/v2/" }
        return trimmed + "/v2/"
    }
}
