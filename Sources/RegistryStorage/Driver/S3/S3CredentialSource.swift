/// Where the credentials came from, for messages (never the secret itself).
public enum S3CredentialSource: Sendable, Equatable, CustomStringConvertible {
    /// `storage.s3.accesskey` and `secretkey`.
    case configuration
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`).
    case environment
    /// A profile of the shared credentials file.
    case sharedFile(path: String, profile: String)
    /// None found: requests go unsigned.
    case anonymous

    public var description: String {
        switch self {
        case .configuration: "the configuration's accesskey and secretkey"
        case .environment: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        case .sharedFile(let path, let profile): "profile \"\(SafeText.escaping(profile))\" of \(SafeText.escaping(path))"
        case .anonymous: "no credentials (unsigned requests)"
        }
    }
}
