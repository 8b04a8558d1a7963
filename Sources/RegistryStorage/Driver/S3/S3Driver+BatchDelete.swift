import Crypto
import Foundation

/// Batch deletes: a sweep of N blob folders costs about N/1000 DeleteObjects requests and a few listings, where
/// `delete` one path at a time costs a listing and a request each (2N).
extension S3Driver {
    /// Every path removed as `delete` removes it (the object at the path and everything below `path/`, never
    /// siblings such as `pathxyz`). The keys are found by listing each parent folder flat once when it holds two or
    /// more of the paths (a sweep's blob folders share `blobs/sha256/<hh>/`), else by listing `path/`; every key is
    /// checked by the unsafe-key rules (unsafe ones stay, recorded in `skippedKeys`, as `delete` does).
    public func delete(batch paths: [StoragePath]) async -> [DeleteFailure] {
        dropListingSnapshot()
        var failures: [DeleteFailure] = []
        var groups: [StoragePath: Set<String>] = [:]
        for path in Set(paths) {
            guard let name = path.lastComponent else {
                failures.append(DeleteFailure(path: path, error: .io(path, "refusing to delete the store root")))
                continue
            }
            groups[path.parent, default: []].insert(name)
        }
        // The keys of each path, listed concurrently (the request limiter bounds how many at once).
        let listed = await withTaskGroup(of: (keys: [(String, StoragePath)], failed: [DeleteFailure]).self) { group in
            for (parent, names) in groups {
                group.addTask { await self.keysToDelete(parent: parent, names: names) }
            }
            var all: (keys: [(String, StoragePath)], failed: [DeleteFailure]) = ([], [])
            for await part in group {
                all.keys += part.keys
                all.failed += part.failed
            }
            return all
        }
        failures += listed.failed
        var owner: [String: StoragePath] = [:]
        for (key, path) in listed.keys { owner[key] = path }
        let keys = owner.keys.sorted()
        let batchable = keys.filter(S3URLDecoding.isXMLRepresentable)
        var failed = Set(failures.map(\.path))
        func fail(_ path: StoragePath, _ error: DriverError) {
            if failed.insert(path).inserted { failures.append(DeleteFailure(path: path, error: error)) }
        }
        for start in stride(from: 0, to: batchable.count, by: Self.pageSize) {
            let chunk = Array(batchable[start..<min(start + Self.pageSize, batchable.count)])
            let anyPath = owner[chunk[0]] ?? .root
            do {
                let (status, result) = try await deleteObjects(chunk, path: anyPath)
                for error in result.errors {
                    guard let path = owner[error.key] else { continue }
                    let detail = "\(SafeText.escaping(error.key)) not deleted: \(error.message)"
                    fail(path, S3ErrorMapping.accessCodes.contains(error.code)
                        ? .objectStore(path, .accessDenied(code: error.code, message: detail))
                        : .objectStore(path, .http(status: status, code: error.code, message: detail)))
                }
            } catch {
                for key in chunk { if let path = owner[key] { fail(path, DriverError(error)) } }
            }
        }
        for single in keys where !S3URLDecoding.isXMLRepresentable(single) {
            guard let path = owner[single] else { continue }
            do {
                _ = try await send(.delete, "DELETE", key: single, path: path, passing: [404])
            } catch {
                fail(path, DriverError(error))
            }
        }
        return failures
    }

    /// The safe keys to delete for `names` inside `parent`, each with the path it belongs to.
    private func keysToDelete(parent: StoragePath, names: Set<String>) async -> (keys: [(String, StoragePath)], failed: [DeleteFailure]) {
        var keys: [(String, StoragePath)] = []
        func add(_ listed: String, _ path: StoragePath) {
            let key = s3Location.key(for: path)
            let reason = listed == key ? s3Location.unsafeKeyReason(key) : s3Location.unsafeKeyReason(listed, below: key)
            if let reason { skip(listed, reason) } else { keys.append((listed, path)) }
        }
        do {
            if names.count == 1, let name = names.first {
                // One path here: list from its own key (which says whether an object sits at the path itself as well
                // as below it), keeping only the key and what lies below `key/`, never siblings such as `keyxyz`.
                let path = parent.appending(name)
                let key = s3Location.key(for: path)
                try await forEachPage(prefix: key, delimiter: nil, path: path) { page in
                    for object in page.objects where object.key == key || object.key.utf8.starts(with: (key + "/").utf8) {
                        add(object.key, path)
                    }
                    return true
                }
            } else {
                let prefix = parent.components.isEmpty ? s3Location.key(for: .root) + "/" : s3Location.key(for: parent) + "/"
                try await forEachPage(prefix: prefix, delimiter: nil, path: parent) { page in
                    for object in page.objects {
                        guard let relative = relativeName(object.key, below: prefix) else { continue }
                        let first = relative.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                        guard names.contains(first) else { continue }
                        add(object.key, parent.appending(first))
                    }
                    return true
                }
            }
        } catch {
            let error = DriverError(error)
            return ([], names.map { DeleteFailure(path: parent.appending($0), error: error) })
        }
        return (keys, [])
    }

    /// One DeleteObjects request (quiet: only failures come back), with the answer's per-key errors.
    func deleteObjects(_ keys: [String], path: StoragePath) async throws -> (status: Int, result: DeleteObjectsResult) {
        let body = DeleteObjectsResult.requestBody(keys: keys)
        let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        let response = try await send(
            .delete, "POST", key: nil, query: [("delete", "")],
            headers: ["Content-MD5": md5, "Content-Type": "application/xml"], body: body, path: path)
        guard let result = DeleteObjectsResult.parse(response.body) else {
            throw DriverError.io(path, "unreadable DeleteObjects answer")
        }
        return (response.status, result)
    }
}
