enum GoFormat {
    /// `fmt.Sprint(float64)`: the shortest round-trip digits in 'g' form, with the exponent form when the
    /// decimal exponent is below -4 or at least 6 (checked against the registry: 1e+06, 100000, 1.5,
    /// 0.0001, 1e-05, 1.23456789e+08, -0, +Inf).
    static func float(_ f: Double) -> String {
        if f.isNaN { return "NaN" }
        if f.isInfinite { return f > 0 ? "+Inf" : "-Inf" }
        let negative = f.sign == .minus
        let (digits, pointPosition) = shortestDigits(abs(f))
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        let exp = pointPosition - 1
        if exp < -4 || exp >= 6 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exp)
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// Shortest round-trip decimal digits (no leading or trailing zeros) and the decimal point position:
    /// value = 0.d1d2d3... × 10^pointPosition. Empty digits for zero.
    static func shortestDigits(_ f: Double) -> (String, Int) {
        let text = "\(f)" // Swift prints the shortest round-trip form, e.g. "1000.0", "1e-05", "1.5e+20".
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var intPart = mantissa
        var fracPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = mantissa[..<dot]
            fracPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(intPart) + fracPart
        var point = intPart.count + exponent
        while digits.hasPrefix("0") { digits.removeFirst(); point -= 1 }
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { return ("", 0) }
        return (digits, point)
    }
}
