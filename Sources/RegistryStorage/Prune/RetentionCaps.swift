/// The safety caps of a prune: they fail closed, refusing the whole plan.
public struct RetentionCaps: Sendable, Equatable {
    public enum MaxDelete: Sendable, Equatable, CustomStringConvertible {
        case count(Int)
        /// A percentage of the tags in scope (the candidates).
        case percent(Double)

        /// `N` or `P%`.
        public init(parsing text: String) throws(RetentionRuleError) {
            if text.hasSuffix("%") {
                guard let p = Double(text.dropLast()), p.isFinite, p >= 0, p <= 100 else { throw .invalidCount(text) }
                self = .percent(p)
            } else {
                guard let n = Int(text), n >= 0 else { throw .invalidCount(text) }
                self = .count(n)
            }
        }

        public var description: String {
            switch self {
            case .count(let n): "\(n)"
            case .percent(let p): "\(p.formatted())%"
            }
        }

        /// The most tags a plan over `candidates` tags may remove.
        public func limit(candidates: Int) -> Int {
            switch self {
            case .count(let n): n
            case .percent(let p): Int((Double(candidates) * p / 100).rounded(.down))
            }
        }
    }

    public var maxDelete: MaxDelete?
    public var allowEmpty: Bool

    public init(maxDelete: MaxDelete? = nil, allowEmpty: Bool = false) {
        self.maxDelete = maxDelete
        self.allowEmpty = allowEmpty
    }

    /// Why `plan` is refused, one sentence per cap it breaks; empty when it may run.
    public func refusals(_ plan: RetentionPlan) -> [String] {
        var out: [String] = []
        if !allowEmpty {
            let emptied = plan.repositories.filter { $0.tagsLeft == 0 && !$0.remove.isEmpty }.map(\.name)
            if !emptied.isEmpty {
                out.append(
                    "the plan leaves \(emptied.count) repository(ies) with no tag (\(emptied.prefix(5).map(SafeText.escaping).joined(separator: ", "))\(emptied.count > 5 ? ", ..." : "")); pass --allow-empty to allow that")
            }
        }
        if let maxDelete {
            let limit = maxDelete.limit(candidates: plan.candidateCount)
            if plan.removedTagCount > limit {
                out.append("the plan removes \(plan.removedTagCount) of \(plan.candidateCount) tags in scope, more than --max-delete \(maxDelete) allows (\(limit))")
            }
        }
        return out
    }
}

private extension Double {
    func formatted() -> String { self == rounded() ? String(Int(self)) : String(self) }
}
