import Foundation

/// A count with its rate and the time left, for progress lines: `swept 12 300/48 000 blobs · 2 100/s · ETA 17 s`.
/// The rate is the average since `started` (one phase of a run); it is shown once half a second has passed and
/// something is done, the estimate while something is left.
public struct ProgressRate: Sendable, Equatable {
    public let started: Date

    public init(started: Date = Date()) { self.started = started }

    public func text(_ verb: String, done: Int, total: Int, unit: String, now: Date = Date()) -> String {
        var parts = ["\(verb) \(Self.grouped(done))/\(Self.grouped(total)) \(unit)"]
        let elapsed = now.timeIntervalSince(started)
        if elapsed >= 0.5, done > 0 {
            let rate = Double(done) / elapsed
            parts.append("\(Self.grouped(Int(rate.rounded())))/s")
            if done < total { parts.append("ETA \(Self.duration(Double(total - done) / rate))") }
        }
        return parts.joined(separator: " · ")
    }

    /// `48 000`: thousands apart by a space, as the README's figures.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(" ") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `17 s`, `4 min 05 s`, `2 h 03 min`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(String(format: "%02d", s % 60)) s" }
        return "\(s / 3600) h \(String(format: "%02d", (s % 3600) / 60)) min"
    }
}
