/// The `redis:` block as registry 2.8.2 reads it (`configuration.go` `Redis`, dialled in `handlers/app.go`
/// `configureRedis`): plain TCP to `addr`, `AUTH password` when one is set, `SELECT db` when it is not 0.
/// 2.8.2 has no TLS for redis (a `redis.tls` block is ignored, with a warning in `RegistryConfiguration.warnings`).
public struct RedisSettings: Sendable, Equatable, CustomStringConvertible {
    /// `host:port`, as Go's `net.Dial("tcp", addr)` takes it.
    public var addr: String
    /// Empty: no AUTH.
    public var password: String
    /// 0: no SELECT.
    public var db: Int
    /// Seconds. 0 means the registry waits without a limit (Go's zero `time.Duration`); Drydock then uses
    /// `RedisSettings.fallbackTimeout`, never an unbounded wait.
    public var dialTimeout: Double
    public var readTimeout: Double
    public var writeTimeout: Double

    /// The bound Drydock applies where the configuration sets none (0).
    public static let fallbackTimeout = 5.0

    public init(addr: String, password: String = "", db: Int = 0, dialTimeout: Double = 0, readTimeout: Double = 0,
                writeTimeout: Double = 0) {
        self.addr = addr
        self.password = password
        self.db = db
        self.dialTimeout = dialTimeout
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
    }

    /// Never shows the password.
    public var description: String {
        "redis(addr: \(SafeText.escaping(addr)), password: \(password.isEmpty ? "" : "<redacted>"), db: \(db), "
            + "dialtimeout: \(dialTimeout)s, readtimeout: \(readTimeout)s, writetimeout: \(writeTimeout)s)"
    }

    static func bounded(_ seconds: Double) -> Double { seconds > 0 ? seconds : fallbackTimeout }
    var effectiveDialTimeout: Double { Self.bounded(dialTimeout) }
    var effectiveReadTimeout: Double { Self.bounded(readTimeout) }
    var effectiveWriteTimeout: Double { Self.bounded(writeTimeout) }
}
