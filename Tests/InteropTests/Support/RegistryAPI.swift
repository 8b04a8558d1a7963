import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct RegistryAPIError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Media types, as the registry and skopeo spell them.
enum MediaType {
    static let schema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    static let schema1 = "application/vnd.docker.distribution.manifest.v1+json"
    static let schema2 = "application/vnd.docker.distribution.manifest.v2+json"
    static let manifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociConfig = "application/vnd.oci.image.config.v1+json"
    static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
}

/// One HTTP exchange.
struct HTTPResponse: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }
    var bodyString: String { String(decoding: body, as: UTF8.self) }
}

/// What `GET`/`HEAD /v2/NAME/manifests/REF` answered.
struct ManifestResponse: Sendable {
    var status: Int
    /// `Docker-Content-Digest`.
    var digestHeader: String?
    /// `Content-Type`.
    var contentType: String?
    /// Empty for HEAD.
    var body: [UInt8]
    var headers: [String: String]

    var bodyString: String { String(decoding: body, as: UTF8.self) }
    /// `Content-Length` as sent (HEAD carries it too).
    var contentLength: Int? { headers["content-length"].flatMap { Int($0) } }
}

/// Minimal client for the registry's HTTP API v2, for 127.0.0.1 only. No auth, no redirects expected (filesystem
/// storage serves blobs itself). Paths keep repository slashes as they are (`team/app/sub`).
struct RegistryAPI: Sendable {
    /// Every manifest type the registry can serve, in the order docker/containerd send them. Schema1 is asked for
    /// as `+prettyjws` (that is what 2.8.2 answers for a schema1 revision).
    static let allManifestTypes = [
        MediaType.ociIndex,
        MediaType.manifestList,
        MediaType.ociManifest,
        MediaType.schema2,
        MediaType.schema1Signed,
        MediaType.schema1,
    ]

    let baseURL: URL

    init(baseURL: URL) {
        precondition(
            baseURL.host == "127.0.0.1", "RegistryAPI talks to 127.0.0.1 only, not \(baseURL.absoluteString)")
        self.baseURL = baseURL
    }

    init(port: Int) {
        self.init(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
    }

    // MARK: Catalog and tags

    /// `GET /v2/_catalog?n=PAGE`, following `Link: <...>; rel="next"` until a page carries none.
    /// Note (storage-format §1.5): a page without `Link` does not prove the listing ended; with the default page size
    /// of 1000 that quirk needs more than 1000 repositories.
    func catalog(pageSize: Int = 1000) async throws -> [String] {
        var names: [String] = []
        var path: String? = "/v2/_catalog?n=\(pageSize)"
        var pages = 0
        while let current = path {
            pages += 1
            guard pages < 10_000 else { throw RegistryAPIError(message: "catalog pagination does not end") }
            let page = try await catalogPage(path: current)
            names += page.repositories
            path = page.next
        }
        return names
    }

    /// One catalog page: its names and the path of the next page (from the `Link` header), if any.
    func catalogPage(n: Int? = nil, last: String? = nil) async throws -> (repositories: [String], next: String?) {
        var query: [String] = []
        if let n { query.append("n=\(n)") }
        if let last { query.append("last=\(Self.percentEncodeQuery(last))") }
        return try await catalogPage(path: "/v2/_catalog" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
    }

    private func catalogPage(path: String) async throws -> (repositories: [String], next: String?) {
        let response = try await request("GET", path)
        guard response.status == 200 else {
            throw RegistryAPIError(message: "GET \(path): HTTP \(response.status): \(response.bodyString)")
        }
        struct Page: Decodable { var repositories: [String]? }
        let page = try JSONDecoder().decode(Page.self, from: Data(response.body))
        return (page.repositories ?? [], response.header("link").flatMap(Self.nextPath(fromLink:)))
    }

    /// `GET /v2/NAME/tags/list`, in the order the registry sends them (driver order, unsorted). Throws on non-200
    /// (e.g. 404 NAME_UNKNOWN); use `tagsResponse` to see the raw answer.
    func tags(_ repository: String) async throws -> [String] {
        let response = try await tagsResponse(repository)
        guard response.status == 200 else {
            throw RegistryAPIError(
                message: "GET tags of \(repository): HTTP \(response.status): \(response.bodyString)")
        }
        struct List: Decodable { var tags: [String]? }
        return try JSONDecoder().decode(List.self, from: Data(response.body)).tags ?? []
    }

    func tagsResponse(_ repository: String) async throws -> HTTPResponse {
        try await request("GET", "/v2/\(repository)/tags/list")
    }

    // MARK: Manifests

    /// `GET /v2/NAME/manifests/REF` (REF is a tag or a digest).
    func manifest(_ repository: String, _ reference: String, accept: [String] = allManifestTypes) async throws
        -> ManifestResponse
    {
        try await manifestRequest("GET", repository, reference, accept: accept)
    }

    /// `HEAD /v2/NAME/manifests/REF`.
    func headManifest(_ repository: String, _ reference: String, accept: [String] = allManifestTypes) async throws
        -> ManifestResponse
    {
        try await manifestRequest("HEAD", repository, reference, accept: accept)
    }

    /// `DELETE /v2/NAME/manifests/DIGEST`; returns the status (202 on success, 404 unknown, 405 delete disabled).
    func deleteManifest(_ repository: String, _ digest: String) async throws -> Int {
        try await request("DELETE", "/v2/\(repository)/manifests/\(digest)").status
    }

    /// `PUT /v2/NAME/manifests/REF` with the given Content-Type.
    func putManifest(_ repository: String, _ reference: String, contentType: String, body: [UInt8]) async throws
        -> HTTPResponse
    {
        try await request(
            "PUT", "/v2/\(repository)/manifests/\(reference)", headers: ["Content-Type": contentType], body: body)
    }

    private func manifestRequest(_ method: String, _ repository: String, _ reference: String, accept: [String])
        async throws -> ManifestResponse
    {
        let response = try await request(
            method, "/v2/\(repository)/manifests/\(reference)",
            headers: accept.isEmpty ? [:] : ["Accept": accept.joined(separator: ", ")])
        return ManifestResponse(
            status: response.status, digestHeader: response.header("docker-content-digest"),
            contentType: response.header("content-type"), body: response.body, headers: response.headers)
    }

    // MARK: Blobs

    /// `HEAD /v2/NAME/blobs/DIGEST` status (200 present, 404 unknown).
    func blobStatus(_ repository: String, _ digest: String) async throws -> Int {
        try await request("HEAD", "/v2/\(repository)/blobs/\(digest)").status
    }

    /// `GET /v2/NAME/blobs/DIGEST`.
    func getBlob(_ repository: String, _ digest: String) async throws -> HTTPResponse {
        try await request("GET", "/v2/\(repository)/blobs/\(digest)")
    }

    /// `DELETE /v2/NAME/blobs/DIGEST`; returns the status (202 on success).
    func deleteBlob(_ repository: String, _ digest: String) async throws -> Int {
        try await request("DELETE", "/v2/\(repository)/blobs/\(digest)").status
    }

    // MARK: Raw requests

    /// Any request against the registry. `path` starts with `/` and may carry a query.
    func request(
        _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8]? = nil,
        timeout: TimeInterval = 30
    ) async throws -> HTTPResponse {
        guard let url = URL(string: baseURL.absoluteString + path) else {
            throw RegistryAPIError(message: "bad request path \(path)")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw RegistryAPIError(message: "\(method) \(path): not an HTTP response")
        }
        var lowered: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { lowered[key.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: lowered, body: Array(data))
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.connectionProxyDictionary = [:]
        configuration.httpMaximumConnectionsPerHost = 4
        return URLSession(configuration: configuration)
    }()

    /// `</v2/_catalog?last=a%2Fb&n=2>; rel="next"` gives `/v2/_catalog?last=a%2Fb&n=2`.
    static func nextPath(fromLink link: String) -> String? {
        for part in link.split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard text.contains("rel=\"next\"") || text.contains("rel=next"),
                let open = text.firstIndex(of: "<"), let close = text.firstIndex(of: ">"), open < close
            else { continue }
            var target = String(text[text.index(after: open)..<close])
            if let url = URL(string: target), url.host != nil {
                target = url.path + (url.query.map { "?" + $0 } ?? "")
            }
            return target
        }
        return nil
    }

    static func percentEncodeQuery(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
