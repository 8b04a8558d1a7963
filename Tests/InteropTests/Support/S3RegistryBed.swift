import Foundation
import RegistryStorage
import Testing


/// The real registry (distribution 2.8.2) storing in a real S3 endpoint: a `MotoServer` with a fresh bucket, and
/// `docker-registry serve` with `storage.s3` pointing at it (`regionendpoint`, `secure: false`, `v4auth: true`,
/// the store under `rootdirectory: /drydock/store`).
///
/// ```swift
/// try await S3RegistryBed.with { bed in
///     try await Skopeo.copy(layout: layout, tag: "v1", to: bed.server, repository: "app", format: .v2s2)
///     let ls = try await bed.drydock(["ls", "--json"] + bed.direct)
/// }
/// ```
final class S3RegistryBed: @unchecked Sendable, HarnessServer {
    static let bucket = "drydock-registry"
    /// As written in the registry's config (leading slash included, as people write it).
    static let rootDirectory = "/drydock/store"

    let moto: MotoServer
    let server: RegistryServer
    let strictAuth: Bool

    /// `s3://drydock-registry/drydock/store`
    var storeURL: String { "s3://\(Self.bucket)/drydock/store" }
    /// The direct form's arguments: the address and moto's endpoint.
    var direct: [String] { [storeURL, "--endpoint", moto.endpoint.absoluteString] }
    /// The registry's own config.yml (storage.s3 with moto's keys).
    var configPath: String { server.configPath }
    var api: RegistryAPI { server.api }
    /// `drydock-registry/drydock/store/docker/registry/v2/`, the bucket's key prefix of the store.
    var v2KeyPrefix: String { "drydock/store/docker/registry/v2/" }

    private init(moto: MotoServer, server: RegistryServer, strictAuth: Bool) {
        self.moto = moto
        self.server = server
        self.strictAuth = strictAuth
    }

    static func storage(_ moto: MotoServer, secretKey: String? = nil) -> RegistryServer.S3Storage {
        RegistryServer.S3Storage(
            regionEndpoint: moto.endpoint.absoluteString, bucket: bucket, rootDirectory: rootDirectory,
            accessKey: moto.accessKey, secretKey: secretKey ?? moto.secretKey)
    }

    static func start(strictAuth: Bool = false, _ options: RegistryServer.Options = RegistryServer.Options()) async throws -> S3RegistryBed {
        try RequiredTool.require(all: RequiredTool.registryTools + ["moto_server"])
        let moto = try await MotoServer.start(strictAuth: strictAuth)
        do {
            try await moto.createBucket(bucket)
            var options = options
            options.s3 = storage(moto)
            let server = try await RegistryServer.start(options)
            return S3RegistryBed(moto: moto, server: server, strictAuth: strictAuth)
        } catch {
            moto.stop()
            throw error
        }
    }

    /// Starts the bed, runs `body`, and stops both servers whatever happens.
    static func with<T>(
        strictAuth: Bool = false, _ options: RegistryServer.Options = RegistryServer.Options(), _ body: (S3RegistryBed) async throws -> T
    ) async throws -> T {
        try await start(strictAuth: strictAuth, options).stopping(after: body)
    }

    func stop() {
        server.stop()
        moto.stop()
    }

    /// The environment `drydock` runs with: no AWS variable of the test process, a HOME without `.aws`, and moto's
    /// keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (the direct form's credential chain).
    func drydockEnvironment(_ extra: [String: String] = [:]) throws -> [String: String] {
        var env = Shell.childEnvironment()
        for key in env.keys where key.hasPrefix("AWS_") { env[key] = nil }
        env["HOME"] = server.workDirectory.path
        env["AWS_ACCESS_KEY_ID"] = moto.accessKey
        env["AWS_SECRET_ACCESS_KEY"] = moto.secretKey
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs the built `drydock` with `drydockEnvironment`.
    func drydock(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 120) async throws -> ProcessResult {
        try await Shell.run(try DrydockBinary.path(), arguments, environment: try drydockEnvironment(extra), timeout: timeout)
    }

    /// The library's reading of the store (configuration form, as `--config` opens it).
    func openLibrary() async throws -> RegistryStore {
        let config = try RegistryConfiguration.load(path: configPath, environment: [:])
        guard case .s3(let settings) = config.storage else { throw S3BedError("the bed's config is not s3") }
        let access = try S3Access.fromConfiguration(settings, environment: S3Environment(variables: [:]))
        return try await RegistryStore.open(s3: access, configuration: config)
    }

    /// A config.yml like the registry's, with another secret key (for refused-credential tests).
    func configWithSecret(_ secret: String) throws -> String {
        var options = server.options
        options.s3 = Self.storage(moto, secretKey: secret)
        let url = server.workDirectory.appendingPathComponent("config-\(UUID().uuidString.prefix(6)).yml")
        try Data(RegistryServer.configYAML(options: options, root: server.rootDirectory, port: server.port).utf8).write(to: url)
        return url.path
    }

    /// `docker-registry garbage-collect [--dry-run]` on the bed's config (the child runs without AWS_CA_BUNDLE).
    func registryGC(dryRun: Bool, deleteUntagged: Bool = false) async throws -> GCInteropTests.RegistryGC {
        let run = try await RegistryServer.garbageCollectResult(configPath: configPath, dryRun: dryRun, deleteUntagged: deleteUntagged)
        #expect(run.exitCode == 0, "\(run.stderrString.suffix(2000))")
        return GCInteropTests.RegistryGC(run.stdoutString)
    }

    // MARK: The bucket, read and written without Drydock's driver (plain signed requests to moto)

    /// One signed path-style request to moto (signed with its key, so strict mode works too), to the store's bucket
    /// unless `bucket` names another. A `.` or `..` segment of `key` is sent as `%2E` (moto decodes it back to the
    /// same key): HTTP clients collapse literal dot segments, so tests could not plant such keys otherwise.
    func s3Request(
        _ method: String, bucket: String = S3RegistryBed.bucket, key: String?, query: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> RegistryStorage.HTTPResponse {
        let signer = SigV4Signer(accessKeyID: moto.accessKey, secretAccessKey: moto.secretKey, region: moto.region, service: "s3")
        let path = "/" + bucket + (key.map { "/" + Self.encodeKeepingDotSegments($0) } ?? "")
        let hostHeader = "127.0.0.1:\(moto.port)"
        let signed = signer.sign(
            method: method, encodedPath: path, query: query, headers: ["host": hostHeader],
            payloadHash: SigV4Signer.sha256Hex(body), date: Date())
        var headers = signed.headers
        headers["host"] = nil
        let queryText = SigV4Signer.canonicalQuery(query)
        let url = URL(string: "http://\(hostHeader)\(path)" + (queryText.isEmpty ? "" : "?" + queryText))!
        return try await URLSessionTransport(timeout: 30).send(HTTPRequest(method: method, url: url, headers: headers, body: body))
    }

    private static func encodeKeepingDotSegments(_ key: String) -> String {
        SigV4Signer.encodePath(key).split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == "." || $0 == ".." ? $0.replacingOccurrences(of: ".", with: "%2E") : String($0) }
            .joined(separator: "/")
    }

    /// Writes an object under any key of any bucket (keys outside the store, or hostile ones a test plants).
    func putRawObject(bucket: String = S3RegistryBed.bucket, _ key: String, _ bytes: [UInt8]) async throws {
        let answer = try await s3Request("PUT", bucket: bucket, key: key, body: bytes)
        guard answer.status == 200 else { throw S3BedError("PUT \(SafeText.escaping(key)) in \(bucket): HTTP \(answer.status)") }
    }

    /// An object's bytes under any key of any bucket, or nil for 404.
    func rawObject(bucket: String = S3RegistryBed.bucket, _ key: String) async throws -> [UInt8]? {
        let answer = try await s3Request("GET", bucket: bucket, key: key)
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw S3BedError("GET \(SafeText.escaping(key)) in \(bucket): HTTP \(answer.status)") }
        return answer.body
    }

    /// An object's bytes below the v2 prefix, or nil for 404.
    func object(_ key: String) async throws -> [UInt8]? {
        let answer = try await s3Request("GET", key: v2KeyPrefix + key)
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw S3BedError("GET \(key): HTTP \(answer.status) \(String(decoding: answer.body, as: UTF8.self))") }
        return answer.body
    }

    /// `blobs/ALG/AB/HEX/data` below the v2 prefix.
    func blobKey(_ digest: String) -> String {
        let parts = digest.split(separator: ":", maxSplits: 1).map(String.init)
        return "blobs/\(parts[0])/\(parts[1].prefix(2))/\(parts[1])/data"
    }

    /// The stored bytes of a blob.
    func blobData(_ digest: String) async throws -> [UInt8]? {
        guard digest.contains(":") else { return nil }
        return try await object(blobKey(digest))
    }

    /// Overwrites an object below the v2 prefix (to damage a store on purpose).
    func putObject(_ key: String, _ bytes: [UInt8]) async throws {
        let answer = try await s3Request("PUT", key: v2KeyPrefix + key, body: bytes)
        guard answer.status == 200 else { throw S3BedError("PUT \(key): HTTP \(answer.status)") }
    }

    /// Every key under the store's prefix (ListObjectsV2, paged), relative to `v2KeyPrefix`, sorted.
    func keys() async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", v2KeyPrefix)]
            if let token { query.append(("continuation-token", token)) }
            let answer = try await s3Request("GET", key: nil, query: query)
            let text = String(decoding: answer.body, as: UTF8.self)
            guard answer.status == 200 else { throw S3BedError("ListObjectsV2: HTTP \(answer.status) \(text)") }
            keys += Self.elements("Key", in: text).map { String($0.dropFirst(v2KeyPrefix.count)) }
            token = Self.elements("IsTruncated", in: text).first == "true" ? Self.elements("NextContinuationToken", in: text).first : nil
        } while token != nil
        return keys.sorted()
    }

    private static func elements(_ name: String, in xml: String) -> [String] {
        var out: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(name)>"), let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex) {
            out.append(String(rest[open.upperBound..<close.lowerBound]).replacingOccurrences(of: "&amp;", with: "&"))
            rest = rest[close.upperBound...]
        }
        return out
    }
}

struct S3BedError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
