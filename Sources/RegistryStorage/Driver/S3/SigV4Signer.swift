import Crypto
import Foundation

/// AWS Signature Version 4 (header form), pure: same inputs, same signature.
///
/// The canonical URI is taken as given (already encoded, see `encodePath`): S3 signs the path exactly as sent and,
/// unlike other AWS services, does not encode it a second time.
public struct SigV4Signer: Sendable {
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public var region: String
    public var service: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// What a signature was computed from (kept for tests and for debugging a `SignatureDoesNotMatch`).
    public struct Signed: Sendable, Equatable {
        /// The headers to send: the input headers plus `x-amz-date`, `x-amz-content-sha256`, the session token and
        /// `Authorization`.
        public var headers: [String: String]
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var authorization: String
    }

    /// Signs a request. `headers` must include `host`; every header given is signed. `payloadHash` is the hex SHA-256
    /// of the body or `UNSIGNED-PAYLOAD`.
    public func sign(
        method: String, encodedPath: String, query: [(String, String)], headers: [String: String], payloadHash: String,
        date: Date
    ) -> Signed {
        let amzDate = SigV4Signer.amzDate(date)
        let day = String(amzDate.prefix(8))
        var all: [String: String] = [:]
        for (name, value) in headers { all[name.lowercased()] = value }
        all["x-amz-date"] = amzDate
        all["x-amz-content-sha256"] = payloadHash
        if let sessionToken, !sessionToken.isEmpty { all["x-amz-security-token"] = sessionToken }

        let names = all.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(SigV4Signer.trimmedHeaderValue(all[$0]!))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method, encodedPath, SigV4Signer.canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, SigV4Signer.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let key = SigV4Signer.signingKey(secret: secretAccessKey, day: day, region: region, service: service)
        let signature = SigV4Signer.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var out = headers
        out["x-amz-date"] = amzDate
        out["x-amz-content-sha256"] = payloadHash
        if let token = all["x-amz-security-token"] { out["x-amz-security-token"] = token }
        out["Authorization"] = authorization
        return Signed(
            headers: out, canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            authorization: authorization)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request").
    public static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// `name=value` pairs, each side encoded (RFC 3986 unreserved kept), sorted by encoded name, then encoded value.
    public static func canonicalQuery(_ items: [(String, String)]) -> String {
        items.map { (uriEncode($0.0, keepSlash: false), uriEncode($0.1, keepSlash: false)) }
            .sorted { a, b in a.0 == b.0 ? a.1.utf8.lexicographicallyPrecedes(b.1.utf8) : a.0.utf8.lexicographicallyPrecedes(b.0.utf8) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// An object key as a URI path: each byte outside `A-Z a-z 0-9 - . _ ~` is `%XX` (uppercase); `/` separates.
    public static func encodePath(_ path: String) -> String { uriEncode(path, keepSlash: true) }

    public static func uriEncode(_ s: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0xF)]
            }
        }
        return out
    }

    private static let hexDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]

    /// Header values are trimmed and inner runs of spaces collapse to one (the SigV4 rule).
    static func trimmedHeaderValue(_ value: String) -> String {
        var out = ""
        var lastWasSpace = false
        for ch in value.trimmingCharacters(in: .whitespaces) {
            if ch == " " {
                if !lastWasSpace { out.append(ch) }
                lastWasSpace = true
            } else {
                out.append(ch)
                lastWasSpace = false
            }
        }
        return out
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { String(v ?? 0).leftPadded(to: 2) }
        return String(c.year ?? 1970).leftPadded(to: 4) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute)
            + two(c.second) + "Z"
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out = ""
        for b in bytes { out += hexLower[Int(b >> 4)] + hexLower[Int(b & 0xF)] }
        return out
    }

    private static let hexLower = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
}
