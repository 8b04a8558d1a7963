/// A repository's unfinished uploads (`_uploads/<id>/`), for the stale-upload check and purging (storage-format §7.5).
extension RepositoryLoader {
    func loadUploads(_ repo: StoragePath, _ acc: Accumulator) async -> [Upload] {
        let dir = StoreLayout.uploadsDirectory(repo)
        let entries: [DirectoryEntry]
        do {
            entries = try await driver.withRetries { try await driver.list(dir) }
        } catch {
            let error = DriverError(error)
            if !error.isNotFound { acc.problems.append(Problem.from(error, context: "cannot list uploads")) }
            return []
        }
        var uploads: [Upload] = []
        for e in entries where e.kind == .directory || !e.nameIsValidUTF8 {
            guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name) else {
                acc.problems.append(Problem(.warning, .invalidPathComponent, "upload folder \"\(SafeText.escaping(e.name))\" has a name that is not valid UTF-8; skipped", at: dir))
                continue
            }
            let path = StoreLayout.uploadDirectory(repo, e.name)
            var upload = Upload(id: e.name, path: path, startedAt: nil, size: nil, problems: [])
            do {
                let bytes = try await driver.read(StoreLayout.uploadStartedAt(repo, e.name), limit: 128)
                let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                upload.startedAt = ImageConfig.parseTimestamp(text)
                if upload.startedAt == nil {
                    upload.problems.append(Problem(.warning, .uploadUnreadable, "startedat is not an RFC 3339 time; the registry never purges this upload", at: path))
                }
            } catch {
                let error = DriverError(error)
                upload.problems.append(Problem(.warning, .uploadUnreadable, "no readable startedat (\(SafeText.escaping(DriverError(error).description))); the registry never purges this upload", at: path))
            }
            upload.size = try? await driver.stat(StoreLayout.uploadData(repo, e.name)).size
            uploads.append(upload)
        }
        return uploads.sorted { $0.id < $1.id }
    }
}
