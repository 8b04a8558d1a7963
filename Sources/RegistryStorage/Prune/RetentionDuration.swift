/// Durations for `--keep-within`: days (`90d`) and weeks (`2w`) ahead of a Go duration (`12h`, `1h30m`), in any
/// combination such as `1d12h`. Negative durations are refused.
public enum RetentionDuration {
    public static func seconds(_ text: String) throws(RetentionRuleError) -> Double {
        var rest = Substring(text)
        var total = 0.0
        var sawPart = false
        while let unitIndex = rest.firstIndex(where: { !$0.isASCII || !$0.isNumber }),
            unitIndex != rest.startIndex, ["d", "w"].contains(rest[unitIndex]), let n = Int(rest[..<unitIndex])
        {
            total += Double(n) * (rest[unitIndex] == "w" ? 7 * 86_400 : 86_400)
            rest = rest[rest.index(after: unitIndex)...]
            sawPart = true
        }
        if rest.isEmpty {
            guard sawPart else { throw .invalidDuration(text) }
            return total
        }
        guard let go = GoDuration.seconds(String(rest)), go >= 0 else { throw .invalidDuration(text) }
        return total + go
    }
}
