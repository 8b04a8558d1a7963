import Foundation

/// A flat listing of a prefix whose keys are spread evenly over hex names (`blobs/sha256/<hh>/<hex>/…`,
/// storage-format §1.2), split into independent key ranges listed at the same time. One sequence of pages costs one
/// round trip per 1 000 keys; the ranges divide that by their number.
extension S3Driver {
    /// At most this many ranges at once (the request limiter bounds what is in flight in all).
    static let maxKeyRanges = 16

    /// Every object below `prefix`, in key order. The first page is listed alone: a small prefix ends there, and
    /// otherwise its last key shows how far 1 000 keys reach into the hex names below `spreadBelow`, which sizes
    /// the split of the rest. The ranges `(after, upTo]` partition the keys exactly whatever their names are;
    /// only the balance between them assumes the names are hex.
    func listInKeyRanges(prefix: String, spreadBelow: String, path: StoragePath) async throws -> [ListObjectsPage.Object] {
        var first = ListObjectsPage()
        try await forEachPage(prefix: prefix, delimiter: nil, path: path) { page in
            first = page
            return false
        }
        guard first.isTruncated, let last = first.objects.last?.key else { return first.objects }
        let ranges = Self.keyRanges(after: last, pageKeys: first.objects.count, spreadBelow: spreadBelow)
        let listed = try await withThrowingTaskGroup(of: (Int, [ListObjectsPage.Object]).self) { group in
            for (i, range) in ranges.enumerated() {
                group.addTask { (i, try await self.listKeyRange(prefix: prefix, range, path: path)) }
            }
            var parts = [[ListObjectsPage.Object]](repeating: [], count: ranges.count)
            while let (i, objects) = try await group.next() { parts[i] = objects }
            return parts
        }
        return first.objects + listed.flatMap { $0 }
    }

    struct KeyRange: Equatable {
        /// Keys after this one (exclusive)...
        var after: String
        /// ...up to this one (inclusive); nil: to the end of the prefix.
        var upTo: String?
    }

    /// The keys after `last` (a first page of `pageKeys` keys ended there) cut into ranges of about a page each, at
    /// most `maxKeyRanges`. Digests are uniform, so the hex position of `last` (0 at `…/00`, 1 past `…/ff`) estimates
    /// what fraction of the keys that page held.
    static func keyRanges(after last: String, pageKeys: Int, spreadBelow: String) -> [KeyRange] {
        let count: Int
        let from: Double
        if let position = hexPosition(last, below: spreadBelow), position > 0 {
            let remaining = Double(max(pageKeys, 1)) * (1 - position) / position
            count = min(maxKeyRanges, max(1, Int((remaining / Double(max(pageKeys, 1))).rounded(.up))))
            from = position
        } else if last.utf8.lexicographicallyPrecedes(spreadBelow.utf8) {
            // The page ended before the hex names: nothing to estimate from, split them all.
            count = maxKeyRanges
            from = 0
        } else {
            // Past the hex names (another algorithm's folder): the rest is small, list it in order.
            count = 1
            from = 1
        }
        var bounds: [String] = []
        for j in 1..<max(count, 1) {
            let key = boundaryKey(from + (1 - from) * Double(j) / Double(count), below: spreadBelow)
            // A bound at or before `last` (or a repeat) would list keys twice: keep only increasing ones.
            let floor = bounds.last ?? last
            if floor.utf8.lexicographicallyPrecedes(key.utf8) { bounds.append(key) }
        }
        var ranges: [KeyRange] = []
        var after = last
        for bound in bounds {
            ranges.append(KeyRange(after: after, upTo: bound))
            after = bound
        }
        ranges.append(KeyRange(after: after, upTo: nil))
        return ranges
    }

    /// Where `key` lies among hex names below `spread` (`<hh>/<hex>…` or `<hex>…`), from 0 to 1; nil when it is not
    /// below `spread` or names no hex.
    static func hexPosition(_ key: String, below spread: String) -> Double? {
        guard key.utf8.starts(with: spread.utf8) else { return nil }
        var rest = Substring(String(decoding: key.utf8.dropFirst(spread.utf8.count), as: UTF8.self))
        // `ab/abcd…`: the folder repeats the name's first two digits; the name carries more of them.
        if rest.count > 3, rest.dropFirst(2).first == "/" { rest = rest.dropFirst(3) }
        let digits = rest.prefix { $0.isHexDigit }.prefix(8)
        guard !digits.isEmpty, let value = UInt64(digits.padding(toLength: 8, withPad: "0", startingAt: 0), radix: 16)
        else { return nil }
        return Double(value) / Double(UInt64(1) << 32)
    }

    /// The key at hex position `fraction`: `<spread><hh>/<8 hex>`, which sorts just before every blob key at or
    /// past that position.
    static func boundaryKey(_ fraction: Double, below spread: String) -> String {
        let value = UInt64(min(max(fraction, 0), 1) * Double(UInt64(1) << 32))
        let hex = String(min(value, UInt64(UInt32.max)), radix: 16)
        let padded = String(repeating: "0", count: 8 - hex.count) + hex
        return spread + padded.prefix(2) + "/" + padded
    }

    /// The objects of one range, in key order: listed from `after`, stopped at the first key past `upTo`.
    private func listKeyRange(prefix: String, _ range: KeyRange, path: StoragePath) async throws -> [ListObjectsPage.Object] {
        var objects: [ListObjectsPage.Object] = []
        try await forEachPage(prefix: prefix, delimiter: nil, startAfter: range.after, path: path) { page in
            for object in page.objects {
                if let upTo = range.upTo, upTo.utf8.lexicographicallyPrecedes(object.key.utf8) { return false }
                objects.append(object)
            }
            return true
        }
        return objects
    }
}
