/// One page of a ListObjectsV2 answer, keys already decoded.
struct ListObjectsPage: Sendable, Equatable {
    struct Object: Sendable, Equatable {
        var key: String
        var size: Int64
        var lastModified: String?
        /// Quotes kept as S3 sends them (`"<md5 hex>"` for a single-part upload without SSE-KMS).
        var etag: String? = nil
    }

    var objects: [Object] = []
    var commonPrefixes: [String] = []
    var isTruncated = false
    var nextContinuationToken: String?

    /// Nil when the body is not a `ListBucketResult`.
    static func parse(_ bytes: [UInt8]) -> ListObjectsPage? {
        guard let root = XMLNode.parse(bytes), root.name == "ListBucketResult" else { return nil }
        let urlEncoded = root.value("EncodingType")?.lowercased() == "url"
        func decode(_ s: String) -> String? { urlEncoded ? S3URLDecoding.decode(s) : s }
        var page = ListObjectsPage()
        for item in root.all("Contents") {
            // A key that cannot be decoded is reported as one that cannot be a path (never guessed at).
            let raw = item.value("Key") ?? ""
            let key = decode(raw) ?? S3URLDecoding.undecodableMarker(raw)
            page.objects.append(
                Object(
                    key: key, size: Int64(item.value("Size") ?? "") ?? -1, lastModified: item.value("LastModified"),
                    etag: item.value("ETag")))
        }
        for prefix in root.all("CommonPrefixes") {
            let raw = prefix.value("Prefix") ?? ""
            page.commonPrefixes.append(decode(raw) ?? S3URLDecoding.undecodableMarker(raw))
        }
        page.isTruncated = root.value("IsTruncated")?.lowercased() == "true"
        page.nextContinuationToken = root.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        return page
    }
}
