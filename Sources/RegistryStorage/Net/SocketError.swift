/// A socket operation that failed, sorted by what the user can do about it.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Nothing listens there (ECONNREFUSED, or a unix socket path that does not exist).
        case refused
        /// No answer within the time allowed (connecting, sending or reading).
        case timedOut
        /// The host name does not resolve, or the address cannot be used.
        case badAddress
        /// The peer closed the connection or reset it.
        case closed
        /// Any other system error.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
