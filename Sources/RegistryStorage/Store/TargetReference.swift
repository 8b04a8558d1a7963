/// `REPO`, `REPO:TAG` or `REPO@DIGEST` as typed on the command line.
public struct TargetReference: Sendable, Equatable, CustomStringConvertible {
    public enum Selector: Sendable, Equatable {
        case repository
        case tag(String)
        case digest(Digest)
    }

    public var repository: String
    public var selector: Selector

    public init(repository: String, selector: Selector) {
        self.repository = repository
        self.selector = selector
    }

    public static func parse(_ text: String) -> Result<TargetReference, TargetReferenceError> {
        var repo = text
        var selector = Selector.repository
        if let at = text.firstIndex(of: "@") {
            repo = String(text[..<at])
            switch Digest.parse(text[text.index(after: at)...]) {
            case .success(let d): selector = .digest(d)
            case .failure(let e): return .failure(.invalidDigest(e))
            }
        } else if let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") {
            repo = String(text[..<colon])
            let tag = String(text[text.index(after: colon)...])
            guard NameGrammar.isValidTag(tag) else { return .failure(.invalidTag(SafeText.escaping(tag))) }
            selector = .tag(tag)
        }
        let comps = repo.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !repo.isEmpty, StoragePath(validating: comps) != nil, !comps.contains(where: { $0.hasPrefix("_") }) else {
            return .failure(.invalidRepository(SafeText.escaping(repo)))
        }
        return .success(TargetReference(repository: repo, selector: selector))
    }

    public var description: String {
        switch selector {
        case .repository: repository
        case .tag(let t): "\(repository):\(t)"
        case .digest(let d): "\(repository)@\(d)"
        }
    }
}

public enum TargetReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidDigest(DigestError)
    case invalidTag(String)
    case invalidRepository(String)

    public var description: String {
        switch self {
        case .invalidDigest(let e): "invalid digest: \(e)"
        case .invalidTag(let t): "invalid tag \"\(t)\": tags are 1-128 of [A-Za-z0-9_.-], not starting with . or -"
        case .invalidRepository(let r): "invalid repository name \"\(r)\""
        }
    }
}
