import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request as the S3 driver builds it: the URL is already percent-encoded exactly as it was signed.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    /// Header names as given; the transport derives `Host` and `Content-Length` itself.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// True when the percent-encoded `path` has a `.` or `..` segment, which HTTP clients remove before sending
    /// (libcurl does, whatever the URL says). With `percentEncodedToo`, `%2E` counts as a dot: some servers and
    /// URL parsers decode it first.
    public static func hasDotSegment(_ path: String, percentEncodedToo: Bool) -> Bool {
        path.split(separator: "/", omittingEmptySubsequences: false).contains { segment in
            let dots = percentEncodedToo
                ? segment.replacingOccurrences(of: "%2e", with: ".", options: .caseInsensitive) : String(segment)
            return dots == "." || dots == ".."
        }
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// The request could not be completed at all (no HTTP answer).
public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Timeouts, resets and refused connections may succeed on a later try; TLS and bad URLs will not.
    public var isRetryable: Bool

    public init(message: String, isRetryable: Bool) {
        self.message = message
        self.isRetryable = isRetryable
    }

    public var description: String { message }
}

/// Sends one request; throws only `HTTPTransportError` (any HTTP status is a response, not an error).
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// `URLSession` without caches, cookies or redirects: S3 answers are signed exchanges and must be seen as they are.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let timeout: TimeInterval

    public init(timeout: TimeInterval = 30) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = timeout
        self.session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
        self.timeout = timeout
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        // libcurl collapses `.` and `..` segments after the request was signed: that request would reach another
        // object (or bucket) than the one named, so it is never sent.
        guard !HTTPRequest.hasDotSegment(request.url.path(percentEncoded: true), percentEncodedToo: false) else {
            throw HTTPTransportError(
                message: "refusing to send \(request.method) \(request.url.absoluteString): its path has a . or .. segment",
                isRetryable: false)
        }
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        guard urlRequest.url?.absoluteString == request.url.absoluteString else {
            throw HTTPTransportError(
                message: "refusing to send \(request.method) \(request.url.absoluteString): the request URL was rewritten",
                isRetryable: false)
        }
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers where name.lowercased() != "host" && name.lowercased() != "content-length" {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        if !request.body.isEmpty || request.method == "PUT" || request.method == "POST" {
            urlRequest.httpBody = Data(request.body)
        }
        let data: Data
        let response: URLResponse
        do {
            // Swift task cancellation must not reach URLSession: on Linux, cancelling a task while `data(for:)`
            // handles a response can deadlock the canceller (swift-corelibs-foundation #5412), and the catalog
            // prefetch cancels listings it no longer needs (CI saw `drydock rm` over S3 hang until killed). A
            // detached task does not inherit cancellation; a cancelled caller waits for the answer instead, which
            // the request timeout bounds.
            let session = self.session
            let sent = urlRequest
            (data, response) = try await Task.detached { try await session.data(for: sent) }.value
        } catch {
            throw URLSessionTransport.transportError(error, url: request.url)
        }
        guard let http = response as? HTTPURLResponse else {
            throw HTTPTransportError(message: "\(request.url.host ?? "?"): not an HTTP answer", isRetryable: false)
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: Array(data))
    }

    static func transportError(_ error: any Error, url: URL) -> HTTPTransportError {
        let endpoint = "\(url.scheme ?? "http")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")"
        guard let urlError = error as? URLError else {
            return HTTPTransportError(message: "\(endpoint): \(error.localizedDescription)", isRetryable: true)
        }
        let retryable: Bool
        let what: String
        switch urlError.code {
        case .timedOut: (retryable, what) = (true, "timed out")
        case .cannotConnectToHost: (retryable, what) = (true, "connection refused")
        case .networkConnectionLost: (retryable, what) = (true, "connection lost")
        case .notConnectedToInternet: (retryable, what) = (true, "no network")
        case .cannotFindHost, .dnsLookupFailed: (retryable, what) = (true, "host name not found")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            (retryable, what) = (false, "TLS failure")
        case .badURL, .unsupportedURL: (retryable, what) = (false, "bad URL")
        default: (retryable, what) = (true, "request failed")
        }
        return HTTPTransportError(message: "\(endpoint): \(what) (\(urlError.localizedDescription))", isRetryable: retryable)
    }
}

/// S3 never redirects a signed request usefully (a 301 means a wrong region or endpoint); show the answer instead.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
