/// Why talking to the registry's redis failed, in terms the user can act on.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `redis.addr` cannot be dialled as written (not `host:port`, or the name does not resolve).
    case invalidAddress(String, reason: String)
    /// Nothing listens at the address.
    case connectionRefused(address: String, reason: String)
    /// No connection, or no answer, within the configured timeout.
    case timedOut(address: String, reason: String)
    /// The connection failed or broke for another reason.
    case connectionFailed(address: String, reason: String)
    /// The server refused `redis.password` (or wants one and none is configured).
    case authenticationFailed(address: String, message: String)
    /// `SELECT db` failed (for example "DB index is out of range").
    case databaseSelectionFailed(address: String, db: Int, message: String)
    /// The server refused a command.
    case commandFailed(command: String, message: String)
    /// The bytes received are not the RESP2 reply expected.
    case protocolError(String)

    public var description: String {
        let e = SafeText.escaping
        return switch self {
        case .invalidAddress(let address, let reason):
            "redis.addr \"\(e(address))\" cannot be used: \(e(reason))"
        case .connectionRefused(let address, let reason):
            "cannot connect to the registry's redis at \(e(address)): connection refused (\(e(reason)))"
        case .timedOut(let address, let reason):
            "the registry's redis at \(e(address)) did not answer in time: \(e(reason))"
        case .connectionFailed(let address, let reason):
            "talking to the registry's redis at \(e(address)) failed: \(e(reason))"
        case .authenticationFailed(let address, let message):
            "the registry's redis at \(e(address)) refused authentication (check redis.password): \(e(message))"
        case .databaseSelectionFailed(let address, let db, let message):
            "the registry's redis at \(e(address)) cannot select database \(db) (check redis.db): \(e(message))"
        case .commandFailed(let command, let message):
            "redis refused \(e(command)): \(e(message))"
        case .protocolError(let reason):
            "the registry's redis answered something that is not RESP2: \(e(reason))"
        }
    }
}
