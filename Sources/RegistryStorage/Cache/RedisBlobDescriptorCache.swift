/// The registry's redis blob-descriptor cache (`storage.cache.blobdescriptor: redis`), with the key names of
/// 2.8.2's `registry/storage/cache/redis/redis.go`:
///
/// - `blobs::<digest>`: the global descriptor hash (`digest`, `size`, `mediatype`), `blobDescriptorHashKey`;
/// - `repository::<name>::blobs`: the set of digests known in a repository, `repositoryBlobSetKey`;
/// - `repository::<name>::blobs::<digest>`: the repository's descriptor hash (its `mediatype`).
///
/// A repository-scoped lookup needs both the set membership and the global hash, so removing `blobs::<digest>`
/// alone already makes every lookup of that digest miss and go to storage; the repository entries are removed
/// too so that nothing of a swept blob stays behind.
public struct RedisBlobDescriptorCache: BlobDescriptorCachePurger {
    public let settings: RedisSettings
    /// Keys per `DEL` command (each command is one pipelined round of at most `RedisConnection.pipelineDepth`).
    static let keysPerCommand = 256

    public init(settings: RedisSettings) {
        self.settings = settings
    }

    public static func globalDescriptorKey(_ digest: Digest) -> String { "blobs::\(digest)" }
    public static func repositoryBlobSetKey(_ repository: String) -> String { "repository::\(repository)::blobs" }
    public static func repositoryDescriptorKey(_ repository: String, _ digest: Digest) -> String {
        "repository::\(repository)::blobs::\(digest)"
    }

    /// Connects (with AUTH and SELECT as configured) and checks the server answers `PING`: call it before a
    /// collection starts, so that a wrong address, password or database stops it before anything moves.
    public func check() async throws(RedisError) {
        let settings = settings
        try await BlockingCall.run { () throws(RedisError) in
            let connection = try RedisConnection.open(settings)
            defer { connection.close() }
            try connection.ping()
        }
    }

    /// Deletes `blobs::<d>` and, for each repository, `repository::<r>::blobs::<d>` and the member `d` of
    /// `repository::<r>::blobs`. Returns the number of keys deleted plus set members removed (what `DEL` and
    /// `SREM` report): entries that were not cached count 0. Throws `RedisError`.
    public func purge(_ digests: [Digest], repositories: [String]) async throws -> Int {
        let commands = Self.purgeCommands(digests, repositories: repositories)
        guard !commands.isEmpty else { return 0 }
        let settings = settings
        return try await BlockingCall.run { () throws(RedisError) -> Int in
            let connection = try RedisConnection.open(settings)
            defer { connection.close() }
            let replies = try connection.pipeline(commands)
            var removed = 0
            for (command, reply) in zip(commands, replies) {
                switch reply {
                case .integer(let count) where count >= 0:
                    removed += Int(clamping: count)
                case .error(let message):
                    if RedisConnection.isAuthenticationError(message) {
                        throw .authenticationFailed(address: settings.addr, message: message)
                    }
                    throw .commandFailed(command: command[0], message: message)
                default:
                    throw .protocolError("\(command[0]) was answered with \(reply.brief)")
                }
            }
            return removed
        }
    }

    /// The commands `purge` sends: `DEL` of the descriptor hashes in batches, one `SREM` per repository.
    static func purgeCommands(_ digests: [Digest], repositories: [String]) -> [[String]] {
        let digests = Array(Set(digests)).sorted()
        let repositories = Array(Set(repositories)).sorted()
        guard !digests.isEmpty else { return [] }
        var keys = digests.map(globalDescriptorKey)
        for repository in repositories {
            keys += digests.map { repositoryDescriptorKey(repository, $0) }
        }
        var commands: [[String]] = []
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + keysPerCommand)
            commands.append(["DEL"] + keys[start..<end])
            start = end
        }
        let members = digests.map(\.description)
        for repository in repositories {
            var first = 0
            while first < members.count {
                let last = min(members.count, first + keysPerCommand)
                commands.append(["SREM", repositoryBlobSetKey(repository)] + members[first..<last])
                first = last
            }
        }
        return commands
    }
}
