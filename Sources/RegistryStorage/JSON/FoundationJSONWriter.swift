/// Writes JSON byte for byte as Foundation's `JSONEncoder` does with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (swift-foundation's `JSONWriter`, Swift 6 on Linux), without building the encoder's value
/// tree: `drydock ls --json` renders about 100 MB this way (README "Scale"). The caller writes each object's keys in
/// sorted order (the encoder sorts by UTF-8 bytes) and skips absent optionals, as synthesized `Encodable` does.
///
/// The encoder's layout: two spaces per level, `"key" : value`, `,` at line ends, and an empty array or object as
/// `[`, an empty line, then `]` at the opening line's indent. Strings escape `"`, `\`, `\b \f \n \r \t`, other C0
/// controls as `\u00xx` (lowercase hex); DEL and everything above stays raw UTF-8.
///
/// The text goes into a buffer of its own, not an `Array`: each of the tens of millions of small appends is then a
/// capacity check and a store, where an array's append checked uniqueness through a runtime call as well.
/// Non-copyable, so the buffer has exactly one owner.
package struct FoundationJSONWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    package private(set) var count = 0
    /// Values written so far in each open container, innermost last.
    private var counts: [Int] = []
    /// The indent level of the outermost value: a fragment rendered to be spliced in at that depth.
    private let baseDepth: Int
    /// A value written right after `key` goes on the key's line.
    private var pendingKey = false

    package init(depth: Int = 0, capacity: Int = 0) {
        baseDepth = depth
        self.capacity = max(capacity, 256)
        storage = .allocate(capacity: self.capacity)
        counts.reserveCapacity(8)
    }

    deinit { storage.deallocate() }

    /// The text written so far, copied out.
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// The text in `range` (within `0..<count`), for the length of `body`.
    package func withBytes<T>(in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the written text")
        return try body(UnsafeBufferPointer(start: storage + range.lowerBound, count: range.count))
    }

    private var depth: Int { baseDepth + counts.count }

    // MARK: raw appends

    /// Room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if capacity &- count < n { grow(n) }
    }

    private mutating func grow(_ n: Int) {
        let newCapacity = max(capacity * 2, count + n)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        moved.initialize(from: storage, count: count)
        storage.deallocate()
        storage = moved
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count &+= 1
    }

    private mutating func put(_ text: UnsafeBufferPointer<UInt8>) {
        guard let from = text.baseAddress, !text.isEmpty else { return }
        reserve(text.count)
        (storage + count).initialize(from: from, count: text.count)
        count &+= text.count
    }

    private mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { put($0) }
    }

    private mutating func newline(_ depth: Int) {
        let spaces = depth * 2
        reserve(1 + spaces)
        storage[count] = 0x0A
        (storage + count + 1).initialize(repeating: 0x20, count: spaces)
        count &+= 1 + spaces
    }

    // MARK: structure

    /// Where an array element starts: after the previous one's comma, on its own line. Object values come after `key`.
    private mutating func beforeValue() {
        guard let last = counts.last else { return }
        if last > 0 { put(UInt8(ascii: ",")) }
        counts[counts.count - 1] = last + 1
        newline(depth)
    }

    /// An object member's key; the value follows. Keys are ASCII here, written as given.
    package mutating func key(_ name: StaticString) {
        let last = counts[counts.count - 1]
        if last > 0 { put(UInt8(ascii: ",")) }
        counts[counts.count - 1] = last + 1
        newline(depth)
        put(UInt8(ascii: "\""))
        put(name)
        put("\" : ")
        pendingKey = true
    }

    private mutating func startValue() {
        if pendingKey { pendingKey = false } else { beforeValue() }
    }

    package mutating func beginObject() {
        startValue()
        put(UInt8(ascii: "{"))
        counts.append(0)
    }

    package mutating func endObject() { close(UInt8(ascii: "}")) }

    package mutating func beginArray() {
        startValue()
        put(UInt8(ascii: "["))
        counts.append(0)
    }

    package mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func close(_ bracket: UInt8) {
        let written = counts.removeLast()
        if written == 0 { put(0x0A) }
        newline(depth)
        put(bracket)
    }

    // MARK: values

    package mutating func string(_ s: String) {
        startValue()
        var s = s
        s.withUTF8 { appendString($0) }
    }

    /// A digest as its `sha256:<hex>` string; nothing in it needs escaping.
    package mutating func digest(_ d: Digest) {
        startValue()
        let length = d.descriptionLength
        reserve(length + 2)
        storage[count] = UInt8(ascii: "\"")
        d.writeDescription(to: storage + count + 1)
        storage[count + 1 + length] = UInt8(ascii: "\"")
        count &+= length + 2
    }

    /// An array of digests (`digest`).
    package mutating func digests(_ list: some Sequence<Digest>) {
        beginArray()
        for d in list { digest(d) }
        endArray()
    }

    package mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    package mutating func int(_ v: Int64) {
        startValue()
        var magnitude = v.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let sign = v < 0 ? 1 : 0
        reserve(sign + digits)
        if sign == 1 { storage[count] = UInt8(ascii: "-") }
        var at = count + sign + digits
        repeat {
            at -= 1
            storage[at] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
            magnitude /= 10
        } while magnitude > 0
        count &+= sign + digits
    }

    package mutating func bool(_ v: Bool) {
        startValue()
        put(v ? "true" : "false")
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// `s` as a JSON string: quoted, with the encoder's escapes. Runs without an escape are copied whole.
    private mutating func appendString(_ s: UnsafeBufferPointer<UInt8>) {
        reserve(s.count + 2)
        put(UInt8(ascii: "\""))
        var start = 0
        for i in 0..<s.count {
            let b = s[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            put(UnsafeBufferPointer(rebasing: s[start..<i]))
            start = i + 1
            put(0x5C)
            switch b {
            case 0x22: put(0x22)
            case 0x5C: put(0x5C)
            case 0x08: put(UInt8(ascii: "b"))
            case 0x0C: put(UInt8(ascii: "f"))
            case 0x0A: put(UInt8(ascii: "n"))
            case 0x0D: put(UInt8(ascii: "r"))
            case 0x09: put(UInt8(ascii: "t"))
            default:
                put("u00")
                put(Self.hex[Int(b >> 4)])
                put(Self.hex[Int(b & 0xF)])
            }
        }
        put(UnsafeBufferPointer(rebasing: s[start..<s.count]))
        put(UInt8(ascii: "\""))
    }
}
