import Foundation
@testable import RegistryStorage
import Testing

/// `storage.s3` and `s3://BUCKET/ROOT` resolved to an endpoint, addressing and credentials (registry 2.8.2's
/// s3-aws driver and aws-sdk-go v1 rules), without any request.
@Suite struct S3AccessTests {
    typealias Settings = RegistryConfiguration.S3Settings

    static func environment(_ variables: [String: String] = [:], files: [String: String] = [:]) -> S3Environment {
        S3Environment(variables: variables) { files[$0] }
    }

    static func settings(_ yaml: String, _ env: [String: String] = [:]) throws -> Settings {
        let text = "version: 0.1\nstorage:\n  s3:\n" + yaml.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        guard case .s3(let s3) = try RegistryConfiguration.parse(yaml: text, environment: env).storage else {
            throw S3TestFailure("not an s3 configuration")
        }
        return s3
    }

    static func configurationError(_ settings: Settings, _ env: S3Environment = environment()) -> ConfigurationError? {
        do {
            _ = try S3Access.fromConfiguration(settings, environment: env)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return nil
        }
    }

    // MARK: Configuration form

    @Test func regionEndpointMeansThatEndpointAndPathStyle() throws {
        let s3 = try Self.settings("""
            region: us-east-1
            regionendpoint: http://127.0.0.1:9000
            bucket: registry
            rootdirectory: /some/prefix/
            accesskey: AKID
            secretkey: SECRET
            secure: false
            v4auth: true
            """)
        let access = try S3Access.fromConfiguration(s3, environment: Self.environment(["AWS_ACCESS_KEY_ID": "ignored", "AWS_SECRET_ACCESS_KEY": "ignored"]))
        #expect(access.location.endpoint == URL(string: "http://127.0.0.1:9000"))
        #expect(access.location.pathStyle)
        #expect(access.location.secure == false)
        #expect(access.location.bucket == "registry")
        #expect(access.location.region == "us-east-1")
        #expect(access.location.rootDirectory == "some/prefix")
        #expect(access.v2KeyPrefix == "some/prefix/docker/registry/v2/")
        #expect(access.displayLocation == "s3://registry/some/prefix")
        #expect(access.credentials?.accessKeyID == "AKID")
        #expect(access.credentials?.secretAccessKey == "SECRET")
        #expect(access.credentialSource == .configuration)
        #expect(access.notes.isEmpty)
    }

    @Test func environmentOverridesReachTheLocation() throws {
        let s3 = try Self.settings("region: us-east-1\nbucket: b1", [
            "REGISTRY_STORAGE_S3_REGIONENDPOINT": "minio.local:9000",
            "REGISTRY_STORAGE_S3_SECURE": "false",
            "REGISTRY_STORAGE_S3_BUCKET": "other-bucket",
            "REGISTRY_STORAGE_S3_ROOTDIRECTORY": "/r",
        ])
        let access = try S3Access.fromConfiguration(s3, environment: Self.environment())
        // aws-sdk-go AddScheme: no scheme and secure false gives http.
        #expect(access.location.endpoint == URL(string: "http://minio.local:9000"))
        #expect(access.location.bucket == "other-bucket")
        #expect(access.location.rootDirectory == "r")
        #expect(access.location.pathStyle)
    }

    @Test func endpointSchemeFollowsSecureOnlyWhenAbsent() throws {
        var s3 = Settings(region: "us-east-1", regionEndpoint: "s3.example.com", bucket: "b1")
        #expect(try S3Access.fromConfiguration(s3, environment: Self.environment()).location.endpoint == URL(string: "https://s3.example.com"))
        s3.regionEndpoint = "https://s3.example.com:8443"
        s3.secure = false
        let explicit = try S3Access.fromConfiguration(s3, environment: Self.environment())
        #expect(explicit.location.endpoint == URL(string: "https://s3.example.com:8443"), "a written scheme wins over secure")
        #expect(explicit.location.secure)
    }

    @Test func awsEndpointsAndAddressing() throws {
        var s3 = Settings(region: "eu-west-1", bucket: "my-registry")
        var access = try S3Access.fromConfiguration(s3, environment: Self.environment())
        #expect(access.location.endpoint == URL(string: "https://s3.eu-west-1.amazonaws.com"))
        #expect(access.location.pathStyle == false, "virtual-hosted on AWS")
        s3.region = "us-east-1"
        s3.bucket = "dotted.bucket.name"
        access = try S3Access.fromConfiguration(s3, environment: Self.environment())
        #expect(access.location.endpoint == URL(string: "https://s3.amazonaws.com"))
        #expect(access.location.pathStyle, "a dotted bucket cannot be a host name over HTTPS")
        s3.secure = false
        access = try S3Access.fromConfiguration(s3, environment: Self.environment())
        #expect(access.location.endpoint == URL(string: "http://s3.amazonaws.com"))
        #expect(access.location.pathStyle == false, "over HTTP a dotted bucket is a host name")
        s3 = Settings(region: "cn-north-1", bucket: "abc")
        #expect(try S3Access.fromConfiguration(s3, environment: Self.environment()).location.endpoint
                == URL(string: "https://s3.cn-north-1.amazonaws.com.cn"))
    }

    @Test func startupChecksOfTheRegistry() {
        // observed with 2.8.2: "no region parameter provided", "invalid region provided: foo-bar-1".
        let noRegion = Self.configurationError(Settings(bucket: "b1"))
        #expect(noRegion?.description.contains("storage.s3.region") == true)
        #expect(noRegion?.description.contains("no region parameter provided") == true)

        let unknown = Self.configurationError(Settings(region: "foo-bar-1", bucket: "b1"))
        #expect(unknown?.description.contains("foo-bar-1") == true)
        #expect(unknown?.description.contains("regionendpoint") == true)
        // Refused by the 2.8.2 binary, though AWS has it now.
        #expect(Self.configurationError(Settings(region: "eu-south-2", bucket: "b1")) != nil)
        // Any region goes with an endpoint.
        #expect(Self.configurationError(Settings(region: "foo-bar-1", regionEndpoint: "http://h:1", bucket: "b1")) == nil)

        let noBucket = Self.configurationError(Settings(region: "us-east-1"))
        #expect(noBucket?.description.contains("storage.s3.bucket") == true)
        #expect(noBucket?.description.contains("no bucket parameter provided") == true)

        let v2Signing = Self.configurationError(Settings(region: "us-east-1", bucket: "b1", v4Auth: false))
        #expect(v2Signing?.description.contains("v4auth") == true)
        #expect(Self.configurationError(Settings(region: "us-east-1", regionEndpoint: "http://h:1", bucket: "b1", v4Auth: false)) == nil)

        let alias = Self.configurationError(Settings(driverName: "s3aws", region: "us-east-1"))
        #expect(alias?.description.contains("storage.s3aws.bucket") == true)
    }

    @Test func unusableValuesGetClearMessages() {
        let traversal = Self.configurationError(Settings(region: "us-east-1", bucket: "b1", rootDirectory: "/a/../b"))
        #expect(traversal?.description.contains("storage.s3.rootdirectory") == true)
        #expect(traversal?.description.contains("..") == true)
        #expect(Self.configurationError(Settings(region: "us-east-1", bucket: "b1", rootDirectory: "a//b")) != nil)
        #expect(Self.configurationError(Settings(region: "us-east-1", bucket: "b1", rootDirectory: "/")) == nil, "/ is the bucket's top")
        #expect(Self.configurationError(Settings(region: "us-east-1", bucket: "a/b"))?.description.contains("storage.s3.bucket") == true)
        for endpoint in ["ftp://h", "http://h/path", "http://", "http://u:p@h"] {
            let error = Self.configurationError(Settings(region: "us-east-1", regionEndpoint: endpoint, bucket: "b1"))
            #expect(error?.description.contains("storage.s3.regionendpoint") == true, "\(endpoint)")
        }
    }

    @Test func halfGivenKeysFallBackToTheChainWithANote() throws {
        let s3 = Settings(accessKey: "AKID", region: "us-east-1", bucket: "b1")
        let access = try S3Access.fromConfiguration(
            s3, environment: Self.environment(["AWS_ACCESS_KEY_ID": "ENVID", "AWS_SECRET_ACCESS_KEY": "ENVSECRET"]))
        #expect(access.credentials?.accessKeyID == "ENVID")
        #expect(access.credentialSource == .environment)
        #expect(access.notes.contains { $0.contains("storage.s3.accesskey is set without storage.s3.secretkey") })
        #expect(!access.notes.joined().contains("ENVSECRET"))
    }

    @Test func v4AuthFalseOnACompatibleStoreIsANote() throws {
        let access = try S3Access.fromConfiguration(
            Settings(region: "us-east-1", regionEndpoint: "http://h:1", bucket: "b1", v4Auth: false), environment: Self.environment())
        #expect(access.notes.contains { $0.contains("Version 4") })
    }

    // MARK: Credential chain

    @Test func environmentCredentialsComeFirst() throws {
        let files = ["/home/u/.aws/credentials": "[default]\naws_access_key_id = FILEID\naws_secret_access_key = FILESECRET\n"]
        let chain = try S3CredentialChain.resolve(Self.environment(
            ["AWS_ACCESS_KEY_ID": "ENVID", "AWS_SECRET_ACCESS_KEY": "ENVSECRET", "AWS_SESSION_TOKEN": "TOKEN", "HOME": "/home/u"],
            files: files))
        #expect(chain.source == .environment)
        #expect(chain.credentials?.accessKeyID == "ENVID")
        #expect(chain.credentials?.secretAccessKey == "ENVSECRET")
        #expect(chain.credentials?.sessionToken == "TOKEN")

        // The older names aws-sdk-go also reads.
        let legacy = try S3CredentialChain.resolve(Self.environment(["AWS_ACCESS_KEY": "OLDID", "AWS_SECRET_KEY": "OLDSECRET"]))
        #expect(legacy.credentials?.accessKeyID == "OLDID")
        #expect(legacy.credentials?.sessionToken == nil)

        // Half a pair is ignored (with a note) and the file is used.
        let half = try S3CredentialChain.resolve(Self.environment(["AWS_ACCESS_KEY_ID": "ENVID", "HOME": "/home/u"], files: files))
        #expect(half.credentials?.accessKeyID == "FILEID")
        #expect(half.notes.contains { $0.contains("AWS_SECRET_ACCESS_KEY is not") })
    }

    @Test func sharedCredentialsFileWithProfilesCommentsAndWhitespace() throws {
        let text = """
            # a comment
            ; another comment
            [default]
            aws_access_key_id=DEFAULTID
            aws_secret_access_key=DEFAULT/SECRET+with=signs

              [ ci ]
              AWS_Access_Key_ID   =   CIID   # trailing comment
            aws_secret_access_key = CISECRET ; another
            aws_session_token = CITOKEN
            region = eu-west-1

            [broken]
            aws_access_key_id = ONLYID
            """
        let files = ["/home/u/.aws/credentials": text, "/etc/aws-creds": text.replacingOccurrences(of: "DEFAULTID", with: "EXPLICITID")]

        let plain = try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u"], files: files))
        #expect(plain.source == .sharedFile(path: "/home/u/.aws/credentials", profile: "default"))
        #expect(plain.credentials?.accessKeyID == "DEFAULTID")
        #expect(plain.credentials?.secretAccessKey == "DEFAULT/SECRET+with=signs")
        #expect(plain.credentials?.sessionToken == nil)

        let profile = try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u", "AWS_PROFILE": "ci"], files: files))
        #expect(profile.credentials?.accessKeyID == "CIID")
        #expect(profile.credentials?.secretAccessKey == "CISECRET")
        #expect(profile.credentials?.sessionToken == "CITOKEN")
        #expect(profile.source == .sharedFile(path: "/home/u/.aws/credentials", profile: "ci"))

        let explicit = try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws-creds"], files: files))
        #expect(explicit.credentials?.accessKeyID == "EXPLICITID")

        #expect(throws: S3AccessError.self) {
            try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u", "AWS_PROFILE": "broken"], files: files))
        }
        #expect(throws: S3AccessError.credentials("/home/u/.aws/credentials has no profile [nope]")) {
            try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u", "AWS_PROFILE": "nope"], files: files))
        }
        #expect(throws: S3AccessError.self) {
            try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u", "AWS_SHARED_CREDENTIALS_FILE": "/missing"], files: files))
        }
    }

    @Test func noCredentialsAnywhereMeansUnsignedWithANote() throws {
        let none = try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u"]))
        #expect(none.credentials == nil)
        #expect(none.source == .anonymous)
        #expect(none.notes.contains { $0.contains("unsigned") })
        let emptyFile = try S3CredentialChain.resolve(Self.environment(["HOME": "/home/u"], files: ["/home/u/.aws/credentials": "[other]\n"]))
        #expect(emptyFile.credentials == nil)
    }

    @Test func iniParserDetails() {
        let parsed = AWSSharedCredentialsFile.parse("k = outside\r\n[a]\r\nx = 1\r\n[a]\r\nx = 2\r\ny=\r\n[unclosed\r\nz = 3\r\n")
        #expect(parsed["a"]?["x"] == "2", "a later value wins")
        #expect(parsed["a"]?["y"] == "")
        #expect(parsed["a"]?["z"] == nil, "lines after a broken header belong to no section")
        #expect(parsed.keys.sorted() == ["a"])
    }

    // MARK: Direct form

    @Test func directAddressParsing() throws {
        let url = try S3StoreURL.parse("s3://my-bucket/some/prefix/")
        #expect(url.bucket == "my-bucket")
        #expect(url.rootDirectory == "some/prefix")
        #expect(url.description == "s3://my-bucket/some/prefix")
        #expect(try S3StoreURL.parse("S3://my-bucket").rootDirectory == "")
        #expect(try S3StoreURL.parse("s3://my-bucket/").rootDirectory == "")
        let v2 = try S3StoreURL.parse("s3://my-bucket/p/docker/registry/v2")
        #expect(v2.rootDirectory == "p")
        #expect(v2.notes.count == 1)
        #expect(try S3StoreURL.parse("s3://my-bucket/docker/registry/v2/").rootDirectory == "")

        for bad in ["s3://", "s3:///prefix", "s3://ab/x", "s3://My-Bucket/x", "s3://under_score/x", "s3://-lead/x", "s3://a..b/x",
                    "s3://192.168.0.1/x", "s3://b?x/y", "s3://bucket/a/../b", "s3://bucket/a//b", "s3://bucket/./b", "s3://bucket/a\u{1}b",
                    "http://bucket/x", String(repeating: "s3://" + String(repeating: "a", count: 64), count: 1)] {
            #expect(throws: S3AccessError.self, "\(bad)") { try S3StoreURL.parse(bad) }
        }
        do {
            _ = try S3StoreURL.parse("s3://bucket/a/../b")
        } catch {
            #expect(error.description.contains("\"..\""), "\(error)")
        }
    }

    @Test func directFormRegionEndpointAndAddressing() throws {
        let url = try S3StoreURL.parse("s3://my-bucket/prefix")
        let env = Self.environment(["HOME": "/nowhere"])

        // An endpoint: path-style, us-east-1 unless told.
        var access = try S3Access.direct(url, endpoint: "http://127.0.0.1:9000", environment: env)
        #expect(access.location.endpoint == URL(string: "http://127.0.0.1:9000"))
        #expect(access.location.pathStyle)
        #expect(access.location.region == "us-east-1")
        #expect(access.location.secure == false)
        #expect(access.location.rootDirectory == "prefix")
        access = try S3Access.direct(url, endpoint: "minio.example.com", region: "eu-central-1", addressing: .virtualHosted, environment: env)
        #expect(access.location.endpoint == URL(string: "https://minio.example.com"))
        #expect(access.location.pathStyle == false)
        #expect(access.location.region == "eu-central-1")

        // AWS: the region from the flag or the environment, virtual-hosted.
        access = try S3Access.direct(url, environment: Self.environment(["AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "us-west-1"]))
        #expect(access.location.region == "eu-west-2")
        #expect(access.location.endpoint == URL(string: "https://s3.eu-west-2.amazonaws.com"))
        #expect(access.location.pathStyle == false)
        access = try S3Access.direct(url, environment: Self.environment(["AWS_DEFAULT_REGION": "us-west-1"]))
        #expect(access.location.region == "us-west-1")
        access = try S3Access.direct(url, region: "ca-west-1", addressing: .pathStyle, environment: env)
        #expect(access.location.pathStyle)
        #expect(access.location.region == "ca-west-1", "the direct form does not use the registry's region list")

        #expect(throws: S3AccessError.missingRegion) { try S3Access.direct(url, environment: env) }
        #expect(throws: S3AccessError.invalidRegion("EU West")) { try S3Access.direct(url, region: "EU West", environment: env) }
        #expect(throws: S3AccessError.self) { try S3Access.direct(url, endpoint: "ftp://x", environment: env) }
        #expect(throws: S3AccessError.self) {
            try S3Access.direct(try S3StoreURL.parse("s3://dotted.name/p"), region: "us-east-1", addressing: .virtualHosted, environment: env)
        }
        let dotted = try S3Access.direct(try S3StoreURL.parse("s3://dotted.name/p"), region: "us-east-1", environment: env)
        #expect(dotted.location.pathStyle)
    }

    @Test func messagesNameWhatToDo() {
        #expect(S3AccessError.missingRegion.description.contains("--region"))
        #expect(S3AccessError.missingRegion.description.contains("AWS_REGION"))
        #expect(S3AccessError.invalidEndpoint("x", reason: "r").description.contains("--endpoint"))
        #expect(S3CredentialSource.sharedFile(path: "/p", profile: "ci").description.contains("ci"))
    }
}

struct S3TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `RegistryStore.open(s3:)` against the driver's fake S3: one listing request, and each failure a typed error.
@Suite struct S3StoreOpenTests {
    static func access(bucket: String = "bucket", root: String = "reg") throws -> S3Access {
        try S3Access.direct(
            try S3StoreURL.parse("s3://\(bucket)/\(root)"), endpoint: "http://127.0.0.1:9", region: "us-east-1",
            environment: S3Environment(variables: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET"]))
    }

    static func openError(_ access: S3Access, _ fake: FakeS3) async -> StoreOpenError? {
        do {
            _ = try await RegistryStore.open(s3: access, transport: fake)
            return nil
        } catch {
            return error
        }
    }

    @Test func opensWithOneListingOfTheV2Prefix() async throws {
        let fake = FakeS3()
        fake.put("reg/docker/registry/v2/repositories/app/_layers/sha256/ab/link", "sha256:ab")
        fake.put("reg/docker/registry/v2/blobs/sha256/ab/abcd/data", "x")
        let store = try await RegistryStore.open(s3: try Self.access(), transport: fake)
        #expect(store.driver.location == "s3://bucket/reg")
        #expect(fake.requests.count == 1)
        let query = fake.requests.first?.url.query ?? ""
        #expect(query.contains("prefix=reg%2Fdocker%2Fregistry%2Fv2%2F") || query.contains("prefix=reg/docker/registry/v2/"), "\(query)")
        #expect(fake.requests.first?.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/") == true)
    }

    @Test func failuresAreTypedAndNameTheLocation() async throws {
        let missing = await Self.openError(try Self.access(bucket: "other-bucket"), FakeS3())
        #expect(missing == .driver(.objectStore(.root, .noSuchBucket("other-bucket")), location: "s3://other-bucket/reg"))
        #expect(missing?.description == "s3://other-bucket/reg: the bucket 'other-bucket' does not exist", "\(String(describing: missing))")

        let empty = await Self.openError(try Self.access(), FakeS3())
        guard case .notAStore(let path, let reason)? = empty else {
            Issue.record("expected notAStore, got \(String(describing: empty))")
            return
        }
        #expect(path == "s3://bucket/reg")
        #expect(reason.contains("holds no docker/registry/v2"))

        let denied = FakeS3()
        denied.setOverride { _, _ in
            HTTPResponse(status: 403, body: Array("<Error><Code>SignatureDoesNotMatch</Code><Message>nope</Message></Error>".utf8))
        }
        let refused = await Self.openError(try Self.access(), denied)
        guard case .driver(.objectStore(_, .accessDenied(let code, _)), _)? = refused else {
            Issue.record("expected accessDenied, got \(String(describing: refused))")
            return
        }
        #expect(code == "SignatureDoesNotMatch")
        #expect(refused?.description.contains("SignatureDoesNotMatch") == true)
        #expect(refused?.description.contains("SECRET") == false)
    }

    @Test func configurationFormIsCreatedWithoutARequest() throws {
        let yaml = """
            version: 0.1
            storage:
              s3:
                region: us-east-1
                regionendpoint: http://127.0.0.1:9
                bucket: b1
                rootdirectory: /r
            """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-s3-open-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config.yml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let store = try RegistryStore.open(configPath: path, environment: ["REGISTRY_STORAGE_S3_BUCKET": "b2"])
        #expect(store.driver.location == "s3://b2/r")
        #expect(store.driver is S3Driver)

        try Data(yaml.replacingOccurrences(of: "    region: us-east-1\n", with: "").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreOpenError.self) { try RegistryStore.open(configPath: path, environment: [:]) }
    }
}
