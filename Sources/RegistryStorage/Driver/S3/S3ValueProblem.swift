/// Why a configured or given value cannot be used (the text is shown after the key or option it belongs to).
public struct S3ValueProblem: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
