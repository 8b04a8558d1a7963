import Foundation
import RegistryStorage

/// What a prune preview is asked for: the rules, and which repository (nil: every repository).
public struct PruneRequest: Equatable, Sendable {
    public var repository: String?
    public var rules: RetentionRuleSet
    public var untagged: Bool

    public init(repository: String?, rules: RetentionRuleSet, untagged: Bool) {
        self.repository = repository
        self.rules = rules
        self.untagged = untagged
    }
}

/// A prune preview: the core's retention plan, and the delete plan it turns into (nil when it removes nothing).
public struct PrunePreview: Equatable, Sendable {
    public var plan: RetentionPlan
    public var delete: DeletePlan?

    public init(plan: RetentionPlan, delete: DeletePlan?) {
        self.plan = plan
        self.delete = delete
    }
}

/// The `P` form: quick retention rules as typed, and the preview of the last rules planned.
public struct PruneForm: Equatable, Sendable {
    public enum Field: Int, CaseIterable, Sendable {
        case keepLast, keepWithin, keepTag, order, untagged
    }

    /// nil: every repository (opened from the repository list).
    public var repository: String?
    public var keepLast = "5"
    public var keepWithin = ""
    public var keepTag = "^latest$"
    public var order: TagOrder = .pushed
    public var untagged = false
    public var field: Field = .keepLast
    /// Why the rules cannot be planned, or why planning failed.
    public var error: String?
    /// The request in flight; its answer is shown only if the form still asks the same.
    public var planning: PruneRequest?
    /// The preview of the rules as they stand; any edit drops it, so Enter applies only what is on screen.
    public var preview: PrunePreview?

    public init(repository: String?) {
        self.repository = repository
    }

    /// The rules as typed, through the same core parsers the CLI flags use.
    public func request() -> Result<PruneRequest, UIError> {
        do throws(RetentionRuleError) {
            let count = keepLast.trimmingCharacters(in: .whitespaces)
            var last: Int?
            if !count.isEmpty {
                guard let n = Int(count), n >= 0 else {
                    return .failure(UIError("Keep last: \"\(SafeText.escaping(count))\" is not a number of tags."))
                }
                last = n
            }
            let within = keepWithin.trimmingCharacters(in: .whitespaces)
            let rules = try RetentionRuleSet(
                keepLast: last,
                keepWithin: within.isEmpty ? nil : (within, try RetentionDuration.seconds(within)),
                keepTags: keepTag.isEmpty ? [] : [try TagPattern(keepTag)],
                order: order)
            return .success(PruneRequest(repository: repository, rules: rules, untagged: untagged))
        } catch .noRetainRule {
            return .failure(UIError("Say what to keep: keep last, keep within or a keep tag regex."))
        } catch {
            return .failure(UIError(error.description.prefix(1).uppercased() + error.description.dropFirst() + "."))
        }
    }

    /// The text of `field`, for the fields that are typed.
    var text: String? {
        get {
            switch field {
            case .keepLast: keepLast
            case .keepWithin: keepWithin
            case .keepTag: keepTag
            case .order, .untagged: nil
            }
        }
        set {
            guard let newValue else { return }
            switch field {
            case .keepLast: keepLast = newValue
            case .keepWithin: keepWithin = newValue
            case .keepTag: keepTag = newValue
            case .order, .untagged: break
            }
        }
    }
}
