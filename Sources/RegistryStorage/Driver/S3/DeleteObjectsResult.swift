/// The per-key failures in a DeleteObjects answer (quiet mode lists only those).
struct DeleteObjectsResult: Sendable, Equatable {
    struct Failure: Sendable, Equatable {
        var key: String
        var code: String
        var message: String
    }

    var deleted: [String] = []
    var errors: [Failure] = []

    static func parse(_ bytes: [UInt8]) -> DeleteObjectsResult? {
        guard let root = XMLNode.parse(bytes), root.name == "DeleteResult" else { return nil }
        var result = DeleteObjectsResult()
        result.deleted = root.all("Deleted").compactMap { $0.value("Key") }
        result.errors = root.all("Error").map {
            Failure(key: $0.value("Key") ?? "", code: $0.value("Code") ?? "", message: $0.value("Message") ?? "")
        }
        return result
    }

    /// The request body: `<Delete><Quiet>true</Quiet><Object><Key>…</Key></Object>…</Delete>`.
    static func requestBody(keys: [String]) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
        xml += "<Quiet>true</Quiet>"
        for key in keys { xml += "<Object><Key>\(S3URLDecoding.xmlEscaped(key))</Key></Object>" }
        xml += "</Delete>"
        return Array(xml.utf8)
    }
}
