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

/// Why a configured or given value cannot be used (the text is shown after the key or option it belongs to).
public struct S3ValueProblem: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// How bucket and key go into the request URL.
public enum S3Addressing: Sendable, Equatable {
    /// `https://endpoint/BUCKET/KEY`
    case pathStyle
    /// `https://BUCKET.endpoint/KEY`
    case virtualHosted
}

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

/// The process environment and file access the resolution reads, injectable for tests.
public struct S3Environment: Sendable {
    public var variables: [String: String]
    /// The file's text, or nil when it does not exist or cannot be read.
    public var readFile: @Sendable (String) -> String?

    public init(variables: [String: String], readFile: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.variables = variables
        self.readFile = readFile
    }

    /// This process's environment; files read from disk (at most 1 MiB).
    public static func current(_ variables: [String: String] = ProcessInfo.processInfo.environment) -> S3Environment {
        S3Environment(variables: variables) { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? NSNumber, size.intValue <= 1 << 20,
                  let data = FileManager.default.contents(atPath: path)
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

// MARK: - The credential chain

/// The part of aws-sdk-go v1's default chain Drydock implements: the environment (`AWS_ACCESS_KEY_ID` or
/// `AWS_ACCESS_KEY`, `AWS_SECRET_ACCESS_KEY` or `AWS_SECRET_KEY`, `AWS_SESSION_TOKEN`), then the shared credentials
/// file (`AWS_SHARED_CREDENTIALS_FILE`, else `$HOME/.aws/credentials`; profile `AWS_PROFILE`, else
/// `AWS_DEFAULT_PROFILE`, else `default`). Instance and container roles are not queried.
public enum S3CredentialChain {
    public struct Resolved: Sendable {
        public var credentials: S3Credentials?
        public var source: S3CredentialSource
        public var notes: [String]
    }

    public static func resolve(_ environment: S3Environment) throws(S3AccessError) -> Resolved {
        let env = environment.variables
        func first(_ names: [String]) -> String? { names.lazy.compactMap { env[$0] }.first { !$0.isEmpty } }
        var notes: [String] = []
        let id = first(["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"])
        let secret = first(["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"])
        if let id, let secret {
            let token = first(["AWS_SESSION_TOKEN"])
            return Resolved(credentials: S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token), source: .environment, notes: notes)
        }
        if id != nil || secret != nil {
            notes.append(id != nil
                ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; both are ignored"
                : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; both are ignored")
        }

        let explicitFile = first(["AWS_SHARED_CREDENTIALS_FILE"])
        let explicitProfile = first(["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
        let profile = explicitProfile ?? "default"
        let path: String
        if let explicitFile {
            path = expandHome(explicitFile, home: env["HOME"])
        } else if let home = env["HOME"], !home.isEmpty {
            path = (home.hasSuffix("/") ? home : home + "/") + ".aws/credentials"
        } else {
            notes.append("HOME is not set: no shared credentials file; requests are sent unsigned")
            return Resolved(credentials: nil, source: .anonymous, notes: notes)
        }
        guard let text = environment.readFile(path) else {
            if explicitFile != nil {
                throw .credentials("AWS_SHARED_CREDENTIALS_FILE names \(path), which cannot be read")
            }
            if explicitProfile != nil {
                throw .credentials("AWS_PROFILE names profile \"\(profile)\", but there is no \(path)")
            }
            notes.append("no credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) nor in \(path): requests are sent unsigned")
            return Resolved(credentials: nil, source: .anonymous, notes: notes)
        }
        let profiles = AWSSharedCredentialsFile.parse(text)
        guard let section = profiles[profile] else {
            if explicitProfile != nil || explicitFile != nil {
                throw .credentials("\(path) has no profile [\(profile)]")
            }
            notes.append("\(path) has no [default] profile and the environment has no AWS_ACCESS_KEY_ID: requests are sent unsigned")
            return Resolved(credentials: nil, source: .anonymous, notes: notes)
        }
        guard let fileID = section["aws_access_key_id"], !fileID.isEmpty else {
            throw .credentials("profile [\(profile)] of \(path) has no aws_access_key_id")
        }
        guard let fileSecret = section["aws_secret_access_key"], !fileSecret.isEmpty else {
            throw .credentials("profile [\(profile)] of \(path) has no aws_secret_access_key")
        }
        let token = section["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
        return Resolved(
            credentials: S3Credentials(accessKeyID: fileID, secretAccessKey: fileSecret, sessionToken: token),
            source: .sharedFile(path: path, profile: profile), notes: notes)
    }

    static func expandHome(_ path: String, home: String?) -> String {
        guard let home, !home.isEmpty else { return path }
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}

/// The INI dialect of `~/.aws/credentials`: `[profile]` headers, `key = value` lines, whole-line comments starting
/// with `#` or `;` (and trailing ones after whitespace), surrounding whitespace ignored, key names case-insensitive.
/// A later value for the same key wins; lines outside any section are ignored.
public enum AWSSharedCredentialsFile {
    public static func parse(_ text: String) -> [String: [String: String]] {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                current = name
                if profiles[name] == nil { profiles[name] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = String(line[line.index(after: equals)...])
            if let comment = value.range(of: #"\s[#;]"#, options: .regularExpression) {
                value = String(value[..<comment.lowerBound])
            }
            profiles[current]?[key] = value.trimmingCharacters(in: .whitespaces)
        }
        return profiles
    }
}

// MARK: - Endpoints and regions

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

public enum S3Regions {
    /// The regions registry 2.8.2 (Debian's 2.8.2+ds1 build) accepts without a `regionendpoint`: every region of the
    /// default partitions of the aws-sdk-go it was built with. Checked against the binary: ap-south-2, eu-central-2,
    /// eu-south-2, il-central-1 and ca-west-1 are refused ("invalid region provided").
    public static let registryKnown: Set<String> = [
        "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
        "ap-southeast-2", "ap-southeast-3", "ca-central-1", "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-north-1",
        "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-central-1", "me-south-1", "sa-east-1", "us-east-1",
        "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-west-1",
        "us-west-2",
    ]

    /// Safe to put in a host name and a signature scope.
    public static func isWellFormed(_ region: String) -> Bool {
        !region.isEmpty && region.count <= 64
            && region.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}

// MARK: - s3://BUCKET/ROOT

/// A direct store address, `s3://BUCKET/ROOT`: ROOT is the registry's `rootdirectory` (may be empty); a trailing
/// `docker/registry/v2` is accepted and dropped, like the `v2` folder for a filesystem store.
public struct S3StoreURL: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Without leading or trailing slashes.
    public var rootDirectory: String
    public var notes: [String] = []

    public init(bucket: String, rootDirectory: String) {
        self.bucket = bucket
        self.rootDirectory = rootDirectory
    }

    /// The same text as `S3Location.description` (and the driver's `location`).
    public var description: String { rootDirectory.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(rootDirectory)" }

    /// True for text that is meant as an S3 address (`s3://`, any case).
    public static func looksLikeS3(_ text: String) -> Bool { text.lowercased().hasPrefix("s3://") }

    public static func parse(_ text: String) throws(S3AccessError) -> S3StoreURL {
        guard looksLikeS3(text) else { throw .invalidURL(text, reason: "expected s3://BUCKET/ROOTDIRECTORY") }
        let rest = text.dropFirst("s3://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let bucket = String(rest[..<slash])
        guard !bucket.isEmpty else { throw .invalidURL(text, reason: "names no bucket (expected s3://BUCKET/ROOTDIRECTORY)") }
        if let problem = bucketProblem(bucket, strict: true) { throw .invalidURL(text, reason: "the bucket name \"\(bucket)\" \(problem)") }
        var root: String
        switch normalizedRoot(slash == rest.endIndex ? "" : String(rest[rest.index(after: slash)...])) {
        case .success(let r): root = r
        case .failure(let problem): throw .invalidURL(text, reason: problem.reason)
        }
        var url = S3StoreURL(bucket: bucket, rootDirectory: root)
        let v2 = "docker/registry/v2"
        if root == v2 || root.hasSuffix("/" + v2) {
            // The store's v2 prefix itself was named: the root is above it.
            root = String(root.dropLast(v2.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            url.rootDirectory = root
            url.notes.append("\(text) is a store's v2 prefix: reading the store rooted at \(url)")
        }
        return url
    }

    /// The registry's key rule (`s3Path`: leading and trailing slashes of `rootdirectory` do not count), plus what
    /// Drydock refuses: empty, `.` or `..` segments (some HTTP stacks fold them; the keys could not be addressed
    /// reliably) and control characters.
    static func normalizedRoot(_ root: String) -> Result<String, S3ValueProblem> {
        let trimmed = root.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if trimmed.isEmpty { return .success("") }
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .failure(S3ValueProblem("the root directory contains control characters"))
        }
        for segment in trimmed.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return .failure(S3ValueProblem("the root directory \"\(trimmed)\" has an empty segment (//)")) }
            if segment == "." || segment == ".." {
                return .failure(S3ValueProblem("the root directory \"\(trimmed)\" has a \"\(segment)\" segment; name the prefix without it"))
            }
        }
        return .success(trimmed)
    }

    /// Nil when usable. `strict`: the S3 naming rules (3 to 63 lower-case letters, digits, dots and dashes, starting
    /// and ending with a letter or digit, no `..`, not an IP address). Otherwise (a registry configuration, which the
    /// registry does not check): only what would break a request URL.
    static func bucketProblem(_ bucket: String, strict: Bool) -> String? {
        if bucket.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F || "/?#%\\".unicodeScalars.contains($0) }) {
            return "is not a bucket name (spaces, slashes, ?, #, % and non-ASCII characters cannot occur in one)"
        }
        guard strict else { return nil }
        guard bucket.count >= 3 && bucket.count <= 63 else { return "is not a bucket name: it must be 3 to 63 characters long" }
        let allowed = bucket.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }
        guard allowed else { return "is not a bucket name: only lower-case letters, digits, dots and dashes" }
        guard let first = bucket.unicodeScalars.first, let last = bucket.unicodeScalars.last,
              CharacterSet.alphanumerics.contains(first), CharacterSet.alphanumerics.contains(last)
        else { return "is not a bucket name: it must start and end with a letter or digit" }
        if bucket.contains("..") { return "is not a bucket name: two dots in a row" }
        if bucket.range(of: #"^(\d+\.){3}\d+$"#, options: .regularExpression) != nil { return "is not a bucket name: it looks like an IP address" }
        return nil
    }
}
