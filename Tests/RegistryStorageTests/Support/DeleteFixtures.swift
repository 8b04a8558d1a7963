import Foundation
@testable import RegistryStorage
import TestHarness

/// Helpers for the delete, undo and garbage collection tests.
extension StoreFixture {
    /// Every repository, loaded as the CLI and UI load them.
    func loadAll() async throws -> [RepositoryContents] {
        try await store().loadEverything().1
    }

    /// Every file except Drydock's own journal: what the registry sees.
    var registryFiles: [StoragePath: [UInt8]] {
        driver.allFiles.filter { !$0.key.hasPrefix(StoreLayout.drydock) }
    }

    func exists(_ path: StoragePath) -> Bool { driver.contents(path) != nil }

    /// Plans and executes `targets` with `policy`, returning the plan and the result.
    @discardableResult
    func delete(_ targets: [DeleteTarget], policy: DeletePolicy = .unrestricted) async throws -> (DeletePlan, DeleteResult) {
        let deleter = StoreDeleter(store: store(), policy: policy)
        let plan = try deleter.plan(targets, repositories: try await loadAll())
        return (plan, try await deleter.execute(plan))
    }

    func gcPlan(deleteUntagged: Bool) async throws -> GCPlan {
        try await GarbageCollector(store: store()).plan(repositories: try await loadAll(), deleteUntagged: deleteUntagged)
    }

    /// A tagged multi-arch index over two untagged children that share a base layer.
    func multiArch(_ repo: String, tag: String = "latest") -> (index: Digest, amd: Image, arm: Image) {
        let amd = image(repo, tag: nil, oci: true, layers: ["base", "amd only"])
        let arm = image(repo, tag: nil, oci: true, layers: ["base", "arm only"], architecture: "arm64")
        let idx = index(repo, tag: tag, children: [(amd.manifest, amd.bytes.count, "amd64"), (arm.manifest, arm.bytes.count, "arm64")])
        return (idx, amd, arm)
    }
}

extension DeleteError {
    var isRefused: Bool {
        if case .refused = self { return true }
        return false
    }
}

/// Wraps a driver: records every write and delete in order, and fails deletes of chosen paths.
final class RecordingDriver: ForwardingDriver, @unchecked Sendable {
    let base: any StorageDriver
    private let state = Locked<(log: [String], failing: Set<StoragePath>)>(([], []))

    init(_ base: any StorageDriver) { self.base = base }

    var log: [String] { state.withLock { $0.log } }
    func failDeletes(of path: StoragePath) { state.withLock { _ = $0.failing.insert(path) } }


    func write(_ path: StoragePath, contents: [UInt8]) async throws {
        state.withLock { $0.log.append("write \(path)") }
        try await base.write(path, contents: contents)
    }

    func delete(_ path: StoragePath) async throws {
        let fail = state.withLock { s in
            s.log.append("delete \(path)")
            return s.failing.contains(path)
        }
        if fail { throw DriverError.permissionDenied(path) }
        try await base.delete(path)
    }
}
