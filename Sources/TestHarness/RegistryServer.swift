import Foundation
import RegistryStorage

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A real `docker-registry serve` (distribution 2.8.2) on 127.0.0.1 with filesystem storage in a temporary folder.
///
/// ```swift
/// let server = try await RegistryServer.start()
/// defer { server.stop() }
/// ```
/// or `try await RegistryServer.with { server in ... }`, which stops it even when the body throws.
/// `deinit` also kills a server that was never stopped, as a last resort.
public final class RegistryServer: @unchecked Sendable, HarnessServer {
    public struct Options: Sendable {
        /// `storage.delete.enabled` (DELETE on manifests and blobs).
        public var deleteEnabled = true
        /// `compatibility.schema1.enabled` (accept schema1 pushes; needed for `skopeo --format v2s1`).
        public var schema1Enabled = true
        /// `storage.maintenance.readonly.enabled`.
        public var readOnly = false
        /// `storage.maintenance.uploadpurging.enabled`; off by default so `_uploads` stays as the test left it.
        public var uploadPurging = false
        /// Storage root; nil makes a fresh one inside the server's work folder. An existing store can be served.
        public var rootDirectory: URL? = nil
        /// `log.level`.
        public var logLevel = "info"
        /// YAML appended at the top level of the config (e.g. "catalog:\n  maxentries: 5\n"). Keys must not repeat
        /// ones the harness writes (version, log, storage, http, compatibility).
        public var extraYAML: String? = nil
        /// YAML lines placed under `storage:` (indent them by 2 spaces), e.g. "  cache:\n    blobdescriptor: inmemory\n".
        public var extraStorageYAML: String? = nil
        /// Extra environment for the child (REGISTRY_* variables override the config file).
        public var environment: [String: String] = [:]
        /// How long to wait for `GET /v2/` to answer.
        public var startupTimeout: TimeInterval = 30
        /// Store in S3 (`storage.s3`, e.g. pointing at a `MotoServer`) instead of the filesystem; `rootDirectory`
        /// is then unused. The child never sees AWS_CA_BUNDLE (`Shell.childEnvironment`), which makes 2.8.2 panic.
        public var s3: S3Storage? = nil
        /// `storage.cache.blobdescriptor: redis` and the `redis:` block (then `extraStorageYAML` must not hold a
        /// `cache:` key, nor `extraYAML` a `redis:` one).
        public var redis: RedisCache? = nil

        public init() {}
    }

    /// The registry's redis blob-descriptor cache, e.g. pointing at a `RedisServer`.
    public struct RedisCache: Sendable {
        /// `host:port`
        public var addr: String
        public var password = ""
        public var db = 0

        public init(addr: String, password: String = "", db: Int = 0) {
            self.addr = addr
            self.password = password
            self.db = db
        }
    }

    /// The `storage.s3` block. 2.8.2 has no `forcepathstyle` key: a non-empty `regionendpoint` means path-style.
    public struct S3Storage: Sendable {
        public var regionEndpoint: String
        public var bucket: String
        /// As written in the config, e.g. `/drydock/store` (keys are `drydock/store/docker/registry/v2/...`).
        public var rootDirectory: String
        public var accessKey: String
        public var secretKey: String
        public var region = "us-east-1"
        public var secure = false
        public var v4Auth = true

        public init(
            regionEndpoint: String, bucket: String, rootDirectory: String, accessKey: String, secretKey: String,
            region: String = "us-east-1", secure: Bool = false, v4Auth: Bool = true
        ) {
            self.regionEndpoint = regionEndpoint
            self.bucket = bucket
            self.rootDirectory = rootDirectory
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.region = region
            self.secure = secure
            self.v4Auth = v4Auth
        }
    }

    public let options: Options
    /// `http://127.0.0.1:PORT`
    public let baseURL: URL
    /// The folder that contains `docker/registry/v2`.
    public let rootDirectory: URL
    public let configPath: String
    private let server: ServerProcess

    public var port: Int { server.port }
    /// The server's own temporary folder: config, log, and (by default) the store.
    public var workDirectory: URL { server.workDirectory }
    public var logPath: String { server.logPath }
    public var pid: Int32 { server.pid }

    /// `127.0.0.1:PORT`, the registry part of a skopeo `docker://` reference.
    public var hostPort: String { "127.0.0.1:\(port)" }
    /// `docker/registry/v2` under the root.
    public var storageV2: URL { rootDirectory.appendingPathComponent("docker/registry/v2", isDirectory: true) }

    private init(options: Options, server: ServerProcess) {
        self.options = options
        self.server = server
        self.baseURL = URL(string: "http://127.0.0.1:\(server.port)")!
        self.rootDirectory = Self.rootDirectory(options, work: server.workDirectory)
        self.configPath = Self.configURL(work: server.workDirectory).path
    }

    private static func rootDirectory(_ options: Options, work: URL) -> URL {
        options.rootDirectory ?? work.appendingPathComponent("storage", isDirectory: true)
    }

    private static func configURL(work: URL) -> URL { work.appendingPathComponent("config.yml") }

    /// Starts a registry and waits until `GET /v2/` answers 200. Retries with a new port if the first one was taken.
    public static func start(_ options: Options = Options()) async throws -> RegistryServer {
        let tool = try RequiredTool.requireForLaunch("docker-registry")
        try await OffPool.run { try versionCheck.get() }
        let process = try await ServerProcess.start(
            "docker-registry", folder: "registry", timeout: options.startupTimeout, readiness: "answer GET /v2/",
            launch: { work, port in
                let root = rootDirectory(options, work: work)
                try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
                let config = configURL(work: work)
                try Data(configYAML(options: options, root: root, port: port).utf8).write(to: config)
                return .init(executable: tool, arguments: ["serve", config.path], environment: Shell.childEnvironment(adding: options.environment))
            },
            ready: { process in
                let ping = HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(process.port)/v2/")!)
                return (try? await URLSessionTransport(timeout: 1).send(ping))?.status == 200
            })
        return RegistryServer(options: options, server: process)
    }

    /// The interop assertions encode distribution 2.8.x (schema1 stored as payload, what its DELETE leaves on disk,
    /// its garbage collector's mistakes); another registry would make them fail for the wrong reason, or pass
    /// without meaning. Checked once per process (`docker-registry --version`).
    public static let versionCheck: Result<Void, ServerProcessError> = {
        let found: String
        do {
            found = try Shell.runSync("docker-registry", ["--version"], timeout: 60).stdoutString
        } catch {
            return .failure(ServerProcessError(server: "docker-registry", message: "docker-registry --version failed: \(error)", log: ""))
        }
        // "docker-registry github.com/docker/distribution 2.8.2+ds1" (Debian), "... v2.8.3" (upstream builds)
        let words = found.split(whereSeparator: \.isWhitespace)
        guard words.contains(where: { $0.hasPrefix("2.8.") || $0.hasPrefix("v2.8.") }) else {
            return .failure(ServerProcessError(server: "docker-registry", message: "the interop tests need docker-registry 2.8.x; found: \(found)", log: ""))
        }
        return .success(())
    }()

    /// Starts a registry, runs `body`, and stops the registry whatever happens.
    public static func with<T>(
        _ options: Options = Options(), _ body: (RegistryServer) async throws -> T
    ) async throws -> T {
        try await start(options).stopping(after: body)
    }

    /// SIGTERM, wait up to 5 s, then SIGKILL; waits for the child to be gone. Then removes the work folder (config,
    /// log and the default store; a store passed in `Options.rootDirectory` lives elsewhere and is kept) unless
    /// `keepsWorkDirectory` is set. Safe to call more than once.
    public func stop() { server.stop() }

    /// Keep the work folder (config, log, store) after `stop()`, e.g. to inspect a failure. Default false.
    public var keepsWorkDirectory: Bool {
        get { server.keepsWorkDirectory }
        set { server.keepsWorkDirectory = newValue }
    }

    public var isRunning: Bool { server.isRunning }

    /// The registry's log (stdout and stderr), whole.
    public func log() -> String { server.log() }

    /// The last `lines` lines of the log, for failure messages.
    public func logTail(lines: Int = 40) -> String { server.logTail(lines: lines) }

    /// Runs `docker-registry garbage-collect` on this server's config (the server may keep running).
    public func garbageCollect(dryRun: Bool = true, deleteUntagged: Bool = false) async throws -> (
        exitCode: Int32, stdout: String
    ) {
        try await Self.garbageCollect(configPath: configPath, dryRun: dryRun, deleteUntagged: deleteUntagged)
    }

    /// `docker-registry garbage-collect [--dry-run] [--delete-untagged] CONFIG`. Returns its exit code and its
    /// standard output (the "marking"/"eligible for deletion" lines go to stdout; the log goes to stderr).
    public static func garbageCollect(configPath: String, dryRun: Bool = true, deleteUntagged: Bool = false) async throws
        -> (exitCode: Int32, stdout: String)
    {
        let result = try await garbageCollectResult(
            configPath: configPath, dryRun: dryRun, deleteUntagged: deleteUntagged)
        return (result.exitCode, result.stdoutString)
    }

    /// Like `garbageCollect`, with stderr too.
    public static func garbageCollectResult(configPath: String, dryRun: Bool = true, deleteUntagged: Bool = false)
        async throws -> ProcessResult
    {
        let tool = try RequiredTool.requireForLaunch("docker-registry")
        var arguments = ["garbage-collect"]
        if dryRun { arguments.append("--dry-run") }
        if deleteUntagged { arguments.append("--delete-untagged") }
        arguments.append(configPath)
        return try await Shell.run(tool, arguments, timeout: 120)
    }

    public static func configYAML(options: Options, root: URL, port: Int) -> String {
        var yaml = """
            version: 0.1
            log:
              level: \(options.logLevel)
              formatter: text
            storage:
            \(storageDriverYAML(options: options, root: root))
              delete:
                enabled: \(options.deleteEnabled)
              maintenance:
                uploadpurging:
                  enabled: \(options.uploadPurging)
                readonly:
                  enabled: \(options.readOnly)

            """
        if let extra = options.extraStorageYAML {
            yaml += extra.hasSuffix("\n") ? extra : extra + "\n"
        }
        if options.redis != nil {
            yaml += "  cache:\n    blobdescriptor: redis\n"
        }
        yaml += """
            http:
              addr: 127.0.0.1:\(port)
              secret: drydock-interop-test-secret
            compatibility:
              schema1:
                enabled: \(options.schema1Enabled)

            """
        if let extra = options.extraYAML {
            yaml += extra.hasSuffix("\n") ? extra : extra + "\n"
        }
        if let redis = options.redis {
            // JSON strings are YAML double-quoted scalars.
            func quoted(_ text: String) -> String {
                "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }
            yaml += "redis:\n  addr: \(quoted(redis.addr))\n  password: \(quoted(redis.password))\n  db: \(redis.db)\n"
            yaml += "  dialtimeout: 2s\n  readtimeout: 2s\n  writetimeout: 2s\n"
        }
        return yaml
    }

    /// The driver block under `storage:` (two lines indented by 2 and 4 spaces, or the s3 block).
    public static func storageDriverYAML(options: Options, root: URL) -> String {
        guard let s3 = options.s3 else { return "  filesystem:\n    rootdirectory: \(root.path)" }
        // JSON strings are YAML double-quoted scalars.
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return [
            "  s3:",
            "    region: \(quoted(s3.region))",
            "    regionendpoint: \(quoted(s3.regionEndpoint))",
            "    bucket: \(quoted(s3.bucket))",
            "    rootdirectory: \(quoted(s3.rootDirectory))",
            "    accesskey: \(quoted(s3.accessKey))",
            "    secretkey: \(quoted(s3.secretKey))",
            "    secure: \(s3.secure)",
            "    v4auth: \(s3.v4Auth)",
        ].joined(separator: "\n")
    }

    /// A free loopback port (see `LoopbackPort.free`); kept here because tests reserve ports through the server type.
    public static func freeLoopbackPort() throws -> Int { try LoopbackPort.free() }
}
