import Crypto
import Foundation

@testable import RegistryStorage

/// An in-memory S3 (path-style only) behind the driver's `HTTPTransport`: enough of ListObjectsV2, Get/Head/Put/
/// DeleteObject and DeleteObjects to check what the driver asks for and how it reads the answers.
///
/// Continuation tokens deliberately contain `+`, `/` and `=`; a token that comes back altered fails the request.
final class FakeS3: HTTPTransport, @unchecked Sendable {
    struct State {
        var objects: [String: [UInt8]] = [:]
        var requests: [HTTPRequest] = []
        /// Keys per DeleteObjects request, in order.
        var deleteBatches: [Int] = []
        var inFlight = 0
        var peakInFlight = 0
    }

    let bucket: String
    /// The most keys one list page holds (S3: 1000; tests lower it to page small stores).
    let pageLimit: Int
    /// Answers the request instead of the fake when it returns non-nil (fault injection).
    let override: Locked<(@Sendable (HTTPRequest, Int) -> HTTPResponse?)?> = Locked(nil)
    /// How long each request takes (for the concurrency bound).
    let latency: Duration
    let state = Locked(State())

    init(bucket: String = "bucket", pageLimit: Int = 1000, latency: Duration = .zero) {
        self.bucket = bucket
        self.pageLimit = pageLimit
        self.latency = latency
    }

    func put(_ key: String, _ contents: [UInt8]) { state.withLock { $0.objects[key] = contents } }
    func put(_ key: String, _ text: String) { put(key, Array(text.utf8)) }
    var keys: [String] { state.withLock { $0.objects.keys.sorted(by: FakeS3.byteOrder) } }
    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    func setOverride(_ f: (@Sendable (HTTPRequest, Int) -> HTTPResponse?)?) { override.withLock { $0 = f } }

    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    static func token(after index: Int) -> String { "t+/=\(index)==" }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index: Int = state.withLock { s in
            s.requests.append(request)
            s.inFlight += 1
            s.peakInFlight = max(s.peakInFlight, s.inFlight)
            return s.requests.count
        }
        if latency > .zero { try? await Task.sleep(for: latency) }
        defer { state.withLock { $0.inFlight -= 1 } }
        if let f = override.withLock({ $0 }), let answer = f(request, index) { return answer }
        return handle(request)
    }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)!
        let rawPath = components.percentEncodedPath
        let query = Dictionary(
            (components.percentEncodedQueryItems ?? []).map { ($0.name, $0.value?.removingPercentEncoding ?? "") },
            uniquingKeysWith: { a, _ in a })
        let bucketPath = "/" + bucket
        guard rawPath == bucketPath || rawPath.hasPrefix(bucketPath + "/") else {
            return FakeS3.error(404, "NoSuchBucket", "The specified bucket does not exist")
        }
        let key = String(rawPath.dropFirst(bucketPath.count + 1)).removingPercentEncoding ?? ""
        switch (request.method, key.isEmpty) {
        case ("GET", true): return list(query)
        case ("POST", true) where query["delete"] != nil: return deleteObjects(request)
        case ("GET", false), ("HEAD", false): return get(key, request)
        case ("PUT", false):
            // CopyObject: `x-amz-copy-source: bucket/key` (URL-encoded), copied server-side.
            if let source = request.header("x-amz-copy-source") {
                let decoded = source.removingPercentEncoding ?? source
                let trimmed = decoded.drop(while: { $0 == "/" })
                let sourceKey = String(trimmed.dropFirst(bucket.count + 1))
                guard trimmed.hasPrefix(bucket + "/"),
                    let bytes = state.withLock({ $0.objects[sourceKey] })
                else { return FakeS3.error(404, "NoSuchKey", "The specified key does not exist.") }
                put(key, bytes)
                return HTTPResponse(status: 200, body: Array("<CopyObjectResult><ETag>\"x\"</ETag></CopyObjectResult>".utf8))
            }
            put(key, request.body)
            return HTTPResponse(status: 200, headers: ["ETag": "\"x\""])
        case ("DELETE", false):
            state.withLock { $0.objects[key] = nil }
            return HTTPResponse(status: 204)
        default:
            return FakeS3.error(400, "InvalidRequest", "unsupported by the fake")
        }
    }

    private func list(_ query: [String: String]) -> HTTPResponse {
        guard query["list-type"] == "2" else { return FakeS3.error(400, "InvalidArgument", "list-type") }
        let prefix = query["prefix"] ?? ""
        let delimiter = query["delimiter"]
        let maxKeys = min(Int(query["max-keys"] ?? "1000") ?? 1000, pageLimit)
        let urlEncoding = query["encoding-type"] == "url"
        var start = 0
        if let token = query["continuation-token"] {
            guard token.hasPrefix("t+/="), token.hasSuffix("=="), let n = Int(token.dropFirst(4).dropLast(2)) else {
                return FakeS3.error(400, "InvalidArgument", "The continuation token provided is incorrect")
            }
            start = n
        }
        // Entries in key order: objects, or common prefixes rolled up at the delimiter.
        var entries: [(name: String, isPrefix: Bool, size: Int)] = []
        var seenPrefixes = Set<String>()
        for key in keys where key.utf8.starts(with: prefix.utf8) {
            let rest = String(decoding: key.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
            if let delimiter, let r = rest.range(of: delimiter) {
                let common = prefix + rest[..<r.upperBound]
                if seenPrefixes.insert(common).inserted { entries.append((common, true, 0)) }
            } else {
                entries.append((key, false, state.withLock { $0.objects[key]?.count ?? 0 }))
            }
        }
        // Like S3: `start-after` counts only on a listing's first page (the token carries the position after it).
        if query["continuation-token"] == nil, let startAfter = query["start-after"] {
            start = entries.firstIndex { startAfter.utf8.lexicographicallyPrecedes($0.name.utf8) } ?? entries.count
        }
        let page = entries.dropFirst(start).prefix(maxKeys)
        let truncated = start + page.count < entries.count
        func enc(_ s: String) -> String {
            let text = urlEncoding ? FakeS3.formEncode(s) : s
            return S3URLDecoding.xmlEscaped(text)
        }
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
        xml += "<Name>\(bucket)</Name><Prefix>\(enc(prefix))</Prefix><KeyCount>\(page.count)</KeyCount>"
        xml += "<MaxKeys>\(maxKeys)</MaxKeys><IsTruncated>\(truncated)</IsTruncated>"
        if urlEncoding { xml += "<EncodingType>url</EncodingType>" }
        if truncated { xml += "<NextContinuationToken>\(S3URLDecoding.xmlEscaped(FakeS3.token(after: start + page.count)))</NextContinuationToken>" }
        for e in page where !e.isPrefix {
            xml += "<Contents><Key>\(enc(e.name))</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>"
            xml += "<ETag>&quot;x&quot;</ETag><Size>\(e.size)</Size><StorageClass>STANDARD</StorageClass></Contents>"
        }
        for e in page where e.isPrefix { xml += "<CommonPrefixes><Prefix>\(enc(e.name))</Prefix></CommonPrefixes>" }
        xml += "</ListBucketResult>"
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/xml"], body: Array(xml.utf8))
    }

    private func get(_ key: String, _ request: HTTPRequest) -> HTTPResponse {
        guard let data = state.withLock({ $0.objects[key] }) else {
            if request.method == "HEAD" { return HTTPResponse(status: 404) }
            return FakeS3.error(404, "NoSuchKey", "The specified key does not exist.")
        }
        let headers = [
            "Content-Length": String(data.count), "Last-Modified": "Tue, 02 Jan 2024 03:04:05 GMT", "ETag": "\"e\"",
        ]
        if request.method == "HEAD" { return HTTPResponse(status: 200, headers: headers) }
        if let range = request.header("Range") {
            let bounds = range.dropFirst("bytes=".count).split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] < data.count else {
                return FakeS3.error(416, "InvalidRange", "The requested range is not satisfiable")
            }
            let end = min(bounds[1], data.count - 1)
            let slice = Array(data[bounds[0]...end])
            return HTTPResponse(
                status: 206, headers: ["Content-Range": "bytes \(bounds[0])-\(end)/\(data.count)", "ETag": "\"e\""],
                body: slice)
        }
        return HTTPResponse(status: 200, headers: headers, body: data)
    }

    private func deleteObjects(_ request: HTTPRequest) -> HTTPResponse {
        let md5 = Data(Insecure.MD5.hash(data: request.body)).base64EncodedString()
        guard request.header("Content-MD5") == md5 else { return FakeS3.error(400, "InvalidDigest", "Content-MD5") }
        guard let root = XMLNode.parse(request.body), root.name == "Delete" else {
            return FakeS3.error(400, "MalformedXML", "body")
        }
        let keys = root.all("Object").compactMap { $0.value("Key") }
        guard keys.count <= 1000 else { return FakeS3.error(400, "MalformedXML", "more than 1000 keys") }
        state.withLock { s in
            s.deleteBatches.append(keys.count)
            for key in keys { s.objects[key] = nil }
        }
        let xml = #"<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>"#
        return HTTPResponse(status: 200, body: Array(xml.utf8))
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        let xml = #"<?xml version="1.0" encoding="UTF-8"?>"#
            + "<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>1</RequestId></Error>"
        return HTTPResponse(status: status, headers: ["Content-Type": "application/xml"], body: Array(xml.utf8))
    }

    /// S3's `encoding-type=url`: percent-encoding with `+` for spaces.
    static func formEncode(_ s: String) -> String {
        SigV4Signer.uriEncode(s, keepSlash: true).replacingOccurrences(of: "%20", with: "+")
    }
}
