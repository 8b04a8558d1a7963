/// Problems with a direct address, its options, or the credential chain. Shown to the user as they are.
public enum S3AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String, reason: String)
    case invalidEndpoint(String, reason: String)
    case missingRegion
    case invalidRegion(String)
    case credentials(String)

    public var description: String {
        let e = SafeText.escaping
        return switch self {
        case .invalidURL(let url, let reason): "\(e(url)): \(e(reason))"
        case .invalidEndpoint(let endpoint, let reason): "--endpoint \(e(endpoint)): \(e(reason))"
        case .missingRegion: "no region for the bucket: pass --region, or set AWS_REGION (or AWS_DEFAULT_REGION)"
        case .invalidRegion(let region): "\"\(e(region))\" is not a region name (lower-case letters, digits and dashes, such as eu-west-1)"
        case .credentials(let reason): "AWS credentials: \(e(reason))"
        }
    }
}
