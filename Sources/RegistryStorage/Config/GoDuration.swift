/// Go's `time.ParseDuration`, as used by the registry for `storage.maintenance.uploadpurging.age`
/// and `.interval`, and by drydock for flags such as `--uploads-older-than`.
///
/// Grammar: an optional sign, then one or more `<number><unit>` parts, e.g. `168h`, `1h30m`, `1.5h`,
/// `300ms`, `-2m3.5s`. Units: `ns`, `us`, `µs` (U+00B5), `μs` (U+03BC), `ms`, `s`, `m`, `h`.
/// A bare `0` (optionally signed) is the only number accepted without a unit. Spaces are not allowed,
/// and values beyond ±2^63 ns (about 292 years) are rejected, exactly as Go does.
public enum GoDuration {
    /// The duration in seconds, or nil when Go would reject the text.
    public static func seconds(_ text: String) -> Double? {
        guard let ns = nanoseconds(text) else { return nil }
        return Double(ns) / 1_000_000_000
    }

    /// The duration in whole nanoseconds (Go's `time.Duration`), or nil when Go would reject the text.
    public static func nanoseconds(_ text: String) -> Int64? {
        var s = Array(text.utf8)[...]
        var negative = false
        if let c = s.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
            negative = c == UInt8(ascii: "-")
            s = s.dropFirst()
        }
        if s.elementsEqual("0".utf8) { return 0 }
        if s.isEmpty { return nil }

        let limit: UInt64 = 1 << 63
        var total: UInt64 = 0
        while !s.isEmpty {
            // The next character must be [0-9.]
            guard let c = s.first, c == UInt8(ascii: ".") || isDigit(c) else { return nil }

            // Integer part.
            var whole: UInt64 = 0
            var consumedWhole = false
            while let d = s.first, isDigit(d) {
                if whole > limit / 10 { return nil }
                whole = whole * 10 + UInt64(d - UInt8(ascii: "0"))
                if whole > limit { return nil }
                s = s.dropFirst()
                consumedWhole = true
            }

            // Fraction part: stops accumulating precision on overflow, as Go's leadingFraction does.
            var fraction: UInt64 = 0
            var scale: Double = 1
            var consumedFraction = false
            if s.first == UInt8(ascii: ".") {
                s = s.dropFirst()
                var overflow = false
                while let d = s.first, isDigit(d) {
                    s = s.dropFirst()
                    consumedFraction = true
                    if overflow { continue }
                    if fraction > (limit - 1) / 10 { overflow = true; continue }
                    let next = fraction * 10 + UInt64(d - UInt8(ascii: "0"))
                    if next > limit { overflow = true; continue }
                    fraction = next
                    scale *= 10
                }
            }
            if !consumedWhole && !consumedFraction { return nil }

            // Unit: everything up to the next digit or '.'.
            var unitBytes: [UInt8] = []
            while let u = s.first, u != UInt8(ascii: "."), !isDigit(u) {
                unitBytes.append(u)
                s = s.dropFirst()
            }
            guard !unitBytes.isEmpty, let unit = unitNanoseconds(unitBytes) else { return nil }

            if whole > limit / unit { return nil }
            var value = whole * unit
            if fraction > 0 {
                // Go: float64 is precise enough here because f*unit/scale <= 3.6e12 (ns per hour).
                value += UInt64(Double(fraction) * (Double(unit) / scale))
                if value > limit { return nil }
            }
            total += value
            if total > limit { return nil }
        }
        if negative {
            return total == limit ? Int64.min : -Int64(total)
        }
        if total > limit - 1 { return nil }
        return Int64(total)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private static func unitNanoseconds(_ unit: [UInt8]) -> UInt64? {
        switch String(decoding: unit, as: UTF8.self) {
        case "ns": 1
        case "us", "\u{00B5}s", "\u{03BC}s": 1_000
        case "ms": 1_000_000
        case "s": 1_000_000_000
        case "m": 60_000_000_000
        case "h": 3_600_000_000_000
        default: nil
        }
    }
}
