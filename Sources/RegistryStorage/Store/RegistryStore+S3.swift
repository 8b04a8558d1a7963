import Foundation

/// Stores in S3 (the registry's `s3` / `s3aws` driver): the bucket's `ROOT/docker/registry/v2/` key prefix.
extension RegistryStore {
    /// Opens an S3 store from a direct address, `s3://BUCKET/ROOT`, and checks it with one request.
    /// See `S3Access.direct` for the region, endpoint and credential rules.
    public static func open(
        s3 address: String, endpoint: String? = nil, region: String? = nil, addressing: S3Addressing? = nil,
        environment: S3Environment = .current()
    ) async throws(StoreOpenError) -> (store: RegistryStore, notes: [String]) {
        let access: S3Access
        do {
            access = try S3Access.direct(
                try S3StoreURL.parse(address), endpoint: endpoint, region: region, addressing: addressing, environment: environment)
        } catch {
            throw .notAStore(path: address, reason: error.description)
        }
        return (try await open(s3: access), access.notes)
    }

    /// Opens the S3 store `access` names and checks, with one listing request on the v2 prefix, that the bucket
    /// exists, the credentials are accepted and the prefix holds a store. Failures are `StoreOpenError.driver`
    /// with the driver's typed error (missing bucket, access denied with the S3 error code, clock skew, network).
    public static func open(
        s3 access: S3Access, configuration: RegistryConfiguration? = nil, transport: any HTTPTransport = URLSessionTransport()
    ) async throws(StoreOpenError) -> RegistryStore {
        let store = RegistryStore(
            driver: S3Driver(location: access.location, credentials: access.credentials, transport: transport),
            configuration: configuration)
        try await store.checkObjectStore()
        return store
    }

    /// The `.s3` case of `open(configPath:)`: the store is created without a request; call `checkObjectStore()`
    /// before use to fail fast on a missing bucket or refused credentials.
    static func openS3(
        _ settings: RegistryConfiguration.S3Settings, configuration: RegistryConfiguration, environment: [String: String]
    ) throws(StoreOpenError) -> RegistryStore {
        let access = try s3Access(settings, environment: environment)
        // Every request waits a round trip: many repositories in flight keep the connection pool busy.
        return RegistryStore(
            driver: S3Driver(location: access.location, credentials: access.credentials), configuration: configuration,
            loadConcurrency: 16)
    }

    /// `storage.s3` resolved as registry 2.8.2 resolves it, with the AWS credential chain from `environment`.
    public static func s3Access(
        _ settings: RegistryConfiguration.S3Settings, environment: [String: String]
    ) throws(StoreOpenError) -> S3Access {
        do {
            return try S3Access.fromConfiguration(settings, environment: .current(environment))
        } catch let error as ConfigurationError {
            throw .configuration(error)
        } catch {
            let bucket = settings.bucket.isEmpty ? "(no bucket)" : settings.bucket
            throw .notAStore(path: "s3://\(bucket)/\(settings.rootDirectory)", reason: "\(error)")
        }
    }

    /// For an S3 store: one listing of the v2 prefix (the driver retries throttling and 5xx itself), so that a missing bucket, refused credentials or an unreachable
    /// endpoint is reported at once (as `StoreOpenError.driver`) rather than as a problem on every repository, and an
    /// empty prefix as "not a store". Does nothing for other drivers.
    public func checkObjectStore() async throws(StoreOpenError) {
        guard driver is S3Driver else { return }
        do {
            _ = try await driver.list(.root)
        } catch {
            let driverError = DriverError(error)
            if driverError.isNotFound {
                throw .notAStore(
                    path: driver.location,
                    reason: "holds no docker/registry/v2 keys (has this registry received any push? is the root directory right?)")
            }
            throw .driver(driverError, location: driver.location)
        }
    }
}
