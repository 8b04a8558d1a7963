import Foundation

/// Turns an S3 error answer into the driver's typed errors.
enum S3ErrorMapping {
    /// Refusals that mean "these credentials may not do this" (S3 sends most as 403, token problems as 400).
    static let accessCodes: Set<String> = [
        "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
        "TokenRefreshRequired", "AccountProblem", "AllAccessDisabled", "InvalidClientTokenId", "InvalidSecurity",
        "NotSignedUp", "InvalidObjectState",
    ]

    /// Answers worth trying again after a pause.
    static let transientCodes: Set<String> = [
        "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling", "ThrottlingException",
        "RequestLimitExceeded", "OperationAborted",
    ]

    static let maxMessageLength = 400

    static func error(status: Int, body: [UInt8], path: StoragePath, bucket: String) -> DriverError {
        let parsed = S3ErrorBody.parse(body)
        let code = clip(parsed?.code ?? "")
        let message = clip(parsed?.message ?? "")
        switch code {
        case "NoSuchBucket": return .objectStore(path, .noSuchBucket(bucket))
        case "NoSuchKey": return .notFound(path)
        case "RequestTimeTooSkewed": return .objectStore(path, .clockSkew(message))
        default: break
        }
        if transientCodes.contains(code) || status >= 500 || status == 429 {
            return .transient(path, "S3 answered HTTP \(status)\(code.isEmpty ? "" : " " + code)" + (message.isEmpty ? "" : ": " + message))
        }
        if accessCodes.contains(code) || status == 403 || status == 401 {
            return .objectStore(
                path, .accessDenied(code: code.isEmpty ? "Forbidden" : code, message: message.isEmpty ? "HTTP \(status)" : message))
        }
        if status == 404 { return .notFound(path) }
        return .objectStore(path, .http(status: status, code: code, message: message))
    }

    private static func clip(_ s: String) -> String {
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > maxMessageLength ? String(trimmed.prefix(maxMessageLength)) + "…" : trimmed
    }
}
