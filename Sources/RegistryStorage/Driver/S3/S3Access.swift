import Foundation

/// Everything needed to reach one S3 store: where it is (`S3Location`), how requests are signed, and notes for the
/// user (where the credentials came from, settings Drydock reads differently from the registry).
///
/// Built either from a registry configuration's `storage.s3` block (`fromConfiguration`, the rules of registry
/// 2.8.2's s3-aws driver and the aws-sdk-go v1 session it creates) or from a direct `s3://BUCKET/ROOT` address
/// (`direct`). Both are pure: the environment and file reads come in through `S3Environment`.
public struct S3Access: Sendable {
    public var location: S3Location
    /// Nil: requests are sent unsigned (a public bucket, or an endpoint that checks no signatures).
    public var credentials: S3Credentials?
    public var credentialSource: S3CredentialSource
    public var notes: [String]

    public init(location: S3Location, credentials: S3Credentials?, credentialSource: S3CredentialSource, notes: [String] = []) {
        self.location = location
        self.credentials = credentials
        self.credentialSource = credentialSource
        self.notes = notes
    }

    /// `s3://BUCKET/ROOT` (ROOT without leading or trailing slashes), the form `drydock` accepts and shows.
    public var displayLocation: String { location.description }

    /// The key prefix of the store: `ROOT/docker/registry/v2/` (storage-format §1.1).
    public var v2KeyPrefix: String {
        (location.rootDirectory.isEmpty ? "" : location.rootDirectory + "/") + "docker/registry/v2/"
    }

    // MARK: From the registry configuration

    /// `storage.s3` as registry 2.8.2 reads it (`FromParameters` then `New` in registry/storage/driver/s3-aws/s3.go):
    /// `region` is required and must be an AWS region the registry's SDK knows unless `regionendpoint` is set;
    /// `bucket` is required; a non-empty `regionendpoint` is the endpoint and turns on path-style addressing;
    /// `secure: false` means plain HTTP; `accesskey` and `secretkey` are used only when both are set, otherwise
    /// the AWS credential chain (environment, then the shared credentials file).
    ///
    /// Throws `ConfigurationError` for settings the registry would refuse (or that Drydock cannot address), and
    /// `S3AccessError` when the credential chain is broken.
    public static func fromConfiguration(_ settings: RegistryConfiguration.S3Settings, environment: S3Environment) throws -> S3Access {
        let key = { (name: String) in "storage.\(settings.driverName).\(name)" }
        guard !settings.region.isEmpty else {
            throw ConfigurationError.invalidValue(key: key("region"), reason: "missing (registry 2.8.2 refuses to start: \"no region parameter provided\")")
        }
        if settings.regionEndpoint.isEmpty && !S3Regions.registryKnown.contains(settings.region) {
            throw ConfigurationError.invalidValue(
                key: key("region"),
                reason: "\"\(settings.region)\" is not an AWS region registry 2.8.2 knows (it refuses to start: \"invalid region provided\"); "
                    + "for an S3-compatible store set regionendpoint, which lifts the check")
        }
        guard !settings.bucket.isEmpty else {
            throw ConfigurationError.invalidValue(key: key("bucket"), reason: "missing (registry 2.8.2 refuses to start: \"no bucket parameter provided\")")
        }
        if let problem = S3StoreURL.bucketProblem(settings.bucket, strict: false) {
            throw ConfigurationError.invalidValue(key: key("bucket"), reason: "\"\(settings.bucket)\" \(problem)")
        }
        if !settings.v4Auth && (settings.regionEndpoint.isEmpty || settings.regionEndpoint.contains("s3.amazonaws.com")) {
            throw ConfigurationError.invalidValue(
                key: key("v4auth"),
                reason: "false, but on Amazon S3 the registry's driver works only with v4 authentication (registry 2.8.2 refuses to start)")
        }
        let rootDirectory: String
        switch S3StoreURL.normalizedRoot(settings.rootDirectory) {
        case .success(let root): rootDirectory = root
        case .failure(let problem): throw ConfigurationError.invalidValue(key: key("rootdirectory"), reason: problem.reason)
        }

        var notes: [String] = []
        let endpoint: URL
        let pathStyle: Bool
        if settings.regionEndpoint.isEmpty {
            endpoint = S3Endpoint.awsDefault(region: settings.region, secure: settings.secure)
            pathStyle = !S3Endpoint.isHostCompatible(bucket: settings.bucket, scheme: endpoint.scheme ?? "https")
        } else {
            switch S3Endpoint.parse(settings.regionEndpoint, secure: settings.secure) {
            case .success(let url): endpoint = url
            case .failure(let problem): throw ConfigurationError.invalidValue(key: key("regionendpoint"), reason: problem.reason)
            }
            // 2.8.2 New(): `if params.RegionEndpoint != "" { awsConfig.WithS3ForcePathStyle(true) }`.
            pathStyle = true
        }
        if !settings.v4Auth {
            notes.append("\(key("v4auth")) is false: the registry signs with Signature Version 2 there; Drydock always signs with Version 4")
        }

        var credentials: S3Credentials?
        let source: S3CredentialSource
        if !settings.accessKey.isEmpty && !settings.secretKey.isEmpty {
            credentials = S3Credentials(accessKeyID: settings.accessKey, secretAccessKey: settings.secretKey, sessionToken: nil)
            source = .configuration
        } else {
            if settings.accessKey.isEmpty != settings.secretKey.isEmpty {
                let given = settings.accessKey.isEmpty ? "secretkey" : "accesskey"
                let absent = settings.accessKey.isEmpty ? "accesskey" : "secretkey"
                notes.append("\(key(given)) is set without \(key(absent)); like the registry, Drydock ignores it and uses the AWS credential chain")
            }
            let chain = try S3CredentialChain.resolve(environment)
            credentials = chain.credentials
            source = chain.source
            notes += chain.notes
        }
        let location = S3Location(
            bucket: settings.bucket, rootDirectory: rootDirectory, region: settings.region, endpoint: endpoint,
            secure: endpoint.scheme == "https", pathStyle: pathStyle)
        return S3Access(location: location, credentials: credentials, credentialSource: source, notes: notes)
    }

    // MARK: The direct form

    /// `drydock s3://BUCKET/ROOT [--endpoint URL] [--region R] [--path-style | --virtual-hosted]`.
    ///
    /// Region: `region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1` when an endpoint is given
    /// (what most S3-compatible stores expect); required for AWS itself. An endpoint means path-style addressing
    /// (as a registry `regionendpoint` does) unless `addressing` says otherwise; an endpoint without a scheme is
    /// HTTPS. Without an endpoint: the AWS endpoint of the region, virtual-hosted where the bucket name allows it.
    /// Credentials: the AWS chain (environment, then the shared credentials file).
    public static func direct(
        _ url: S3StoreURL, endpoint endpointText: String? = nil, region regionText: String? = nil,
        addressing: S3Addressing? = nil, environment: S3Environment
    ) throws(S3AccessError) -> S3Access {
        let variables = environment.variables
        let region: String
        if let regionText {
            region = regionText
        } else if let fromEnvironment = [variables["AWS_REGION"], variables["AWS_DEFAULT_REGION"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) {
            region = fromEnvironment
        } else if endpointText != nil {
            region = "us-east-1"
        } else {
            throw .missingRegion
        }
        guard S3Regions.isWellFormed(region) else { throw .invalidRegion(region) }

        let endpoint: URL
        if let endpointText {
            switch S3Endpoint.parse(endpointText, secure: true) {
            case .success(let parsed): endpoint = parsed
            case .failure(let problem): throw .invalidEndpoint(endpointText, reason: problem.reason)
            }
        } else {
            endpoint = S3Endpoint.awsDefault(region: region, secure: true)
        }
        let compatible = S3Endpoint.isHostCompatible(bucket: url.bucket, scheme: endpoint.scheme ?? "https")
        if addressing == .virtualHosted && !compatible {
            throw .invalidURL(
                url.description,
                reason: "the bucket name \"\(url.bucket)\" cannot be a host name\(endpoint.scheme == "https" ? " over HTTPS (it has a dot)" : ""); drop --virtual-hosted")
        }
        // An endpoint means path-style, as a registry regionendpoint does; AWS itself: virtual-hosted where possible.
        let pathStyle = addressing.map { $0 == .pathStyle } ?? (endpointText != nil || !compatible)
        let chain = try S3CredentialChain.resolve(environment)
        let location = S3Location(
            bucket: url.bucket, rootDirectory: url.rootDirectory, region: region, endpoint: endpoint,
            secure: endpoint.scheme == "https", pathStyle: pathStyle)
        return S3Access(location: location, credentials: chain.credentials, credentialSource: chain.source, notes: url.notes + chain.notes)
    }
}
