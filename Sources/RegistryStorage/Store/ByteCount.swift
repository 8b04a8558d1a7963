/// Human sizes with binary units, as `du -h` prints them (`1.5 MiB`).
public enum ByteCount {
    public static func format(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        return rounded >= 100 ? "\(Int(rounded.rounded())) \(units[unit])" : "\(rounded) \(units[unit])"
    }
}
