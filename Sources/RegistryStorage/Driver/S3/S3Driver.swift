import Crypto
import Foundation

/// How often and how patiently to retry throttling, 5xx answers and connection failures (never 4xx).
public struct S3RetryPolicy: Sendable, Equatable {
    /// Tries in all, the first included.
    public var attempts: Int
    /// Pause before the second try; doubles each time.
    public var initialDelay: Duration

    public init(attempts: Int, initialDelay: Duration) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
    }

    public static let standard = S3RetryPolicy(attempts: 4, initialDelay: .milliseconds(100))
    public static let none = S3RetryPolicy(attempts: 1, initialDelay: .zero)
}

/// A registry store in an S3 bucket (or an S3-compatible endpoint), read with ListObjectsV2, GetObject and HeadObject.
///
/// Directories are key prefixes. Keys whose components could not be a `StoragePath` (`a//b`, `.`, `..`) are never
/// turned into paths, and no request that changes the bucket names a key outside the store's prefix or one with such
/// a segment or a control character; those keys are skipped and recorded in `skippedKeys`.
public final class S3Driver: StorageDriver {
    public let s3Location: S3Location
    private let credentials: S3Credentials?
    private let transport: any HTTPTransport
    private let limiter: RequestLimiter
    private let retryPolicy: S3RetryPolicy
    private let clock: @Sendable () -> Date
    private let counters = Locked(Counters())
    /// A flat listing taken for one scan; answers listings and tag links below its root (S3Driver+Snapshot).
    let snapshot = Locked<S3ListingSnapshot?>(nil)

    private struct Counters {
        var requests = S3RequestCounts()
        var skipped = SkippedKeys()
        /// The longest chain of requests each sent after the one before it was answered.
        var roundTrips = 0
    }

    /// The largest ranged GET `readChunks` makes; chunks handed to the caller are cut from it.
    static let readChunkBytes = 8 << 20
    static let pageSize = 1000

    public var location: String { s3Location.description }
    /// A flat listing returns a thousand keys per request, sizes included: far cheaper than listing level by level.
    public var listsRecursivelyCheaply: Bool { true }
    public var readsCrossANetwork: Bool { true }

    /// Requests sent so far, by kind (retries included).
    public var requestCounts: S3RequestCounts { counters.withLock { $0.requests } }

    /// Round trips in a row so far: the longest chain of answered requests in which each was sent after the one
    /// before it was answered (requests sent together count once). What a distant endpoint's latency multiplies;
    /// an upper bound on the real dependencies, since unrelated work in between also counts.
    public var sequentialRoundTrips: Int { counters.withLock { $0.roundTrips } }

    /// Keys left alone so far: seen in listings but not a store path, or not safe to name in a request.
    public var skippedKeys: SkippedKeys { counters.withLock { $0.skipped } }

    /// How many distinct keys `skippedKeys` holds.
    public var skippedUnsafeKeys: Int { skippedKeys.count }

    public convenience init(
        location: S3Location, credentials: S3Credentials?, transport: any HTTPTransport = URLSessionTransport(),
        maxConcurrentRequests: Int = 32, retryPolicy: S3RetryPolicy = .standard
    ) {
        self.init(
            location: location, credentials: credentials, transport: transport,
            maxConcurrentRequests: maxConcurrentRequests, retryPolicy: retryPolicy, clock: { Date() })
    }

    init(
        location: S3Location, credentials: S3Credentials?, transport: any HTTPTransport, maxConcurrentRequests: Int,
        retryPolicy: S3RetryPolicy, clock: @escaping @Sendable () -> Date
    ) {
        self.s3Location = location
        self.credentials = credentials
        self.transport = transport
        self.limiter = RequestLimiter(limit: maxConcurrentRequests)
        self.retryPolicy = retryPolicy
        self.clock = clock
    }

    /// The most requests that were in flight at once.
    var peakConcurrentRequests: Int { get async { await limiter.peak } }

    // MARK: StorageDriver

    public func list(_ path: StoragePath) async throws -> [DirectoryEntry] {
        if let listed = try snapshotList(path) { return listed }
        let prefix = s3Location.key(for: path) + "/"
        var entries: [DirectoryEntry] = []
        var sawAnything = false
        try await forEachPage(prefix: prefix, delimiter: "/", path: path) { page in
            for object in page.objects {
                sawAnything = true
                guard let name = relativeName(object.key, below: prefix), !name.isEmpty else {
                    // `prefix` itself (a folder marker object) only says the folder exists.
                    if object.key != prefix { skip(object.key) }
                    continue
                }
                guard StoragePath.isSafeComponent(name) else {
                    skip(object.key)
                    continue
                }
                entries.append(DirectoryEntry(name: name, kind: .file))
            }
            for common in page.commonPrefixes {
                sawAnything = true
                guard var name = relativeName(common, below: prefix), name.hasSuffix("/") else {
                    skip(common)
                    continue
                }
                name.removeLast()
                guard StoragePath.isSafeComponent(name) else {
                    skip(common)
                    continue
                }
                entries.append(DirectoryEntry(name: name, kind: .directory))
            }
            return true
        }
        // Like the registry's own s3 driver: an empty prefix is a missing folder.
        guard sawAnything else { throw DriverError.notFound(path) }
        return entries
    }

    public func stat(_ path: StoragePath) async throws -> FileInfo {
        let key = s3Location.key(for: path)
        let head = try await send(.head, "HEAD", key: key, path: path, passing: [404])
        if head.status != 404 {
            let size = head.header("content-length").flatMap { Int64($0) } ?? 0
            return FileInfo(kind: .file, size: size, modified: head.header("last-modified").flatMap(HTTPDate.parse))
        }
        // No such object: a folder if anything lives below it (what the registry's s3 Stat does).
        var isFolder = false
        try await forEachPage(prefix: key + "/", delimiter: "/", maxKeys: 1, path: path) { page in
            isFolder = !page.objects.isEmpty || !page.commonPrefixes.isEmpty
            return false
        }
        guard isFolder else { throw DriverError.notFound(path) }
        return FileInfo(kind: .directory, size: 0)
    }

    public func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] {
        if let known = snapshotRead(path, limit: limit) { return known }
        let limit = max(0, limit)
        // One byte past the limit is enough to know an object is too large; Content-Range tells its real size.
        let response = try await send(
            .get, "GET", key: s3Location.key(for: path), headers: ["Range": "bytes=0-\(limit)"], path: path,
            passing: [416])
        if response.status == 416 { return [] }  // only an empty object cannot satisfy `bytes=0-N`
        let total = response.status == 206 ? ContentRange.total(response.header("content-range")) : nil
        let size = total ?? Int64(response.body.count)
        guard size <= Int64(limit), response.body.count <= limit else {
            throw DriverError.tooLarge(path, size: max(size, Int64(response.body.count)), limit: Int64(limit))
        }
        return response.body
    }

    public func readChunks(
        _ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) async throws {
        let key = s3Location.key(for: path)
        let chunk = max(chunkSize, 4096)
        let step = Int64(min(max(chunk, Self.readChunkBytes), 64 << 20))
        var offset: Int64 = 0
        var total: Int64?
        var etag: String?
        while total.map({ offset < $0 }) ?? true {
            var headers = ["Range": "bytes=\(offset)-\(offset + step - 1)"]
            // Later ranges must come from the same object version as the first.
            if let etag { headers["If-Match"] = etag }
            let response = try await send(.get, "GET", key: key, headers: headers, path: path, passing: [412, 416])
            if response.status == 416 && offset == 0 { return }
            if response.status == 412 || response.status == 416 {
                throw DriverError.io(path, "the object changed while it was being read")
            }
            if response.status == 206 {
                guard let t = ContentRange.total(response.header("content-range")) else {
                    throw DriverError.io(path, "ranged GET answered without a usable Content-Range")
                }
                total = t
            } else {
                // A full answer (the server ignored Range): that is the whole object.
                guard offset == 0 else { throw DriverError.io(path, "the server ignored the Range of a follow-up read") }
                total = Int64(response.body.count)
            }
            etag = etag ?? response.header("etag")
            guard !response.body.isEmpty else {
                if offset < (total ?? 0) { throw DriverError.io(path, "the object ended early at byte \(offset)") }
                break
            }
            do {
                try response.body.withUnsafeBytes { all in
                    var start = 0
                    while start < all.count {
                        let end = min(start + chunk, all.count)
                        try body(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                        start = end
                    }
                }
            } catch {
                throw DriverError.io(path, "\(DriverError(error))")
            }
            offset += Int64(response.body.count)
        }
    }

    public func walkFiles(_ path: StoragePath) async throws -> [WalkedFile] {
        if let walked = try snapshotWalk(path) { return walked }
        let prefix = s3Location.key(for: path) + "/"
        let objects: [ListObjectsPage.Object]
        if path == StoreLayout.blobs {
            // Digests spread evenly over hex: `blobs/` splits into key ranges listed at once (S3Driver+KeyRanges).
            objects = try await listInKeyRanges(prefix: prefix, spreadBelow: prefix + "sha256/", path: path)
        } else {
            var sequential: [ListObjectsPage.Object] = []
            try await forEachPage(prefix: prefix, delimiter: nil, path: path) { page in
                sequential += page.objects
                return true
            }
            objects = sequential
        }
        var out: [WalkedFile] = []
        var sawAnything = false
        for object in objects {
            sawAnything = true
            guard let relative = relativeName(object.key, below: prefix) else {
                skip(object.key)
                continue
            }
            var parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            // `a/b/` is a folder marker object, not a file.
            if parts.last == "" && parts.count > 0 {
                parts.removeLast()
                if parts.allSatisfy(StoragePath.isSafeComponent) { continue }
            }
            guard !parts.isEmpty, let sub = StoragePath(validating: parts) else {
                skip(object.key)
                continue
            }
            out.append(WalkedFile(path: path.appending(sub.components), kind: .file, size: object.size))
        }
        guard sawAnything else { throw DriverError.notFound(path) }
        return out
    }

    public func write(_ path: StoragePath, contents: [UInt8]) async throws {
        dropListingSnapshot()
        guard !path.components.isEmpty else { throw DriverError.io(path, "cannot write the store root") }
        _ = try await send(
            .put, "PUT", key: s3Location.key(for: path), headers: ["Content-Type": "application/octet-stream"],
            body: contents, path: path)
    }

    /// Removes the object at `path` and every object below `path/` (never siblings such as `pathxyz`). Listed keys
    /// that are unsafe to name in a request (see `S3Location.unsafeKeyReason`) stay, recorded in `skippedKeys`.
    public func delete(_ path: StoragePath) async throws {
        dropListingSnapshot()
        guard !path.components.isEmpty else { throw DriverError.io(path, "refusing to delete the store root") }
        let key = s3Location.key(for: path)
        var below: [String] = []
        // `key/` with the slash: the registry's own driver lists `key` and so also deletes siblings like `keyxyz`.
        try await forEachPage(prefix: key + "/", delimiter: nil, path: path) { page in
            below.append(contentsOf: page.objects.map(\.key))
            return true
        }
        if let reason = s3Location.unsafeKeyReason(key) {
            skip(key, reason)
            for listed in below { skip(listed) }
            return
        }
        if below.isEmpty {
            _ = try await send(.delete, "DELETE", key: key, path: path, passing: [404])
            return
        }
        var keys = [key]
        for listed in below {
            if let reason = s3Location.unsafeKeyReason(listed, below: key) {
                skip(listed, reason)
            } else {
                keys.append(listed)
            }
        }
        let batchable = keys.filter(S3URLDecoding.isXMLRepresentable)
        for start in stride(from: 0, to: batchable.count, by: Self.pageSize) {
            try await deleteBatch(Array(batchable[start..<min(start + Self.pageSize, batchable.count)]), path: path)
        }
        for single in keys where !S3URLDecoding.isXMLRepresentable(single) {
            _ = try await send(.delete, "DELETE", key: single, path: path, passing: [404])
        }
    }

    // MARK: Requests

    private func deleteBatch(_ keys: [String], path: StoragePath) async throws {
        let (status, result) = try await deleteObjects(keys, path: path)
        if let first = result.errors.first {
            let detail = "\(result.errors.count) of \(keys.count) objects not deleted; first \(first.key): \(first.message)"
            if S3ErrorMapping.accessCodes.contains(first.code) {
                throw DriverError.objectStore(path, .accessDenied(code: first.code, message: detail))
            }
            throw DriverError.objectStore(path, .http(status: status, code: first.code, message: detail))
        }
    }

    /// Pages through ListObjectsV2 under `prefix`; `body` returns false to stop early.
    /// `startAfter` lists only keys after that one (a range of keys listed on its own, S3Driver+KeyRanges).
    func forEachPage(
        prefix: String, delimiter: String?, maxKeys: Int = S3Driver.pageSize, startAfter: String? = nil,
        path: StoragePath, _ body: (ListObjectsPage) throws -> Bool
    ) async throws {
        var token: String?
        var seenTokens = Set<String>()
        repeat {
            var query = [
                ("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys)), ("encoding-type", "url"),
            ]
            if let delimiter { query.append(("delimiter", delimiter)) }
            // Ignored by S3 once a continuation token is sent; sent only on the first page.
            if let startAfter, token == nil { query.append(("start-after", startAfter)) }
            if let token { query.append(("continuation-token", token)) }
            let response = try await send(.list, "GET", key: nil, query: query, path: path)
            guard let page = ListObjectsPage.parse(response.body) else {
                throw DriverError.io(path, "unreadable ListObjectsV2 answer")
            }
            guard try body(page), page.isTruncated else { return }
            guard let next = page.nextContinuationToken, seenTokens.insert(next).inserted else {
                throw DriverError.io(path, "the listing is truncated but gives no new continuation token")
            }
            token = next
        } while true
    }

    /// Sends one signed request with bounded concurrency, retrying transient failures. Statuses in `passing`
    /// come back to the caller; any other non-2xx answer is thrown as a `DriverError`.
    func send(
        _ kind: S3RequestKind, _ method: String, key: String?, query: [(String, String)] = [],
        headers: [String: String] = [:], body: [UInt8] = [], path: StoragePath, passing: Set<Int> = []
    ) async throws -> HTTPResponse {
        // The last gate before the network: nothing that changes the bucket names an unsafe key, and no request is
        // sent unless its URL is exactly the path and query that get signed.
        if method != "GET" && method != "HEAD", let key, let reason = s3Location.unsafeKeyReason(key) {
            skip(key, reason)
            throw DriverError.io(path, "refusing to \(method) the key \(SafeText.escaping(key)): it \(reason)")
        }
        let encodedPath = s3Location.encodedPath(key: key)
        guard let url = s3Location.url(encodedPath: encodedPath, query: query) else {
            throw DriverError.io(
                path, "refusing to send \(method) \(SafeText.escaping(encodedPath)): the URL sent would not be exactly the signed path")
        }
        let payloadHash = body.isEmpty && method != "PUT" && method != "POST"
            ? SigV4Signer.unsignedPayload : SigV4Signer.sha256Hex(body)
        var delay = retryPolicy.initialDelay
        var attempt = 1
        while true {
            var request = HTTPRequest(method: method, url: url, headers: headers, body: body)
            if let credentials {
                let signer = SigV4Signer(
                    accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
                    sessionToken: credentials.sessionToken, region: s3Location.region)
                var toSign = headers
                toSign["host"] = s3Location.target.hostHeader
                var signed = signer.sign(
                    method: method, encodedPath: encodedPath, query: query, headers: toSign, payloadHash: payloadHash,
                    date: clock()
                ).headers
                signed["host"] = nil
                request.headers = signed
            }
            let failure: DriverError
            let retryable: Bool
            switch await exchange(request, kind: kind) {
            case .success(let response):
                if (200..<300).contains(response.status) || passing.contains(response.status) { return response }
                failure = S3ErrorMapping.error(
                    status: response.status, body: response.body, path: path, bucket: s3Location.bucket)
                retryable = failure.isTransient
            case .failure(let error):
                // Still a network failure after the retries: say so, rather than "temporary".
                failure = .objectStore(path, .network(error.message))
                retryable = error.isRetryable
            }
            guard retryable, attempt < retryPolicy.attempts else { throw failure }
            try? await Task.sleep(for: delay)
            delay *= 2
            attempt += 1
        }
    }

    private func exchange(_ request: HTTPRequest, kind: S3RequestKind) async -> Result<HTTPResponse, HTTPTransportError> {
        await limiter.acquire()
        let chain = counters.withLock {
            $0.requests[kind] += 1
            return $0.roundTrips + 1
        }
        defer { counters.withLock { $0.roundTrips = max($0.roundTrips, chain) } }
        let result: Result<HTTPResponse, HTTPTransportError>
        do {
            result = .success(try await transport.send(request))
        } catch let error as HTTPTransportError {
            result = .failure(error)
        } catch {
            result = .failure(HTTPTransportError(message: "\(error)", isRetryable: false))
        }
        await limiter.release()
        return result
    }

    /// Records a key left alone, with the first reason that applies.
    func skip(_ key: String, _ reason: UnsafeKeyReason? = nil) {
        let reason = reason ?? s3Location.unsafeKeyReason(key) ?? .notAStorePath
        counters.withLock { $0.skipped.record(key, reason) }
    }

    /// `key` without `prefix`, compared byte by byte (a `String.hasPrefix` would compare grapheme clusters).
    func relativeName(_ key: String, below prefix: String) -> String? {
        guard key.utf8.starts(with: prefix.utf8) else { return nil }
        return String(decoding: key.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }
}

enum ContentRange {
    /// The total size from `bytes 0-9/1234`; nil for `*` or anything unparsable.
    static func total(_ header: String?) -> Int64? {
        guard let header, let slash = header.lastIndex(of: "/") else { return nil }
        return Int64(header[header.index(after: slash)...].trimmingCharacters(in: .whitespaces))
    }
}
