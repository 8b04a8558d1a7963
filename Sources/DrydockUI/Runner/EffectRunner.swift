import Foundation
import RegistryStorage
import Synchronization

/// A thread-safe inbox of actions: background tasks post, the run loop drains on each tick.
public final class ActionQueue: Sendable {
    private let items = Mutex<[Action]>([])

    public init() {}

    public func post(_ action: Action) {
        items.withLock { queue in
            // Progress reports can come by the thousand: keep only the latest per task.
            if case .deepVerifyProgress(let id, _) = action, case .deepVerifyProgress(let last, _)? = queue.last, last == id {
                queue[queue.count - 1] = action
            } else {
                queue.append(action)
            }
        }
    }

    public func drain() -> [Action] {
        items.withLock { queue in
            let out = queue
            queue.removeAll(keepingCapacity: true)
            return out
        }
    }
}

/// Runs effects as background tasks and posts their results as actions.
public final class EffectRunner: Sendable {
    private let handler: EffectHandler
    private let queue: ActionQueue
    private let tasks = Mutex<[Task<Void, Never>]>([])
    /// The one running watch (`watchStore`): a new scan's watch replaces the last one.
    private let watcher = Mutex<Task<Void, Never>?>(nil)

    public init(handler: EffectHandler, queue: ActionQueue) {
        self.handler = handler
        self.queue = queue
    }

    public func perform(_ effect: Effect) {
        let handler = handler
        let queue = queue
        switch effect {
        case .quit:
            cancelAll()
        case .copyToClipboard:
            // Not background work: `AppRunner` gives it to the terminal (the one thread that writes to it).
            break
        case .watchStore(let paths, let g):
            guard let watch = handler.watch else { return }
            let task = Task.detached(priority: .utility) { await Self.watch(watch, paths, g, queue) }
            watcher.withLock { current in
                current?.cancel()
                current = task
            }
        case .loadCatalog(let g):
            spawn { await Self.loadCatalog(handler, queue, g) }
        case .rescan(let g):
            spawn {
                handler.invalidateCaches()
                await Self.loadCatalog(handler, queue, g)
            }
        case .loadRepository(let entry, let g):
            spawn { queue.post(.repositoryLoaded(await handler.loadRepository(entry), generation: g)) }
        case .loadAll(let entries, let g):
            spawn {
                let all = await handler.loadAll(entries) { queue.post(.repositoryLoaded($0, generation: g)) }
                guard !Task.isCancelled else { return }
                queue.post(.indexBuilt(StoreIndex(all), generation: g))
                queue.post(.scanFinished(generation: g, at: Date()))
            }
        case .verify(let repo, let index, let g):
            spawn { queue.post(.verificationLoaded(repository: repo.name, await handler.verify(repo, index), generation: g)) }
        case .deepVerify(let id, let repo, let digests):
            spawn {
                let results = await handler.deepVerify(repo, digests) { queue.post(.deepVerifyProgress(task: id, $0)) }
                queue.post(.deepVerifyFinished(task: id, results))
            }
        case .planDelete(let requests, let children):
            spawn {
                let result = await handler.deletes?.plan(requests, children) ?? .failure(Self.unavailable)
                queue.post(.deletePlanned(requests, includeChildren: children, result))
            }
        case .executeDelete(let plan, let label, let force):
            spawn {
                let result = await handler.deletes?.execute(plan, force) ?? .failure(Self.unavailable)
                queue.post(.writeFinished(label: "delete \(label)", result))
            }
        case .planPrune(let request):
            spawn { queue.post(.prunePlanned(request, await handler.deletes?.planPrune(request) ?? .failure(Self.unavailable))) }
        case .previewUndo:
            spawn { queue.post(.undoPreviewed(await handler.deletes?.previewUndo() ?? .failure(Self.unavailable))) }
        case .undo(let id):
            spawn {
                let result = await handler.deletes?.undo(id) ?? .failure(Self.unavailable)
                queue.post(.writeFinished(label: "undo \(id)", result))
            }
        case .planGarbageCollection:
            spawn { queue.post(.gcPlanned(await handler.deletes?.planBothGCModes() ?? .failure(Self.unavailable))) }
        case .planSpace(let g):
            spawn { queue.post(.spacePlanned(await handler.deletes?.planBothGCModes() ?? .failure(Self.unavailable), generation: g)) }
        case .collectGarbage(let plan):
            spawn {
                let result = await handler.deletes?.collect(plan) { queue.post(.writeProgress($0)) } ?? .failure(Self.unavailable)
                queue.post(.writeFinished(label: "collect garbage", result))
            }
        }
    }

    static let unavailable = UIError("deleting is not available in this build yet")

    private static func loadCatalog(_ handler: EffectHandler, _ queue: ActionQueue, _ g: Int) async {
        do {
            let listing = try await handler.loadCatalog { queue.post(.catalogEntry($0, generation: g)) }
            queue.post(.catalogLoaded(listing, generation: g))
            // An empty store has no repositories to read: the scan ends here.
            if listing.repositories.isEmpty { queue.post(.scanFinished(generation: g, at: Date())) }
        } catch {
            queue.post(.catalogFailed(SafeText.escaping(String(describing: error)), generation: g))
        }
    }

    private func spawn(_ body: @escaping @Sendable () async -> Void) {
        // What the screen waits for is user-initiated work: at that priority it does not queue behind default-priority
        // tasks of the same process (on Linux each priority has its own libdispatch thread pool).
        let task = Task.detached(priority: .userInitiated) { await body() }
        tasks.withLock { list in
            list.removeAll { $0.isCancelled }
            list.append(task)
        }
    }

    /// Takes the fingerprint now, then compares every `interval` until it differs (or, with no fingerprint, once the
    /// interval passed); posts `storeChanged` and ends. Bounded: at most `maxChecks` checks, and cancelled by the next
    /// watch or by quitting.
    private static func watch(_ watch: StoreWatch, _ paths: [StoragePath], _ g: Int, _ queue: ActionQueue) async {
        let maxChecks = 1_000_000
        let baseline = await watch.fingerprint?(paths)
        for _ in 0..<maxChecks {
            try? await Task.sleep(nanoseconds: UInt64(max(0.05, watch.interval) * 1e9))
            guard !Task.isCancelled else { return }
            guard let fingerprint = watch.fingerprint else { break }
            if await fingerprint(paths) != baseline { break }
        }
        guard !Task.isCancelled else { return }
        queue.post(.storeChanged(generation: g))
    }

    public func cancelAll() {
        watcher.withLock { current in
            current?.cancel()
            current = nil
        }
        let all = tasks.withLock { list in
            let out = list
            list.removeAll()
            return out
        }
        for t in all { t.cancel() }
    }
}
