import Foundation

/// Where a registry's S3 store lives, as the registry's `storage.s3` section names it.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// The registry's `rootdirectory`; keys are `rootdirectory/docker/registry/v2/...` (spec §1.1).
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

    func url(encodedPath: String, query: [(String, String)]) -> URL {
        let t = target
        let queryString = SigV4Signer.canonicalQuery(query)
        let text = "\(t.scheme)://\(t.hostHeader)\(encodedPath)" + (queryString.isEmpty ? "" : "?" + queryString)
        // Every part is percent-encoded to RFC 3986 unreserved, so this cannot fail for a valid host.
        return URL(string: text) ?? URL(string: "\(t.scheme)://invalid.invalid/")!
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
