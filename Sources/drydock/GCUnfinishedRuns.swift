import RegistryStorage

/// Before a real `gc`: collections in the journal that stopped part way. A fresh run is as safe as resuming (both
/// mark first) and also removes what they left; resuming finishes the run in its own journal entry, so that one
/// `drydock undo ID` covers it. Either way the operator hears about them.
enum GCUnfinishedRuns {
    static func note(_ registry: RegistryStore) async {
        guard let listed = try? await Journal(driver: registry.driver).summaries() else { return }
        for s in listed.summaries where s.operation == .garbageCollection && !s.completed && !s.isUndone {
            FileHandleOutput.standardError(
                "drydock: note: journal entry \(s.id) is a garbage collection that stopped part way; `drydock gc --resume \(s.id)` finishes it in that entry (this run collects afresh)")
        }
    }
}
