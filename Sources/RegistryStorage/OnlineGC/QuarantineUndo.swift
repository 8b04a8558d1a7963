/// What `drydock undo` adds for an online collection: the quarantined data goes back before the links do.
enum QuarantineUndo {
    /// The blobs of `entry` whose quarantined copy is there to move back, and journal records that name no valid
    /// quarantine path (a forged or damaged entry: undo refuses).
    static func inspect(_ entry: JournalEntry, driver: any StorageDriver) async -> (present: [Digest], invalid: [String]) {
        guard entry.operation == .onlineCollection, let quarantine = entry.quarantine else { return ([], []) }
        var present: [Digest] = []
        var invalid: [String] = []
        for q in quarantine where q.state == .quarantined || q.state == .pending {
            guard let d = q.parsedDigest, let path = Quarantine.data(entry.id, d) else {
                invalid.append("quarantine record \(SafeText.escaping(q.digest)) of \(SafeText.escaping(entry.id)) names no valid quarantine path")
                continue
            }
            if let info = try? await driver.withRetries({ try await driver.stat(path) }), info.kind == .file { present.append(d) }
        }
        return (present, invalid)
    }

    /// Moves every quarantined copy back (keeping a copy the registry wrote since) and marks it restored.
    static func restore(_ entry: inout JournalEntry, _ digests: [Digest], driver: any StorageDriver) async throws(DeleteError) {
        let restorer = QuarantineRestorer(driver: driver)
        var quarantine = entry.quarantine ?? []
        for d in digests {
            _ = try await restorer.restoreData(d, journalID: entry.id)
            if let i = quarantine.firstIndex(where: { $0.digest == d.description }) {
                quarantine[i].state = .restored
                quarantine[i].note = "restored by undo"
            }
        }
        entry.quarantine = quarantine
    }
}
