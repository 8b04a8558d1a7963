import Foundation

/// Pushing through the registry API as a client does: HEAD first, cross-repository mount, monolithic upload.
extension RegistryAPI {
    /// `HEAD /v2/NAME/blobs/DIGEST` says the blob exists (a client then skips its upload).
    func blobExists(_ repository: String, _ digest: String) async throws -> Bool {
        try await blobStatus(repository, digest) == 200
    }

    /// `POST /v2/NAME/blobs/uploads/?mount=DIGEST&from=REPO`: true when the registry mounted it (201); on 202 it
    /// opened an upload instead, which is cancelled here (the caller then uploads).
    func mountBlob(_ repository: String, _ digest: String, from source: String) async throws -> Bool {
        let response = try await request(
            "POST", "/v2/\(repository)/blobs/uploads/?mount=\(digest)&from=\(Self.percentEncodeQuery(source))")
        if response.status == 201 { return true }
        if response.status == 202, let location = response.header("location") {
            _ = try? await request("DELETE", Self.relative(location))
        }
        return false
    }

    /// A monolithic upload: `POST /v2/NAME/blobs/uploads/`, then one `PUT <location>&digest=DIGEST` with the bytes.
    /// Returns the PUT's status (201 on success).
    func uploadBlob(_ repository: String, _ bytes: [UInt8]) async throws -> Int {
        let start = try await request("POST", "/v2/\(repository)/blobs/uploads/")
        guard start.status == 202, let location = start.header("location") else {
            throw RegistryAPIError(message: "POST upload in \(repository): HTTP \(start.status) \(start.bodyString)")
        }
        let path = Self.relative(location)
        let separator = path.contains("?") ? "&" : "?"
        let put = try await request(
            "PUT", path + separator + "digest=" + StoreFiles.sha256(bytes),
            headers: ["Content-Type": "application/octet-stream"], body: bytes)
        return put.status
    }

    /// A `Location` header as a path (the registry answers with an absolute URL).
    static func relative(_ location: String) -> String {
        guard let url = URL(string: location), url.host != nil else { return location }
        return url.path + (url.query.map { "?" + $0 } ?? "")
    }
}
