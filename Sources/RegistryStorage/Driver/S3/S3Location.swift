import Foundation

/// Where a registry's S3 store lives, as the registry's `storage.s3` section names it.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// The registry's `rootdirectory`; keys are `rootdirectory/docker/registry/v2/...` (storage-format §1.1).
    public var rootDirectory: String
    public var region: String
    /// The registry's `regionendpoint`; nil means AWS itself.
    public var endpoint: URL?
    /// HTTPS for AWS endpoints (a custom endpoint carries its own scheme).
    public var secure: Bool
    /// `https://HOST/BUCKET/KEY` instead of `https://BUCKET.HOST/KEY`.
    public var pathStyle: Bool

    /// `pathStyle` defaults to "an endpoint is given", as in the registry (a non-empty `regionendpoint` means path-style).
    public init(
        bucket: String, rootDirectory: String = "", region: String = "us-east-1", endpoint: URL? = nil,
        secure: Bool = true, pathStyle: Bool? = nil
    ) {
        self.bucket = bucket
        self.rootDirectory = rootDirectory
        self.region = region
        self.endpoint = endpoint
        self.secure = secure
        self.pathStyle = pathStyle ?? (endpoint != nil)
    }

    /// `s3://bucket/rootdirectory`
    public var description: String {
        let root = rootDirectory.trimmingSlashes()
        return root.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(root)"
    }

    /// The key of `docker/registry/v2`: right-trim `/` from the root, append the driver path, left-trim `/`.
    public var keyPrefix: String {
        var root = rootDirectory
        while root.hasSuffix("/") { root.removeLast() }
        var key = root + "/docker/registry/v2"
        while key.hasPrefix("/") { key.removeFirst() }
        return key
    }

    public func key(for path: StoragePath) -> String {
        path.components.isEmpty ? keyPrefix : keyPrefix + "/" + path.relativeString
    }

    /// A `regionendpoint` as the registry accepts it: with a scheme, or bare `host:port` (then `secure` picks one).
    public static func endpointURL(_ text: String, secure: Bool) -> URL? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let withScheme = trimmed.contains("://") ? trimmed : (secure ? "https://" : "http://") + trimmed
        guard let url = URL(string: withScheme), url.host != nil else { return nil }
        return url
    }

    /// Scheme, host (with a non-default port: it is part of the signed `host`) and path prefix requests go to.
    struct Target: Equatable {
        var scheme: String
        var host: String
        /// The `Host` header value: the host, plus `:port` when the port is not the scheme's default.
        var hostHeader: String
        /// Already encoded; no trailing slash.
        var basePath: String
    }

    var target: Target {
        if let endpoint {
            let scheme = endpoint.scheme?.lowercased() ?? (secure ? "https" : "http")
            let host = endpoint.host ?? ""
            var basePath = endpoint.path
            while basePath.hasSuffix("/") { basePath.removeLast() }
            basePath = SigV4Signer.encodePath(basePath)
            let fullHost = pathStyle ? host : "\(bucket).\(host)"
            let port = endpoint.port.flatMap { p -> Int? in
                (scheme == "https" && p == 443) || (scheme == "http" && p == 80) ? nil : p
            }
            return Target(
                scheme: scheme, host: fullHost, hostHeader: fullHost + (port.map { ":\($0)" } ?? ""),
                basePath: basePath)
        }
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let awsHost = "s3.\(region).\(domain)"
        let host = pathStyle ? awsHost : "\(bucket).\(awsHost)"
        return Target(scheme: secure ? "https" : "http", host: host, hostHeader: host, basePath: "")
    }

    /// The encoded request path for the bucket (`key == nil`) or one object.
    func encodedPath(key: String?) -> String {
        let base = target.basePath + (pathStyle ? "/" + SigV4Signer.uriEncode(bucket, keepSlash: false) : "")
        guard let key else { return base.isEmpty ? "/" : base }
        return base + "/" + SigV4Signer.encodePath(key)
    }

    /// The URL to send for a request signed over `encodedPath` and `query`, or nil when what would be sent could
    /// differ from what was signed: a `.` or `..` segment (literal or percent-encoded) is collapsed by HTTP clients
    /// after signing (libcurl under URLSession does it), which would address another key or bucket.
    func url(encodedPath: String, query: [(String, String)]) -> URL? {
        guard !HTTPRequest.hasDotSegment(encodedPath, percentEncodedToo: true) else { return nil }
        let t = target
        let queryString = SigV4Signer.canonicalQuery(query)
        let text = "\(t.scheme)://\(t.hostHeader)\(encodedPath)" + (queryString.isEmpty ? "" : "?" + queryString)
        guard let url = URL(string: text), url.path(percentEncoded: true) == encodedPath,
            (url.query(percentEncoded: true) ?? "") == queryString
        else { return nil }
        return url
    }

    /// Why `key` must not be named in a request that changes the bucket, or nil when it may be. It must lie below
    /// `folder` (a key of this store, the store's prefix when nil), have no empty, `.` or `..` segment below the
    /// prefix and no control character: a listing can return such keys, and a request naming one could be
    /// normalised into a request for an object outside the store.
    func unsafeKeyReason(_ key: String, below folder: String? = nil) -> UnsafeKeyReason? {
        if S3URLDecoding.isUndecodableMarker(key) { return .undecodable }
        let storeBase = keyPrefix + "/"
        guard key.utf8.starts(with: storeBase.utf8), key.utf8.starts(with: ((folder ?? keyPrefix) + "/").utf8) else {
            return .outsideStore
        }
        let below = key.utf8.dropFirst(storeBase.utf8.count)
        for segment in below.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.isEmpty || segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) {
                return .pathSegment
            }
        }
        return SafeText.needsEscaping(key) ? .controlCharacter : nil
    }
}

/// Keys for signing; nil credentials mean anonymous (unsigned) requests.
public struct S3Credentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

extension String {
    func trimmingSlashes() -> String {
        var s = Substring(self)
        while s.hasPrefix("/") { s.removeFirst() }
        while s.hasSuffix("/") { s.removeLast() }
        return String(s)
    }
}
