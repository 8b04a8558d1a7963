/// Schema1 signature status (storage-format §4): signatures come from the stored document itself, or, in stores
/// written by registry 2.0 to 2.4, from the revision's `signatures/` links, reassembled as that registry served them.
struct Schema1SignatureCheck {
    let driver: any StorageDriver

    func run(_ r: ManifestRevision, _ s1: Schema1Details) async -> (CheckResult, SignatureStatus) {
        let document: [UInt8]
        let source: String
        if s1.signatureCount > 0 {
            do {
                document = try await driver.withRetries {
                    try await driver.read(StoreLayout.blobData(r.digest), limit: ManifestParser.maxManifestSize)
                }
            } catch {
                return invalid("cannot re-read the signed manifest: \(DriverError(error))")
            }
            source = "signatures in the stored document"
        } else if !r.signatureLinks.isEmpty {
            var blobs: [[UInt8]] = []
            for d in r.signatureLinks {
                do {
                    blobs.append(try await driver.withRetries { try await driver.read(StoreLayout.blobData(d), limit: 1 << 20) })
                } catch {
                    return invalid("signature blob \(d) linked under signatures/ cannot be read: \(DriverError(error))")
                }
            }
            // Unsigned stored bytes are the payload itself; the model does not keep them, so they are read again.
            let payload: [UInt8]
            if let signedPayload = s1.signedPayload {
                payload = signedPayload
            } else {
                do {
                    payload = try await driver.withRetries {
                        try await driver.read(StoreLayout.blobData(r.digest), limit: ManifestParser.maxManifestSize)
                    }
                } catch {
                    return invalid("cannot re-read the manifest payload: \(DriverError(error))")
                }
            }
            switch LibtrustJWS.reassemble(payload: payload, signatureBlobs: blobs) {
            case .success(let doc): document = doc
            case .failure(let e): return invalid("seed-era signatures cannot be reassembled: \(e)")
            }
            source = "\(blobs.count) seed-era signature link(s)"
        } else if r.placement.contains(.revisions) {
            let detail = "stored by registry 2.5 or later, which keeps only the unsigned payload and signs it afresh with its own key on every GET: the pusher's signature is gone"
            return (CheckResult(.signature, .notApplicable, detail), SignatureStatus(kind: .schema1, status: .stripped, detail: detail))
        } else {
            let detail = "no signatures stored for this schema1 manifest"
            return (CheckResult(.signature, .warning, detail), SignatureStatus(kind: .schema1, status: .unsigned, detail: detail))
        }

        let parsed: ParsedSchema1JWS
        switch LibtrustJWS.parse(document: document) {
        case .success(let p): parsed = p
        case .failure(let e): return invalid("signed document cannot be parsed: \(e)")
        }
        if parsed.payloadDigest != r.digest {
            return invalid("the signed payload hashes to \(parsed.payloadDigest), not the revision digest \(r.digest)")
        }
        let results = parsed.verify()
        let keyIDs = results.compactMap(\.keyID)
        let algorithms = Array(Set(results.map(\.algorithm))).sorted().joined(separator: ",")
        let subjects = results.compactMap(\.certificateSubject)
        let failures = results.compactMap { v -> String? in
            if case .invalid(let reason) = v.result { return "\(v.keyID ?? "key ?"): \(reason)" }
            return nil
        }
        if failures.isEmpty {
            var detail = "\(results.count) valid signature(s) from \(source)"
            if !subjects.isEmpty { detail += "; certificate \(subjects.joined(separator: ", ")) (chain shown, not trusted)" }
            return (
                CheckResult(.signature, .pass, detail),
                SignatureStatus(kind: .schema1, status: .valid, keyIDs: keyIDs, algorithm: algorithms, detail: detail)
            )
        }
        let detail = failures.joined(separator: "; ")
        return (
            CheckResult(.signature, .fail, detail),
            SignatureStatus(kind: .schema1, status: .invalid, keyIDs: keyIDs, algorithm: algorithms, detail: detail)
        )
    }

    private func invalid(_ why: String) -> (CheckResult, SignatureStatus) {
        (CheckResult(.signature, .fail, why), SignatureStatus(kind: .schema1, status: .invalid, detail: why))
    }
}
