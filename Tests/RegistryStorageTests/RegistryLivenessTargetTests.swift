import Testing
@testable import RegistryStorage

/// Where the liveness probe connects for a configuration's `http.*`, and how it reads an answer. The probe itself,
/// against the real registry and a closed port, is in InteropTests (`RegistryLivenessInteropTests`).
@Suite struct RegistryLivenessTargetTests {
    typealias Target = RegistryLiveness.Target

    func target(_ http: HTTPSettings) -> Target? { try? Target.of(http).get() }

    func problem(_ http: HTTPSettings) -> String? {
        if case .failure(let problem) = Target.of(http) { return problem.reason }
        return nil
    }

    @Test func hostPortLikeGo() {
        #expect(SocketEndpoint.parseHostPort("127.0.0.1:6379")! == ("127.0.0.1", 6379))
        #expect(SocketEndpoint.parseHostPort("[::1]:6379")! == ("::1", 6379))
        #expect(SocketEndpoint.parseHostPort("localhost:1")! == ("localhost", 1))
        #expect(SocketEndpoint.parseHostPort(":6379")! == ("localhost", 6379))
        #expect(SocketEndpoint.parseHostPort(":6379", emptyHost: "127.0.0.1")! == ("127.0.0.1", 6379))
        for bad in ["", "6379", "host", "host:", "host:0", "host:65536", "host:redis", "::1:6379", "[::1]6379",
                    "host:+1", "host: 1", "ho st:1", "[::1:1", "host:123456"] {
            #expect(SocketEndpoint.parseHostPort(bad) == nil, "\(bad)")
        }
    }

    @Test func listenAddressesBecomeLoopbackTargets() {
        #expect(target(HTTPSettings(addr: ":5000")) == Target(endpoint: .tcp(host: "127.0.0.1", port: 5000), hostHeader: "127.0.0.1:5000", path: "/v2/", url: "http://127.0.0.1:5000/v2/"))
        #expect(target(HTTPSettings(addr: "0.0.0.0:5000"))?.endpoint == .tcp(host: "127.0.0.1", port: 5000))
        #expect(target(HTTPSettings(addr: "[::]:5000"))?.endpoint == .tcp(host: "::1", port: 5000))
        #expect(target(HTTPSettings(addr: "[::]:5000"))?.url == "http://[::1]:5000/v2/")
        #expect(target(HTTPSettings(addr: "localhost:5000"))?.endpoint == .tcp(host: "localhost", port: 5000))
        #expect(target(HTTPSettings(addr: "10.1.2.3:443", prefix: "/r/", tls: true))?.url == "https://10.1.2.3:443/r/v2/")
    }

    @Test func unixSockets() {
        let unix = target(HTTPSettings(addr: "/run/registry.sock", net: .unix))
        #expect(unix?.endpoint == .unix(path: "/run/registry.sock"))
        #expect(unix?.url == "unix:/run/registry.sock/v2/")
        #expect(unix?.hostHeader == "localhost")
        #expect(problem(HTTPSettings(addr: "", net: .unix)) == "http.addr is empty: no unix socket to probe")
    }

    @Test func addressesNoClientCanReach() {
        #expect(problem(HTTPSettings(addr: "")) == "http.addr is empty: the registry would listen on a random port no client knows")
        #expect(problem(HTTPSettings(addr: ":0")) == "http.addr :0 has port 0: the registry would listen on a random port no client knows")
        #expect(problem(HTTPSettings(addr: "5000")) == "http.addr \"5000\" is not host:port with a numeric port: the registry cannot listen there")
    }

    @Test func requestIsOnePlainGET() {
        let request = String(decoding: target(HTTPSettings(addr: ":5000", prefix: "/p"))!.request, as: UTF8.self)
        #expect(request == "GET /p/v2/ HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nUser-Agent: drydock-liveness-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n")
    }

    @Test func statusLines() {
        func status(_ text: String) -> Int? { RegistryLiveness.statusCode(Array(text.utf8)) }
        #expect(status("HTTP/1.1 200 OK\r\n") == 200)
        #expect(status("HTTP/1.1 401 Unauthorized\r\nWww-Authenticate: x\r\n") == 401)
        // Go's answer to plain HTTP on its TLS port.
        #expect(status("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n") == 400)
        #expect(status("HTTP/1.1 204\r\n") == 204)
        #expect(status("HTTP/1.1 200 OK") == nil)
        #expect(status("HTTP/2 200\r\n") == nil)
        #expect(status("SSH-2.0-OpenSSH_9.2\r\n") == nil)
        #expect(status("HTTP/1.1 999 Nope\r\n") == nil)
        #expect(status("HTTP/1.1 20x OK\r\n") == nil)
        #expect(status("+PONG\r\n") == nil)
    }
}
