import Foundation

public enum S3Endpoint {
    /// aws-sdk-go `endpoints.AddScheme` (`https://` unless `secure` is false, when the text names no scheme), then
    /// checks Drydock can use it: http or https, a host, no path, query or credentials.
    public static func parse(_ text: String, secure: Bool) -> Result<URL, S3ValueProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .failure(S3ValueProblem("empty")) }
        let withScheme = trimmed.range(of: "^[^:]+://", options: .regularExpression) != nil
            ? trimmed : (secure ? "https://" : "http://") + trimmed
        guard let components = URLComponents(string: withScheme), let scheme = components.scheme?.lowercased() else {
            return .failure(S3ValueProblem("not a URL such as http://127.0.0.1:9000 or https://s3.example.com"))
        }
        guard scheme == "http" || scheme == "https" else { return .failure(S3ValueProblem("the scheme must be http or https, not \(scheme)")) }
        guard let host = components.host, !host.isEmpty else { return .failure(S3ValueProblem("names no host")) }
        guard components.user == nil && components.password == nil else { return .failure(S3ValueProblem("must not carry a user name or password")) }
        guard components.path.isEmpty || components.path == "/" else {
            return .failure(S3ValueProblem("must be scheme://host[:port] without a path (the bucket is not part of the endpoint)"))
        }
        guard components.query == nil && components.fragment == nil else { return .failure(S3ValueProblem("must not have a query or fragment")) }
        var clean = URLComponents()
        clean.scheme = scheme
        clean.host = host
        clean.port = components.port
        guard let url = clean.url else { return .failure(S3ValueProblem("not a usable URL")) }
        return .success(url)
    }

    /// The S3 endpoint aws-sdk-go v1 resolves for a region (us-east-1 uses the global `s3.amazonaws.com`).
    public static func awsDefault(region: String, secure: Bool) -> URL {
        let host: String
        if region == "us-east-1" {
            host = "s3.amazonaws.com"
        } else if region.hasPrefix("cn-") {
            host = "s3.\(region).amazonaws.com.cn"
        } else if region.hasPrefix("us-isob-") {
            host = "s3.\(region).sc2s.sgov.gov"
        } else if region.hasPrefix("us-iso-") {
            host = "s3.\(region).c2s.ic.gov"
        } else {
            host = "s3.\(region).amazonaws.com"
        }
        return URL(string: "\(secure ? "https" : "http")://\(host)")!
    }

    /// aws-sdk-go `hostCompatibleBucketName`: a DNS label sequence, not an IP address, and no dot over HTTPS
    /// (the wildcard certificate would not match).
    public static func isHostCompatible(bucket: String, scheme: String) -> Bool {
        if scheme.lowercased() == "https" && bucket.contains(".") { return false }
        guard bucket.count >= 3, bucket.count <= 63, !bucket.contains("..") else { return false }
        let allowed = bucket.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }
        guard allowed, let first = bucket.utf8.first, let last = bucket.utf8.last, first != 0x2E, first != 0x2D, last != 0x2E, last != 0x2D
        else { return false }
        return bucket.range(of: #"^(\d+\.){3}\d+$"#, options: .regularExpression) == nil
    }
}
