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
