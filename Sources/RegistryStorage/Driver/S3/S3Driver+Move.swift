extension S3Driver {
    /// The largest object one CopyObject request may copy (AWS's limit); larger ones would need UploadPartCopy.
    static let maxSingleCopyBytes: Int64 = 5 << 30

    /// A server-side CopyObject to `destination`, then a DeleteObject of `source`: the bytes never leave the bucket.
    /// Both keys pass the unsafe-key rules (`S3Location.unsafeKeyReason`) before any request that changes the bucket.
    /// Not atomic (S3 has no rename): a destination that exists is refused first, and a failure between the copy and
    /// the delete leaves both copies, which the caller's journal names. Objects over 5 GiB are refused
    /// (`unsupported`), so the caller leaves them in place and says why.
    public func move(_ source: StoragePath, to destination: StoragePath) async throws {
        guard !source.components.isEmpty, !destination.components.isEmpty else {
            throw DriverError.io(source, "refusing to move the store root")
        }
        let sourceKey = s3Location.key(for: source)
        let destinationKey = s3Location.key(for: destination)
        for (key, path) in [(sourceKey, source), (destinationKey, destination)] {
            if let reason = s3Location.unsafeKeyReason(key) {
                throw DriverError.io(path, "refusing to move the key \(SafeText.escaping(key)): it \(reason)")
            }
        }
        let info = try await stat(source)
        guard info.kind == .file else { throw DriverError.notARegularFile(source, info.kind) }
        guard info.size <= Self.maxSingleCopyBytes else {
            throw DriverError.unsupported(
                source, "\(info.size) bytes is over the 5 GiB a single server-side copy can move (multipart copy is not implemented); left in place")
        }
        let existing = try await send(.head, "HEAD", key: destinationKey, path: destination, passing: [404])
        guard existing.status == 404 else { throw DriverError.alreadyExists(destination) }
        // x-amz-copy-source is `bucket/key`, URL-encoded as a path (slashes kept).
        let copySource = SigV4Signer.uriEncode(s3Location.bucket, keepSlash: false) + "/" + SigV4Signer.encodePath(sourceKey)
        let copied = try await send(.put, "PUT", key: destinationKey, headers: ["x-amz-copy-source": copySource], path: destination)
        // CopyObject can answer 200 and still fail: the error is then in the body.
        if String(decoding: copied.body, as: UTF8.self).contains("<Error>") {
            throw S3ErrorMapping.error(status: 500, body: copied.body, path: destination, bucket: s3Location.bucket)
        }
        _ = try await send(.delete, "DELETE", key: sourceKey, path: source, passing: [404])
    }
}
