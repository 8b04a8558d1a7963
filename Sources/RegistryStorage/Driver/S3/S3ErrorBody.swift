/// An S3 `<Error>` document.
struct S3ErrorBody: Sendable, Equatable {
    var code: String
    var message: String
    var bucketName: String?

    static func parse(_ bytes: [UInt8]) -> S3ErrorBody? {
        guard let root = XMLNode.parse(bytes) else { return nil }
        // Some servers wrap it: <ErrorResponse><Error>...</Error></ErrorResponse> (IAM-style).
        guard let error = root.name == "Error" ? root : root.child("Error") else { return nil }
        return S3ErrorBody(
            code: error.value("Code") ?? "", message: error.value("Message") ?? "", bucketName: error.value("BucketName"))
    }
}
