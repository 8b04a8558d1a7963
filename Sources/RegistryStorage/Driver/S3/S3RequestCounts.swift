/// What an S3 request was for (the benchmark reports requests by kind).
public enum S3RequestKind: String, Sendable, CaseIterable {
    case list, get, head, put, delete
}

/// Requests sent so far, retries included.
public struct S3RequestCounts: Sendable, Equatable, CustomStringConvertible {
    public var list = 0
    public var get = 0
    public var head = 0
    public var put = 0
    public var delete = 0

    public init() {}

    public var total: Int { list + get + head + put + delete }

    public subscript(kind: S3RequestKind) -> Int {
        get {
            switch kind {
            case .list: list
            case .get: get
            case .head: head
            case .put: put
            case .delete: delete
            }
        }
        set {
            switch kind {
            case .list: list = newValue
            case .get: get = newValue
            case .head: head = newValue
            case .put: put = newValue
            case .delete: delete = newValue
            }
        }
    }

    public var description: String {
        "\(total) requests (list \(list), get \(get), head \(head), put \(put), delete \(delete))"
    }
}
