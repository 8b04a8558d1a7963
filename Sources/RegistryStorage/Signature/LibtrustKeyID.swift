import Crypto

/// libtrust key IDs (storage-format §4.9): SHA-256 over the DER SubjectPublicKeyInfo, first 240 bits,
/// base32 without padding, in 12 groups of 4 joined by `:`.
public enum LibtrustKeyID {
    public static func keyID(spkiDER: [UInt8]) -> String {
        let digest = Array(SHA256.hash(data: spkiDER)).prefix(30)
        let text = Array(Base64URL.base32(Array(digest)))
        var groups = [String]()
        var i = 0
        while i < text.count {
            groups.append(String(text[i..<min(i + 4, text.count)]))
            i += 4
        }
        return groups.joined(separator: ":")
    }
}
