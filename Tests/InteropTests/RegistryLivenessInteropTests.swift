import Foundation
import RegistryStorage
import Testing

/// `RegistryLiveness.probe` against the real registry (answering), a reserved closed port (silent) and a server
/// that accepts connections but does not speak HTTP (silent).
@Suite(.heavy) struct RegistryLivenessInteropTests {
    @Test(.timeLimit(.minutes(2)))
    func runningRegistryAnswersAndAStoppedOneIsSilent() async throws {
        let server = try await RegistryServer.start()
        // The settings come from the registry's own configuration file.
        let config = try RegistryConfiguration.load(path: server.configPath, environment: [:])
        #expect(config.http.addr == "127.0.0.1:\(server.port)")
        let answer = await RegistryLiveness.probe(config.http)
        #expect(answer == .answering(url: "http://127.0.0.1:\(server.port)/v2/", status: 200))

        // `:PORT` (every interface, as the Debian config writes it) is probed on loopback.
        #expect(await RegistryLiveness.probe(HTTPSettings(addr: ":\(server.port)"))
            == .answering(url: "http://127.0.0.1:\(server.port)/v2/", status: 200))
        // A wrong prefix still gets an HTTP answer (404): something serves there.
        #expect(await RegistryLiveness.probe(HTTPSettings(addr: ":\(server.port)", prefix: "/elsewhere"))
            == .answering(url: "http://127.0.0.1:\(server.port)/elsewhere/v2/", status: 404))

        await OffPool.run { server.stop() }
        // The port is free again (nothing should take it this fast, but a reserved port is checked below too).
        guard case .silent(let reason) = await RegistryLiveness.probe(config.http) else {
            Issue.record("a stopped registry should be silent")
            return
        }
        #expect(reason.contains("refused"), "\(reason)")
    }

    @Test(.timeLimit(.minutes(3)))
    func closedPortIsSilent() async throws {
        let closed = try ClosedLoopbackPort()
        let answer = await RegistryLiveness.probe(HTTPSettings(addr: "127.0.0.1:\(closed.port)"), timeout: 1)
        guard case .silent(let reason) = answer else {
            Issue.record("expected silent, got \(answer)")
            return
        }
        #expect(reason == "connecting to 127.0.0.1:\(closed.port): Connection refused")
        // A unix socket that does not exist.
        let missing = await RegistryLiveness.probe(HTTPSettings(addr: "/nonexistent/drydock/registry.sock", net: .unix), timeout: 1)
        #expect(missing == .silent(reason: "connecting to unix:/nonexistent/drydock/registry.sock: No such file or directory"))
    }

    @Test(.timeLimit(.minutes(3)))
    func aServerThatIsNotHTTPIsSilent() async throws {
        try RequiredTool.require("redis-server")
        try await RedisServer.with { redis in
            // redis closes the connection on an HTTP request ("possible SECURITY ATTACK"), with no HTTP answer.
            let answer = await RegistryLiveness.probe(HTTPSettings(addr: redis.address), timeout: 2)
            guard case .silent(let reason) = answer else {
                Issue.record("expected silent, got \(answer)")
                return
            }
            #expect(reason.contains("accepted the connection but sent no HTTP answer"), "\(reason)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func tlsAndUnixSocketRegistriesAnswer() async throws {
        try RequiredTool.require(all: ["docker-registry", "openssl"])
        let work = try TemporaryDirectory(prefix: "drydock-liveness")
        defer { work.remove() }
        let cert = work.url.appendingPathComponent("cert.pem").path
        let key = work.url.appendingPathComponent("key.pem").path
        _ = try await Shell.run(try RequiredTool.require("openssl"), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
            "-subj", "/CN=registry.example.com",
        ], timeout: 60)
        let port = try RegistryServer.freeLoopbackPort()
        let socketPath = work.url.appendingPathComponent("registry.sock").path
        let storage = work.url.appendingPathComponent("storage").path

        // One registry on HTTPS, one on a unix socket.
        let tlsConfig = "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(storage)\nhttp:\n  addr: 127.0.0.1:\(port)\n"
            + "  tls:\n    certificate: \(cert)\n    key: \(key)\n"
        let unixConfig = "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(storage)\nhttp:\n  addr: \(socketPath)\n  net: unix\n"
        var processes: [Process] = []
        defer {
            for process in processes where process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
            }
        }
        var settings: [HTTPSettings] = []
        for (name, text) in [("tls.yml", tlsConfig), ("unix.yml", unixConfig)] {
            let path = work.url.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            settings.append(try RegistryConfiguration.load(path: path, environment: [:]).http)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try RequiredTool.require("docker-registry"))
            process.arguments = ["serve", path]
            process.environment = Shell.childEnvironment()
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        #expect(settings[0].tls && settings[1].net == .unix)

        // Poll (bounded) until both answer.
        var answers: [RegistryLiveness.Answer] = []
        for _ in 0..<100 {
            answers = []
            for http in settings { answers.append(await RegistryLiveness.probe(http, timeout: 1)) }
            if answers.allSatisfy({ if case .answering = $0 { true } else { false } }) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        // Go's answer to plain HTTP on its TLS port: 400 "Client sent an HTTP request to an HTTPS server".
        #expect(answers.first == .answering(url: "https://127.0.0.1:\(port)/v2/", status: 400))
        #expect(answers.last == .answering(url: "unix:\(socketPath)/v2/", status: 200))
    }
}
