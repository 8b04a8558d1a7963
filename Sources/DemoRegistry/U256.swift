
/// An unsigned 256-bit integer, four 64-bit limbs, least significant first. Only what ECDSA signing needs. Plain
/// stored limbs rather than an array, so the many additions of a modular inverse allocate nothing.
struct U256: Equatable, Comparable {
    var l0: UInt64 = 0, l1: UInt64 = 0, l2: UInt64 = 0, l3: UInt64 = 0

    /// The order n of the P-256 group.
    static let order = U256(hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

    subscript(i: Int) -> UInt64 {
        get {
            switch i {
            case 0: l0
            case 1: l1
            case 2: l2
            default: l3
            }
        }
        set {
            switch i {
            case 0: l0 = newValue
            case 1: l1 = newValue
            case 2: l2 = newValue
            default: l3 = newValue
            }
        }
    }

    init(_ bigEndian: [UInt8]) {
        precondition(bigEndian.count == 32)
        for i in 0..<4 {
            self[i] = bigEndian[(24 - 8 * i)..<(32 - 8 * i)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }

    init(_ small: UInt64) { l0 = small }

    init(hex: String) {
        let u = Array(hex.utf8)
        precondition(u.count == 64)
        func nibble(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : c - 0x61 + 10 }
        self.init((0..<32).map { nibble(u[2 * $0]) << 4 | nibble(u[2 * $0 + 1]) })
    }

    var bytes: [UInt8] {
        (0..<32).map { i in UInt8(truncatingIfNeeded: self[3 - i / 8] >> UInt64(56 - 8 * (i % 8))) }
    }

    var isZero: Bool { l0 | l1 | l2 | l3 == 0 }

    func bit(_ i: Int) -> Bool { self[i / 64] >> UInt64(i % 64) & 1 == 1 }

    static func < (a: U256, b: U256) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] }
        return false
    }

    func adding(_ b: U256) -> (U256, carry: Bool) {
        var out = U256(0)
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = self[i].addingReportingOverflow(b[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (out, carry != 0)
    }

    /// Wrapping subtraction (callers ensure `self >= b`, or rely on a carry they dropped).
    func subtracting(_ b: U256) -> U256 {
        var out = U256(0)
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = self[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return out
    }

    /// One conditional subtraction: enough for any value below 2·m (P-256 field elements and hashes against n).
    func reduced(mod m: U256) -> U256 { self < m ? self : subtracting(m) }

    static func modAdd(_ a: U256, _ b: U256, _ m: U256) -> U256 {
        let (s, carry) = a.adding(b)
        return carry || !(s < m) ? s.subtracting(m) : s
    }

    /// Double-and-add multiplication: slow, simple and exact.
    static func modMul(_ a: U256, _ b: U256, _ m: U256) -> U256 {
        var result = U256(0)
        for i in stride(from: 255, through: 0, by: -1) {
            result = modAdd(result, result, m)
            if b.bit(i) { result = modAdd(result, a, m) }
        }
        return result
    }

    var isEven: Bool { l0 & 1 == 0 }

    /// `self / 2`, with `carry` shifted in as bit 255.
    func halved(carry: Bool = false) -> U256 {
        var out = U256(0)
        for i in 0..<4 {
            let next: UInt64 = i < 3 ? self[i + 1] : (carry ? 1 : 0)
            out[i] = self[i] >> 1 | next << 63
        }
        return out
    }

    /// `x / 2 mod m` for odd `m` and `x < m`.
    static func modHalve(_ x: U256, _ m: U256) -> U256 {
        if x.isEven { return x.halved() }
        let (s, carry) = x.adding(m)
        return s.halved(carry: carry)
    }

    static func modSub(_ a: U256, _ b: U256, _ m: U256) -> U256 {
        b < a || b == a ? a.subtracting(b) : a.adding(m).0.subtracting(b)
    }

    /// The inverse of `a` (0 < a < m) modulo an odd prime `m`, by the binary extended Euclidean algorithm.
    static func modInverse(_ a: U256, _ m: U256) -> U256 {
        var u = a, v = m
        var x1 = U256(1), x2 = U256(0)
        let one = U256(1)
        while u != one && v != one {
            while u.isEven {
                u = u.halved()
                x1 = modHalve(x1, m)
            }
            while v.isEven {
                v = v.halved()
                x2 = modHalve(x2, m)
            }
            if v < u {
                u = u.subtracting(v)
                x1 = modSub(x1, x2, m)
            } else {
                v = v.subtracting(u)
                x2 = modSub(x2, x1, m)
            }
        }
        return u == one ? x1 : x2
    }
}
