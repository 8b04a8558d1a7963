import Foundation
import RegistryStorage

#if canImport(Glibc)
import Glibc
#endif

/// A real S3 endpoint for tests: `moto_server -H 127.0.0.1 -p PORT` (in memory, started per test).
///
/// By default moto checks no signatures. `strictAuth: true` creates an IAM user with an `s3:*` policy and an access
/// key through moto's IAM API, then POSTs `0` to `/moto-api/reset-auth`: from then on every request must carry a
/// valid SigV4 signature by that key (a wrong secret or a badly canonicalised request gets 403).
///
/// Strict mode also fixes one moto 5.2.1 bug (see `rawURIPatch`): its checker rebuilds the signed URL from werkzeug's
/// `request.url`, which un-escapes `%2F` in the query and `%2B` in the path, so every ListObjectsV2 with a `prefix`
/// containing `/` fails as SignatureDoesNotMatch, even when botocore itself signed it. The patch hands the checker the
/// request URI exactly as sent; the canonicalisation itself stays botocore's (S3's rules).
///
/// ```swift
/// let moto = try await MotoServer.start(strictAuth: true)
/// defer { moto.stop() }
/// try await moto.createBucket("registry")
/// ```
public final class MotoServer: @unchecked Sendable, HarnessServer {
    public var port: Int { server.port }
    /// `http://127.0.0.1:PORT`
    public let endpoint: URL
    /// "test" until strict mode swaps in the IAM key it created (before `start` returns).
    public private(set) var accessKey = "test"
    public private(set) var secretKey = "test"
    public let region = "us-east-1"
    public var workDirectory: URL { server.workDirectory }
    public var logPath: String { server.logPath }
    public var pid: Int32 { server.pid }
    private let server: ServerProcess

    private init(_ server: ServerProcess) {
        self.server = server
        self.endpoint = URL(string: "http://127.0.0.1:\(server.port)")!
    }

    /// Starts moto and waits until it answers; with `strictAuth`, also sets up the IAM key and turns checking on.
    /// `executable` is a path to use instead of `moto_server` on PATH (drydock-bench's `--moto`).
    public static func start(
        strictAuth: Bool = false, startupTimeout: TimeInterval = 30, executable: String? = nil
    ) async throws -> MotoServer {
        let tool = try executable ?? RequiredTool.requireForLaunch("moto_server")
        let process = try await ServerProcess.start(
            "moto_server", folder: "moto", timeout: startupTimeout, readiness: "answer", poll: 100_000_000,
            launch: { work, port in
                // childEnvironment drops AWS_CA_BUNDLE and proxies; moto must not inherit credentials either.
                var environment = Shell.childEnvironment()
                for name in environment.keys where name.hasPrefix("AWS_") { environment[name] = nil }
                environment["PYTHONUNBUFFERED"] = "1"
                if strictAuth {
                    try Data(rawURIPatch.utf8).write(to: work.appendingPathComponent("sitecustomize.py"))
                    environment["PYTHONPATH"] = [work.path, environment["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
                }
                return .init(executable: tool, arguments: ["-H", "127.0.0.1", "-p", String(port)], environment: environment)
            },
            ready: { process in
                let answer = try? await send(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(process.port)/moto-api/")!))
                return answer?.status == 200
            })
        let server = MotoServer(process)
        guard strictAuth else { return server }
        if !process.logTail(lines: 1000).contains(patchMarker) {
            throw process.failure("moto started without the signature-check patch")
        }
        // Another moto may canonicalise differently: what strict mode asserts would then be untested.
        if !process.logTail(lines: 1000).contains("(moto \(patchedVersion))") {
            throw process.failure("the signature-check patch targets moto \(patchedVersion) (pip install 'moto[server]==\(patchedVersion)')")
        }
        do {
            try await server.enableStrictAuth()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Creates a real IAM key, puts it in `accessKey`/`secretKey` and turns signature checking on.
    private func enableStrictAuth() async throws {
        // Before reset-auth moto accepts any key; "test"/"test" signs the setup calls.
        let setup = S3Credentials(accessKeyID: "test", secretAccessKey: "test")
        let user = "drydock-tests"
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        _ = try await iam(["Action": "CreateUser", "UserName": user], credentials: setup)
        _ = try await iam(
            ["Action": "PutUserPolicy", "UserName": user, "PolicyName": "s3-all", "PolicyDocument": policy],
            credentials: setup)
        let created = try await iam(["Action": "CreateAccessKey", "UserName": user], credentials: setup)
        guard let key = Self.element("AccessKeyId", in: created), let secret = Self.element("SecretAccessKey", in: created)
        else {
            throw ServerProcessError(server: server.name, message: "moto's CreateAccessKey answer has no key: \(created)", log: logTail())
        }
        // `text/plain`: a form content type would make moto read an empty body (and fail with a 500).
        let reset = try await Self.send(
            HTTPRequest(
                method: "POST", url: endpoint.appendingPathComponent("moto-api/reset-auth"),
                headers: ["Content-Type": "text/plain"], body: Array("0".utf8)))
        guard reset.status == 200 else {
            throw ServerProcessError(server: server.name, message: "moto-api/reset-auth answered \(reset.status)", log: logTail())
        }
        (accessKey, secretKey) = (key, secret)
    }

    /// Loaded by moto's Python at start (`sitecustomize` on PYTHONPATH): the signature checker sees the raw request
    /// URI (`RAW_URI`, set by werkzeug's server) instead of werkzeug's re-quoted `request.url`.
    public static let rawURIPatch = """
        import sys
        try:
            from moto.core import authorization as _auth
            _original = _auth.ActionAuthenticatorMixin._authenticate_and_authorize_action

            def _with_raw_uri(self, iam_request_cls, resource="*"):
                try:
                    import flask
                    raw = flask.request.environ.get("RAW_URI") or flask.request.environ.get("REQUEST_URI")
                except Exception:
                    raw = None
                if not raw:
                    return _original(self, iam_request_cls, resource)
                saved = self.uri
                self.uri = raw
                try:
                    return _original(self, iam_request_cls, resource)
                finally:
                    self.uri = saved

            _auth.ActionAuthenticatorMixin._authenticate_and_authorize_action = _with_raw_uri
            import moto as _moto
            sys.stderr.write("drydock: moto signature check patched to use the raw request URI (moto %s)\\n" % (_moto.__version__,))
        except Exception as error:
            sys.stderr.write("drydock: moto signature check NOT patched: %r\\n" % (error,))

        """
    public static let patchMarker = "drydock: moto signature check patched"
    /// The moto the patch (and the strict-mode assertions) were written against; `.ci/run` installs exactly this one.
    public static let patchedVersion = "5.2.1"

    /// Creates a bucket (signed with this server's key, so it works in strict mode too).
    public func createBucket(_ name: String) async throws {
        let signer = SigV4Signer(accessKeyID: accessKey, secretAccessKey: secretKey, region: region, service: "s3")
        let path = "/" + SigV4Signer.uriEncode(name, keepSlash: false)
        let signed = signer.sign(
            method: "PUT", encodedPath: path, query: [], headers: ["host": "127.0.0.1:\(port)"],
            payloadHash: SigV4Signer.emptyPayloadHash, date: Date())
        var headers = signed.headers
        headers["host"] = nil
        let answer = try await Self.send(
            HTTPRequest(method: "PUT", url: URL(string: "http://127.0.0.1:\(port)\(path)")!, headers: headers))
        guard answer.status == 200 else {
            throw ServerProcessError(
                server: server.name, message: "CreateBucket \(name) answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))",
                log: logTail())
        }
    }

    /// SIGTERM, then SIGKILL after 5 s; removes the work folder. Safe to call more than once.
    public func stop() { server.stop() }

    /// Keep the work folder (log, patch) after `stop()`, e.g. to read moto's request log. Default false.
    public var keepsWorkDirectory: Bool {
        get { server.keepsWorkDirectory }
        set { server.keepsWorkDirectory = newValue }
    }

    /// CPU seconds (user + system) moto has used so far, from /proc/PID/stat (drydock-bench charges it to a run).
    public func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident memory from /proc (VmHWM), in KiB.
    public func peakRSSKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    public func logTail(lines: Int = 40) -> String { server.logTail(lines: lines) }

    // MARK: Requests

    private static func send(_ request: HTTPRequest) async throws -> RegistryStorage.HTTPResponse {
        try await URLSessionTransport(timeout: 10).send(request)
    }

    /// One IAM query-API call (form-encoded POST), signed for service `iam`.
    private func iam(_ parameters: [String: String], credentials: S3Credentials) async throws -> String {
        var all = parameters
        all["Version"] = "2010-05-08"
        let body = Array(
            all.sorted { $0.key < $1.key }
                .map { "\(SigV4Signer.uriEncode($0.key, keepSlash: false))=\(SigV4Signer.uriEncode($0.value, keepSlash: false))" }
                .joined(separator: "&").utf8)
        let signer = SigV4Signer(
            accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey, region: region,
            service: "iam")
        let signed = signer.sign(
            method: "POST", encodedPath: "/", query: [],
            headers: ["host": "127.0.0.1:\(port)", "content-type": "application/x-www-form-urlencoded; charset=utf-8"],
            payloadHash: SigV4Signer.sha256Hex(body), date: Date())
        var headers = signed.headers
        headers["host"] = nil
        let answer = try await Self.send(HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body))
        let text = String(decoding: answer.body, as: UTF8.self)
        guard answer.status == 200 else {
            throw ServerProcessError(server: server.name, message: "IAM \(parameters["Action"] ?? "?") answered \(answer.status): \(text)", log: logTail())
        }
        return text
    }

    /// The text of the first `<name>` element (IAM answers are small and flat).
    private static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }
}
