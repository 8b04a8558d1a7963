/// Byte totals of an online collection. A descriptor's size is whatever the manifest declares (up to `Int64.max`),
/// so a plain `+` over them can trap; these sums stop at the bounds instead.
enum OnlineGCBytes {
    static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
