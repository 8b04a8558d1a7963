/// What a light load extracts from a manifest or an image config, as the payload of a facts record (`FactsCache`).
///
/// A manifest is kept whole as the parser returned it (every descriptor with its media type, digest as written,
/// size, urls, annotations, platform and artifact type; config, layers, children, subject, annotations), so a load
/// from facts builds exactly the `Manifest` the bytes would have: outputs are the same by construction. Schema1
/// manifests are not kept (their config and signed payload live inside them; they are read as bytes). Of an image
/// config, what `ls` and `prune` show: `created`, `architecture`, `os`, `variant` (labels and history are read by the
/// browser's manifest screen, whose full load never uses facts).
enum FactsCodec {
    /// Bumped whenever what is extracted or how it is laid out changes: older records are then a miss.
    /// 2: varints, media types and canonical sha256 digests as small codes (records about a quarter of version 1's).
    static let extractorVersion: UInt16 = 2

    enum Kind: UInt8, Sendable, Hashable {
        case manifest = 1
        case imageConfig = 2
    }

    static func encode(_ m: Manifest) -> [UInt8]? {
        guard m.schema1 == nil, !m.format.isSchema1, let format = ManifestFormat.allCases.firstIndex(of: m.format) else { return nil }
        var w = FactsWriter()
        w.u8(UInt8(format))
        w.varint(Int64(m.schemaVersion))
        w.mediaType(m.declaredMediaType)
        w.optional(m.config) { $0.descriptor($1) }
        w.array(m.layers) { $0.descriptor($1) }
        w.array(m.children) { $0.descriptor($1) }
        w.optional(m.subject) { $0.descriptor($1) }
        w.optionalString(m.artifactType)
        w.stringMap(m.compactAnnotations)
        return w.bytes
    }

    static func decodeManifest(_ payload: ArraySlice<UInt8>) -> Manifest? {
        var r = FactsReader(payload)
        do throws(FactsReader.Malformed) {
            let formatIndex = Int(try r.u8())
            guard formatIndex < ManifestFormat.allCases.count else { return nil }
            let format = ManifestFormat.allCases[formatIndex]
            guard !format.isSchema1 else { return nil }
            let schemaVersion = try r.varint()
            guard let version = Int(exactly: schemaVersion) else { return nil }
            let m = Manifest(
                format: format, schemaVersion: version, declaredMediaType: try r.mediaType(),
                config: try r.optional { (r) throws(FactsReader.Malformed) in try r.descriptor() },
                layers: try r.array { (r) throws(FactsReader.Malformed) in try r.descriptor() },
                children: try r.array { (r) throws(FactsReader.Malformed) in try r.descriptor() },
                subject: try r.optional { (r) throws(FactsReader.Malformed) in try r.descriptor() },
                artifactType: try r.optionalString(), annotations: try r.stringMap(), schema1: nil)
            return r.isAtEnd ? m : nil
        } catch {
            return nil
        }
    }

    static func encode(_ c: ImageConfig) -> [UInt8] {
        var w = FactsWriter()
        for field in [c.created, c.architecture, c.os, c.variant] { w.optionalString(field) }
        return w.bytes
    }

    static func decodeConfig(_ payload: ArraySlice<UInt8>) -> ImageConfig? {
        var r = FactsReader(payload)
        do throws(FactsReader.Malformed) {
            let c = ImageConfig(
                created: try r.optionalString(), architecture: try r.optionalString(), os: try r.optionalString(),
                variant: try r.optionalString(), labels: [:], history: [], diffIDs: [])
            return r.isAtEnd ? c : nil
        } catch {
            return nil
        }
    }
}

extension FactsWriter {
    mutating func descriptor(_ d: Descriptor) {
        mediaType(d.mediaType)
        digestText(d)
        optional(d.size) { $0.varint($1) }
        strings(d.urls)
        stringMap(CompactStringMap(d.annotations))
        optional(d.platform) { $0.platform($1) }
        optionalString(d.artifactType)
    }

    mutating func platform(_ p: Platform) {
        optionalString(p.architecture)
        optionalString(p.os)
        optionalString(p.osVersion)
        optional(p.osFeatures) { $0.strings($1) }
        optionalString(p.variant)
        optional(p.features) { $0.strings($1) }
    }

    /// A media type: 0 none, 1 and the text, or 2 + its place among the parser's common ones.
    mutating func mediaType(_ type: String?) {
        guard let type else { return u8(0) }
        if let i = JSONDocument.commonMediaTypes.strings.firstIndex(of: type), i < 254 { return u8(UInt8(i + 2)) }
        u8(1)
        string(type)
    }

    /// A descriptor's digest as written: 1 and 32 bytes where it is the canonical spelling of a sha256 digest (nearly
    /// always), else 0 and the text.
    mutating func digestText(_ d: Descriptor) {
        let text = d.digestText
        if let digest = d.digest, digest.algorithm == .sha256, digest.description == text {
            u8(1)
            raw(digest.bytes)
        } else {
            u8(0)
            string(text)
        }
    }

    /// Pairs in key order (the map's own), so decoding rebuilds an equal map.
    mutating func stringMap(_ map: CompactStringMap) {
        let pairs = map.dictionary.sorted { $0.key < $1.key }
        array(pairs) { w, pair in
            w.string(pair.key)
            w.string(pair.value)
        }
    }
}

extension FactsReader {
    mutating func descriptor() throws(Malformed) -> Descriptor {
        Descriptor(
            mediaType: try mediaType(), digestText: try digestText(),
            size: try optional { (r) throws(Malformed) in try r.varint() },
            urls: try strings(), annotations: try stringMap(),
            platform: try optional { (r) throws(Malformed) in try r.platform() },
            artifactType: try optionalString())
    }

    mutating func platform() throws(Malformed) -> Platform {
        var p = Platform()
        p.architecture = try optionalString()
        p.os = try optionalString()
        p.osVersion = try optionalString()
        p.osFeatures = try optional { (r) throws(Malformed) in try r.strings() }
        p.variant = try optionalString()
        p.features = try optional { (r) throws(Malformed) in try r.strings() }
        return p
    }

    mutating func stringMap() throws(Malformed) -> CompactStringMap {
        let pairs = try array { (r) throws(Malformed) in (try r.string(), try r.string()) }
        var dictionary = [String: String](minimumCapacity: pairs.count)
        for (key, value) in pairs {
            // Written in key order, each key once: anything else is not a record we wrote.
            guard dictionary.updateValue(value, forKey: key) == nil else { throw Malformed() }
        }
        return CompactStringMap(dictionary)
    }

    /// A media type as `FactsWriter.mediaType` wrote it, sharing the parser's constants for the common ones (as
    /// `JSONDocument.mediaType` does).
    mutating func mediaType() throws(Malformed) -> String? {
        let known = JSONDocument.commonMediaTypes
        switch Int(try u8()) {
        case 0: return nil
        case 1:
            // Written as text only when it is none of the common ones.
            let text = try string()
            guard !known.strings.contains(text) else { throw Malformed() }
            return text
        case let code where code - 2 < known.strings.count: return known.strings[code - 2]
        default: throw Malformed()
        }
    }

    mutating func digestText() throws(Malformed) -> String {
        switch try u8() {
        case 0: return try string()
        case 1: return Digest(algorithm: .sha256, bytes: try raw(32)).description
        default: throw Malformed()
        }
    }
}
