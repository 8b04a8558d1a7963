/// Saturating addition for byte counts. Sizes come from manifests (a descriptor may declare `9223372036854775807`)
/// and from the files themselves (a sparse blob may be 2^62 bytes), so a sum of them can pass `Int64.max`, where `+`
/// traps. Every sum of byte sizes uses these instead: past the range it holds at `Int64.max` (or `Int64.min`), which
/// `ByteCount.format` prints like any other figure.
infix operator +| : AdditionPrecedence
infix operator +|= : AssignmentPrecedence
infix operator -|= : AssignmentPrecedence

extension Int64 {
    /// `self + other`, held at `Int64.max` or `Int64.min` where it would overflow.
    @inlinable
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `a.saturatingAdd(b)`.
    @inlinable
    public static func +| (a: Int64, b: Int64) -> Int64 { a.saturatingAdd(b) }

    /// `a = a.saturatingAdd(b)`.
    @inlinable
    public static func +|= (a: inout Int64, b: Int64) { a = a.saturatingAdd(b) }

    /// `self - other`, held at `Int64.max` or `Int64.min` where it would overflow.
    @inlinable
    public func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `a = a.saturatingSubtract(b)`.
    @inlinable
    public static func -|= (a: inout Int64, b: Int64) { a = a.saturatingSubtract(b) }
}

extension Sequence<Int64> {
    /// The sum of the elements, saturating (`+|`).
    @inlinable
    public func saturatingSum() -> Int64 { reduce(0, +|) }
}
