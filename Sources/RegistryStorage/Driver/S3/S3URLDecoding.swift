import Foundation

enum S3URLDecoding {
    /// `encoding-type=url` values: percent-encoded UTF-8, with `+` for a space (S3 form-encodes).
    static func decode(_ s: String) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Stands for a listed key that did not decode: a NUL (which no store path holds) and the key as listed, so
    /// it can still be shown.
    static func undecodableMarker(_ raw: String) -> String { "\u{0}" + raw }

    static func isUndecodableMarker(_ key: String) -> Bool { key.utf8.first == 0 }

    static func xmlEscaped(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// XML 1.0 cannot carry these characters at all (not even as references).
    static func isXMLRepresentable(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { v in
            v == "\t" || v == "\n" || v == "\r" || (v.value >= 0x20 && v.value <= 0xD7FF)
                || (v.value >= 0xE000 && v.value <= 0xFFFD) || v.value >= 0x10000
        }
    }
}
