import Foundation
import Testing
@testable import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// `RedisBlobDescriptorCache` talking to a fake server on 127.0.0.1 that answers with hostile or broken bytes:
/// every case ends in a clear `RedisError` within the configured timeouts, never a crash or a hang.
@Suite struct RedisConnectionHostileServerTests {
    /// Accepts one connection, reads what the client sends (up to 64 KiB, briefly), writes `reply`, then closes
    /// (or, with `hold`, keeps the connection open without answering until the client goes away).
    final class FakeServer: @unchecked Sendable {
        let port: Int
        private let fd: Int32

        init(reply: [UInt8], hold: Bool = false) throws {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard listener >= 0 else { throw SocketError(.failed, "socket") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0
                }
            }
            guard ok else {
                close(listener)
                throw SocketError(.failed, "bind/listen")
            }
            fd = listener
            port = Int(UInt16(bigEndian: address.sin_port))
            let thread = Thread {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var timeout = timeval(tv_sec: 2, tv_usec: 0)
                _ = setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 65536)
                _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if !reply.isEmpty { _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
                if hold {
                    // Until the client closes (recv returns 0) or 2 s pass.
                    _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                }
                close(client)
            }
            thread.start()
        }

        deinit { close(fd) }

        var settings: RedisSettings {
            RedisSettings(addr: "127.0.0.1:\(port)", dialTimeout: 1, readTimeout: 0.3, writeTimeout: 1)
        }
    }

    func checkError(_ reply: String, hold: Bool = false, password: String = "") async throws -> RedisError? {
        let server = try FakeServer(reply: Array(reply.utf8), hold: hold)
        var settings = server.settings
        settings.password = password
        do {
            try await RedisBlobDescriptorCache(settings: settings).check()
            return nil
        } catch {
            return error
        }
    }

    @Test func hugeBulkLengthIsAProtocolError() async throws {
        #expect(try await checkError("$2147483647\r\n", hold: true)
            == .protocolError("the server announced a bulk string of 2147483647 bytes (more than 65536 are refused)"))
    }

    @Test func deepArraysAndGarbage() async throws {
        #expect(try await checkError(String(repeating: "*1\r\n", count: 5000), hold: true)
            == .protocolError("the server sent arrays nested more than 4 levels deep"))
        #expect(try await checkError("HTTP/1.1 400 Bad Request\r\n\r\n")
            == .protocolError("the server sent a reply starting with byte 0x48, which is not RESP2"))
        #expect(try await checkError("+" + String(repeating: "a", count: 100_000), hold: true)
            == .protocolError("the server sent a line longer than 4096 bytes"))
        #expect(try await checkError(":1\r\n") == .protocolError("PING was answered with :1"))
    }

    @Test func silenceIsATimeoutAndAHangUpIsAClosedConnection() async throws {
        guard case .timedOut(let address, _)? = try await checkError("", hold: true) else {
            Issue.record("expected a timeout")
            return
        }
        #expect(address.hasPrefix("127.0.0.1:"))
        guard case .connectionFailed(_, let reason)? = try await checkError("") else {
            Issue.record("expected connectionFailed")
            return
        }
        #expect(reason == "the server closed the connection before answering")
    }

    @Test func refusedPasswordAndErrorReplies() async throws {
        guard case .authenticationFailed(_, let message)? = try await checkError("-WRONGPASS invalid username-password pair\r\n", password: "x") else {
            Issue.record("expected authenticationFailed")
            return
        }
        #expect(message == "WRONGPASS invalid username-password pair")
        guard case .authenticationFailed? = try await checkError("-NOAUTH Authentication required.\r\n") else {
            Issue.record("expected authenticationFailed for NOAUTH")
            return
        }
        #expect(try await checkError("-ERR unknown command\r\n") == .commandFailed(command: "PING", message: "ERR unknown command"))
    }
}
