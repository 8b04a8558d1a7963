@testable import RegistryStorage
import Testing
@testable import DrydockUI
import TestHarness

/// The delete, undo and garbage collection flows: the reducer asks for previews and runs as effects; here those effects
/// run through the real `DeleteOperations` on the in-memory fixture store.
@Suite struct DeleteFlowTests {
    static let policy = DeletePolicy.resolve(configuration: nil, environment: [:], deleteEnabledFlag: true, readOnlyFlag: false)

    /// Every screen shown while a garbage collection reported progress (in `perform`).
    static let progressScreens = Locked<[String]>([])

    /// Runs one write effect against the store and feeds its result back; returns the effects that result asks for.
    @discardableResult
    static func perform(_ effects: [Effect], _ s: inout AppState, _ f: UIFixture) async -> [Effect] {
        let ops = DeleteOperations.store(f.store, policy: policy)
        var next: [Effect] = []
        for effect in effects {
            let action: Action
            switch effect {
            case .planDelete(let r, let c): action = .deletePlanned(r, includeChildren: c, await ops.plan(r, c))
            case .executeDelete(let p, let l, let force): action = .writeFinished(label: "delete \(l)", await ops.execute(p, force))
            case .previewUndo: action = .undoPreviewed(await ops.previewUndo())
            case .undo(let id): action = .writeFinished(label: "undo \(id)", await ops.undo(id))
            case .planGarbageCollection: action = .gcPlanned(await ops.planBothGCModes())
            case .planPrune(let request): action = .prunePlanned(request, await ops.planPrune(request))
            case .collectGarbage(let p):
                // Progress lines arrive while the run goes on; the browser shows each in the busy banner.
                let lines = Locked<[String]>([])
                let result = await ops.collect(p) { line in lines.withLock { $0.append(line) } }
                for line in lines.withLock({ $0 }) {
                    s = reduce(s, .writeProgress(line)).0
                    progressScreens.withLock { $0.append(s.text) }
                }
                action = .writeFinished(label: "collect garbage", result)
            default: continue
            }
            let (state, e) = reduce(s, action)
            s = state
            next += e
        }
        return next
    }

    static func tags(_ f: UIFixture, _ repo: String) async throws -> [String] {
        let listing = try await f.store.repositories()
        guard let entry = listing.repositories.first(where: { $0.name == repo }) else { return [] }
        return await f.store.load(entry).tags.map(\.name)
    }

    static func enabled(_ f: UIFixture) async throws -> AppState {
        try await f.loadedState(gate: .enabled(source: "--delete-enabled"))
    }

    @Test func tagPreviewNCancelsYDeletes() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await Self.enabled(f)
        press(&s, .char("j"), .enter)
        let planning = press(&s, .char("d"))
        #expect(planning.map(\.summary) == ["planDelete(tag team/app:latest)"])
        #expect(s.overlay == nil, "the dialog waits for the preview")
        #expect(await Self.perform(planning, &s, f).isEmpty)
        var text = s.text
        #expect(text.contains("Delete tag team/app:latest?"))
        #expect(text.contains("Removes 1 path"))
        #expect(text.contains("_manifests/tags/latest"))
        #expect(text.contains("After gc (X, mode 1):") && text.contains("Frees now: 0 B of blobs (link files only)."))
        #expect(text.contains("[y] yes    [n] no"))

        // n: nothing changes.
        #expect(press(&s, .char("n")).isEmpty)
        #expect(s.overlay == nil && s.text.contains("Cancelled: nothing was changed."))
        #expect(try await Self.tags(f, "team/app") == ["latest", "v1"])
        // Esc too.
        await Self.perform(press(&s, .char("d")), &s, f)
        #expect(press(&s, .escape).isEmpty && s.overlay == nil)

        // y: the execute effect; done, the store is rescanned.
        await Self.perform(press(&s, .char("d")), &s, f)
        let executing = press(&s, .char("y"))
        #expect(executing.map(\.summary) == ["executeDelete(tag team/app:latest)"])
        text = s.text
        #expect(text.contains("Deleting tag team/app:latest…"))
        #expect(press(&s, .char("d")).isEmpty, "no second write while one runs")
        let after = await Self.perform(executing, &s, f)
        #expect(after.map(\.summary) == ["rescan(1)"])
        #expect(s.text.contains("✓ Deleted 1 path"))
        #expect(!s.text.contains("Deleting tag"))
        #expect(try await Self.tags(f, "team/app") == ["v1"])
    }

    /// A failed write is shown and the store read again (a refusal says it moved since the plan; a write that failed
    /// part way changed it); the message outlives the rescan's own.
    @Test func failuresAreShownAndTheStoreIsReadAgain() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        let s = try await Self.enabled(f)
        let failed = reduce(s, .writeFinished(label: "delete tag team/app:latest", .failure(UIError("not yet"))))
        #expect(failed.0.text.contains("✗ Cannot delete tag team/app:latest: not yet"))
        #expect(failed.1.map(\.summary) == ["rescan(\(s.generation + 1))"])
        let noPlan = reduce(s, .deletePlanned([.tag(repository: "team/app", tag: "x")], includeChildren: false, .failure(UIError("tag x is not stored"))))
        #expect(noPlan.0.text.contains("Cannot delete") && noPlan.0.text.contains("tag x is not stored"))
    }

    @Test func repositoryNeedsItsNameTyped() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await Self.enabled(f)
        press(&s, .char("j"))
        await Self.perform(press(&s, .char("d")), &s, f)
        #expect(s.text.contains("Delete repository team/app?"))
        #expect(s.text.contains("Type team/app, Enter:"))
        #expect(press(&s, .char("y")).isEmpty, "y alone does not confirm")
        guard case .dialog(let d)? = s.overlay else { Issue.record("no dialog"); return }
        #expect(d.typed == "y")
        press(&s, .ctrl("u"))
        type(&s, "team/ap")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.overlay != nil && s.text.contains("Type exactly team/app"))
        type(&s, "team/app")
        let effects = press(&s, .enter)
        #expect(effects.map(\.summary) == ["executeDelete(repository team/app)"])
        await Self.perform(effects, &s, f)
        #expect(try await f.store.repositories().repositories.map(\.name).contains("team/app") == false)
    }

    @Test func spaceMarksSeveralAndTheCountIsTyped() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await Self.enabled(f)
        press(&s, .char("j"), .enter)
        press(&s, .char(" "), .char(" "))
        #expect(s.top.list.marks == [.tag("latest"), .tag("v1")])
        let text = s.text
        #expect(text.contains("DEL"))
        #expect(text.components(separatedBy: "[x]").count == 3)
        #expect(text.contains("2 marked"))
        let planning = press(&s, .char("d"))
        #expect(planning.map(\.summary) == ["planDelete(tag team/app:latest, tag team/app:v1)"])
        await Self.perform(planning, &s, f)
        #expect(s.text.contains("Delete 2 items?"))
        #expect(s.text.contains("Type 2, Enter:"))
        type(&s, "2")
        let effects = press(&s, .enter)
        #expect(effects.map(\.summary) == ["executeDelete(2 items)"])
        await Self.perform(effects, &s, f)
        #expect(s.top.list.marks.isEmpty)
        #expect(try await Self.tags(f, "team/app").isEmpty)
        // Unmarking: Space again.
        press(&s, .tab)
        press(&s, .char(" "))
        #expect(s.top.list.marks.count == 1)
        press(&s, .char("k"), .char(" "))
        #expect(s.top.list.marks.isEmpty && !s.text.contains("[x]"))
    }

    @Test func indexOffersItsChildren() async throws {
        let (f, _, _, multi, _, _, _) = UIFixture.standard()
        var s = try await Self.enabled(f)
        press(&s, .char("j"), .char("j"), .enter, .enter)
        #expect(s.top.id.digest == multi)
        await Self.perform(press(&s, .char("d")), &s, f)
        #expect(s.text.contains("child manifests nothing else uses"))
        #expect(s.text.contains("[c] also children"))
        let replan = press(&s, .char("c"))
        #expect(replan.map(\.summary) == ["planDelete(manifest team/multi@\(multi), children)"])
        await Self.perform(replan, &s, f)
        #expect(s.text.contains("and its unreferenced children?"))
        #expect(!s.text.contains("[c] also children"))
        let effects = press(&s, .char("y"))
        await Self.perform(effects, &s, f)
        let listing = try await f.store.repositories()
        let repo = await f.store.load(listing.repositories.first { $0.name == "team/multi" }!)
        #expect(repo.revisions.isEmpty)
    }

    @Test func layerLinkDelete() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        var s = try await Self.enabled(f)
        press(&s, .char("j"), .enter, .enter, .enter)
        guard case .layers = s.top.id else { Issue.record("not on the layers screen: \(s.top.id)"); return }
        press(&s, .char("j"))
        let planning = press(&s, .char("d"))
        #expect(planning.map(\.summary) == ["planDelete(layer link team/app \(app.layers[0]))"])
        await Self.perform(planning, &s, f)
        #expect(s.text.contains("Delete layer link team/app"))
        #expect(s.text.contains("_layers/"))
    }

    @Test func undoRestoresTheLastDelete() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await Self.enabled(f)
        press(&s, .char("j"), .enter)
        await Self.perform(press(&s, .char("d")), &s, f)
        await Self.perform(press(&s, .char("y")), &s, f)
        #expect(try await Self.tags(f, "team/app") == ["v1"])
        let preview = press(&s, .char("u"))
        #expect(preview.map(\.summary) == ["previewUndo"])
        await Self.perform(preview, &s, f)
        #expect(s.text.contains("Undo tag team/app:latest"))
        #expect(s.text.contains("Restores"))
        #expect(s.text.contains("tag team/app:latest"))
        // The tag's current link and its history entry are one line: the title and that line name it, nothing else.
        #expect(s.text.components(separatedBy: "tag team/app:latest").count - 1 == 2, "\(s.text)")
        #expect(press(&s, .char("n")).isEmpty)
        await Self.perform(press(&s, .char("u")), &s, f)
        let undoing = press(&s, .char("y"))
        #expect(undoing.first?.summary.hasPrefix("undo(") == true)
        #expect(await Self.perform(undoing, &s, f).map(\.summary) == ["rescan(2)"])
        #expect(s.text.contains("✓ Restored"))
        #expect(try await Self.tags(f, "team/app") == ["latest", "v1"])
        // Nothing left to undo: the refusal is shown.
        await Self.perform(press(&s, .char("u")), &s, f)
        #expect(s.text.contains("Cannot undo") || s.text.contains("Nothing to undo"))
        #expect(press(&s, .char("y")).isEmpty)
    }

    @Test func garbageCollectionNeedsYes() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await Self.enabled(f)
        press(&s, .char("j"), .enter, .tab)
        // Delete the untagged old image, so there is something to collect.
        press(&s, .char("G"))
        await Self.perform(press(&s, .char("d")), &s, f)
        #expect(s.text.contains("Delete manifest") && s.text.contains("3 blobs"))
        await Self.perform(press(&s, .char("y")), &s, f)
        let planning = press(&s, .char("X"))
        #expect(planning.map(\.summary) == ["planGarbageCollection"])
        await Self.perform(planning, &s, f)
        // The gc screen: both modes; 1 shows the plain one to confirm.
        #expect(s.text.contains("1: orphan blobs only") && s.text.contains("[1] orphan blobs   [2] with untagged"))
        #expect(press(&s, .char("1")).isEmpty)
        let text = s.text
        #expect(text.contains("Garbage collection") && text.contains("Mode 1: orphan blobs only"))
        #expect(text.contains("Removes 3 blobs"))
        #expect(text.contains("Type yes, Enter:"))
        #expect(press(&s, .char("y"), .enter).isEmpty)
        type(&s, "yes")
        let effects = press(&s, .enter)
        #expect(effects.map(\.summary) == ["collectGarbage(3 blobs)"])
        #expect(s.text.contains("Collecting garbage"))
        await Self.perform(effects, &s, f)
        #expect(Self.progressScreens.withLock { $0 }.contains { $0.contains("Collecting garbage") && $0.contains("removing blobs: 0/3") })
        #expect(s.text.contains("✓ Garbage collection removed 3 blobs"))
        #expect(!s.text.contains("removing blobs"))
    }
}

/// A child of a tagged index is reached, not untagged, and deleting it breaks a pull: the browser names the pulls and
/// asks for the repository name before it forces the delete.
@Suite struct IndexChildDeleteTests {
    @Test func aChildOfATaggedIndexShowsWhatReachesItAndNeedsTheRepositoryNameTyped() async throws {
        let (f, _, _, _, amd64, arm64, _) = UIFixture.standard()
        var s = try await DeleteFlowTests.enabled(f)
        let lines = s.text.split(separator: "\n")
        #expect(lines.first { $0.contains("team/multi") }?.contains("untagged") == false, "index children are not untagged: \(s.text)")
        #expect(lines.first { $0.contains("team/app") }?.contains("(1 untagged)") == true, "a truly untagged image still counts")
        press(&s, .char("j"), .char("j"), .enter, .tab)
        var text = s.text
        #expect(text.contains("Manifests (3)"), "the index and its two children, none untagged")
        #expect(text.contains("in multi (linux/arm64)") && text.contains("in multi (linux/amd64)"))
        #expect(!text.contains("(untagged)"))

        press(&s, .char("/"))
        type(&s, String(arm64.manifest.hex.prefix(16)))
        press(&s, .enter)
        let planning = press(&s, .char("d"))
        #expect(planning.map(\.summary) == ["planDelete(manifest team/multi@\(arm64.manifest))"])
        await DeleteFlowTests.perform(planning, &s, f)
        text = s.text
        #expect(text.contains("This breaks pulls"))
        #expect(text.contains("BREAKS PULLS") && text.contains("team/multi:multi (linux/arm64)"))
        #expect(text.contains("Type the repository name team/multi"))
        #expect(press(&s, .char("y")).isEmpty, "y alone does not confirm a delete that breaks pulls")
        press(&s, .ctrl("u"))
        type(&s, "team/multi")
        let effects = press(&s, .enter)
        #expect(effects.map(\.summary) == ["executeDelete(manifest team/multi@\(arm64.manifest), forced)"])
        await DeleteFlowTests.perform(effects, &s, f)
        let listing = try await f.store.repositories()
        let multi = await f.store.load(try #require(listing.repositories.first { $0.name == "team/multi" }))
        #expect(multi.revision(arm64.manifest) == nil && multi.revision(amd64.manifest) != nil)
    }

    @Test func theCoreRefusesAnUnforcedExecuteOfAPlanThatBreaksPulls() async throws {
        let (f, _, _, _, _, arm64, _) = UIFixture.standard()
        let ops = DeleteOperations.store(f.store, policy: DeleteFlowTests.policy)
        let plan = try await ops.plan([.manifest(repository: "team/multi", digest: arm64.manifest)], false).get()
        #expect(plan.breaksPulls)
        guard case .failure(let e) = await ops.execute(plan, false) else { Issue.record("executed without force"); return }
        #expect(e.message.contains("kept tags need") && e.message.contains("team/multi:multi (linux/arm64)"))
    }
}

/// Keys an object-store driver leaves untouched during a browser delete are said in the result, escaped, as `rm` says
/// them on standard error.
@Suite struct SkippedKeysInTheBrowserTests {
    /// The fixture's in-memory store, with a driver that skips one hostile key on every delete (as the S3 driver skips
    /// keys with `..` segments or control characters).
    final class SkippingDriver: ForwardingDriver, @unchecked Sendable {
        let base: any StorageDriver
        private let skipped = Locked(SkippedKeys())
        init(_ base: InMemoryDriver) { self.base = base }
        func delete(_ path: StoragePath) async throws {
            skipped.withLock { $0.record("reg/docker/registry/v2/\(path)/\u{1}/../../victim", .pathSegment) }
            try await base.delete(path)
        }
        var skippedKeys: SkippedKeys { skipped.withLock { $0 } }
    }

    @Test func aDeleteThatLeftUnsafeKeysSaysSoEscaped() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        let store = RegistryStore(driver: SkippingDriver(f.driver))
        let ops = DeleteOperations.store(store, policy: DeleteFlowTests.policy)
        let plan = try await ops.plan([.tag(repository: "team/app", tag: "latest")], false).get()
        let text = try await ops.execute(plan, false).get()
        #expect(text.contains("1 object key left untouched as unsafe") && text.contains("\\x01/../../victim"), "\(text)")
        #expect(!SafeText.needsEscaping(text))
    }
}

/// Marking at scale: `A` marks what the filter shows, `I` inverts those, `C` clears every mark; `d` then plans them all.
@Suite struct BulkMarkTests {
    @Test func markAllInvertAndClearFollowTheFilter() async throws {
        let (f, app, old, _, _, _, _) = UIFixture.standard()
        var s = try await DeleteFlowTests.enabled(f)
        press(&s, .char("j"), .enter)  // team/app: tags latest, v1
        press(&s, .char("A"))
        #expect(s.top.list.marks == [.tag("latest"), .tag("v1")])
        press(&s, .char("I"))
        #expect(s.top.list.marks.isEmpty)
        press(&s, .char("/"))
        type(&s, "v1")
        press(&s, .enter, .char("A"))
        #expect(s.top.list.marks == [.tag("v1")], "only what the filter shows")
        press(&s, .escape, .char("I"))
        #expect(s.top.list.marks == [.tag("latest")], "inverted over the whole list once the filter is cleared")
        let planning = press(&s, .char("d"))
        #expect(planning.map(\.summary) == ["planDelete(tag team/app:latest)"])
        press(&s, .char("C"))
        #expect(s.top.list.marks.isEmpty && s.text.contains("No marks."))
        // The manifests list: both revisions (the tagged image and the untagged older one).
        press(&s, .tab, .char("A"))
        #expect(s.top.list.marks == [.revision(app.manifest), .revision(old.manifest)])
        // Not on the repository list.
        press(&s, .escape, .escape, .char("A"))
        #expect(s.text.contains("A, I and C mark tags and manifests"))
    }
}

/// The cleanup finished in the browser: untagging says what comes back when, and the gc screen offers both modes with
/// the bytes each frees; mode 2 then collects the untagged manifest and its blobs.
@Suite struct GCModesFlowTests {
    @Test func untagThenCollectWithUntaggedManifests() async throws {
        let (f, _, _, _, _, _, base) = UIFixture.standard()
        var s = try await DeleteFlowTests.enabled(f)
        // base:3.19 is base's only tag: untagging it leaves its manifest untagged; its 5000-byte layer is its own.
        press(&s, .enter)
        #expect(s.top.id == .tags("base"))
        await DeleteFlowTests.perform(press(&s, .char("d")), &s, f)
        var text = s.text
        #expect(text.contains("Frees now: 0 B of blobs (link files only)."), "\(text)")
        // The untagged manifest keeps base's blobs until a gc with untagged manifests: 5000 bytes of layer, config, manifest.
        #expect(text.contains("After gc (X, mode 1): 0 B (0 blobs)."), "\(text)")
        #expect(text.contains("After gc with untagged manifests (X, mode 2): 5.7 KiB."), "\(text)")
        await DeleteFlowTests.perform(press(&s, .char("y")), &s, f)
        #expect(try await DeleteFlowTests.tags(f, "base").isEmpty)

        await DeleteFlowTests.perform(press(&s, .char("X")), &s, f)
        guard case .dialog(let modes)? = s.overlay else {
            Issue.record("no gc screen")
            return
        }
        text = s.text
        #expect(modes.choices.count == 2)
        // team/app's older image is untagged too: mode 2 takes both manifests.
        #expect(text.contains("1: orphan blobs only (as registry garbage-collect)") && text.contains("frees 0 B: 0 blobs, 0 layer links"), "\(text)")
        #expect(text.contains("2: also untagged manifests (--delete-untagged)") && text.contains(": 2 manifests, 6 blobs, 4 layer links"), "\(text)")
        #expect(s.screen.lines[34].contains("1 2 choose"))
        // 2: the plan with the manifest, confirmed by typing yes.
        #expect(press(&s, .char("2")).isEmpty)
        text = s.text
        #expect(text.contains("Mode 2: with untagged manifests (--delete-untagged)."))
        #expect(text.contains("Removes 6 blobs") && text.contains("2 manifests"), "\(text)")
        type(&s, "yes")
        let effects = press(&s, .enter)
        #expect(effects.map(\.summary) == ["collectGarbage(6 blobs)"])
        #expect(s.text.contains("Collecting garbage: 2 manifests, 6 blobs"))
        await DeleteFlowTests.perform(effects, &s, f)
        #expect(s.text.contains("✓ Garbage collection removed 6 blobs"), "\(s.text)")
        #expect(s.text.contains("2 manifests"), "\(s.text)")
        #expect(f.driver.contents(StoreLayout.blobData(base.layers[1])) == nil)
        #expect(f.driver.contents(StoreLayout.blobData(base.layers[0])) != nil, "the shared base layer stays")
    }

    @Test func onlyTheUntaggedModeFreesSpaceHere() async throws {
        let (f, _, _, _, _, _, _) = UIFixture.standard()
        var s = try await DeleteFlowTests.enabled(f)
        await DeleteFlowTests.perform(press(&s, .char("X")), &s, f)
        let text = s.text
        #expect(text.contains("frees 0 B: 0 blobs, 0 layer links"), "\(text)")
        // team/app's old image is untagged: only mode 2 frees anything.
        #expect(text.contains(": 1 manifest, 3 blobs, 2 layer links"), "\(text)")
        #expect(press(&s, .char("n")).isEmpty && s.overlay == nil)
    }
}
