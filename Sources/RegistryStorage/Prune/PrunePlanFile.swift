import Foundation

/// A prune plan saved by `drydock prune --plan-out`, read back by `--apply`. The file is operator input, not proof:
/// its text is escaped before it is shown, its counts are recounted from the store (`RetentionPlan.recounted`), and
/// the store it names must be the one it is applied to (`madeFor`).
public struct PrunePlanFile: Codable, Sendable {
    public static let formatName = "drydock-prune-plan/1"
    public var format: String
    /// Where the plan was made (`StoreLocation.normalized`; older files hold the location as it was typed).
    public var store: String
    public var created: Date
    public var plan: RetentionPlan

    public init(store: String, created: Date, plan: RetentionPlan) {
        self.format = Self.formatName
        self.store = store
        self.created = created
        self.plan = plan
    }

    /// Why a file is no readable plan, in a sentence fit to print (escaped, no raw decoder dump).
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The saved file, its shown text escaped; a file that is no plan throws a short reason.
    public static func decode(_ data: Data) throws(ReadError) -> PrunePlanFile {
        // The format first: any other JSON is "not a plan", not a list of missing fields.
        struct Header: Decodable { var format: String? }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw ReadError(description: "not a drydock prune plan (\(DecodingFailure.reason(error, json: Array(data))))")
        }
        guard header.format == formatName else {
            throw ReadError(
                description: "not a drydock prune plan (format \(header.format.map { "\"\(SafeText.escapedPrefix($0, maxLength: 80))\"" } ?? "missing"), expected \"\(formatName)\")")
        }
        var file: PrunePlanFile
        do {
            file = try decoder.decode(PrunePlanFile.self, from: data)
        } catch {
            throw ReadError(description: DecodingFailure.reason(error, json: Array(data)))
        }
        // Made by us, the text was escaped when written; a hand-edited file may hold terminal escapes.
        file.store = SafeText.escaping(file.store)
        file.plan.warnings = file.plan.warnings.map(SafeText.escaping)
        for i in file.plan.repositories.indices {
            for k in file.plan.repositories[i].keep.indices { file.plan.repositories[i].keep[k].reason = file.plan.repositories[i].keep[k].reason.map(SafeText.escaping) }
            for k in file.plan.repositories[i].removeSignatureTags.indices {
                file.plan.repositories[i].removeSignatureTags[k].reason = file.plan.repositories[i].removeSignatureTags[k].reason.map(SafeText.escaping)
            }
        }
        return file
    }

    /// The file's JSON: sorted keys, ISO 8601 dates.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Nil when the plan was made for `location` (compared normalized), else why it may not run there.
    public func mismatch(appliedTo location: String) -> String? {
        let (made, here) = (StoreLocation.normalized(store), StoreLocation.normalized(location))
        guard made != here else { return nil }
        return "the plan was made for \(SafeText.escaping(made)), not \(SafeText.escaping(here))"
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        // As `.iso8601`, but a bad date names its field (Foundation's own error has an empty coding path).
        decoder.dateDecodingStrategy = .custom { d in
            let text = try d.singleValueContainer().decode(String.self)
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: d.codingPath, debugDescription: "\"\(SafeText.escapedPrefix(text, maxLength: 40))\" is not an ISO 8601 date"))
            }
            return date
        }
        return decoder
    }
}
