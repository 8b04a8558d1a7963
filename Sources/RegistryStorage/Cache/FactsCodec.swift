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
    static let extractorVersion: UInt16 = 1

    enum Kind: UInt8, Sendable, Hashable {
        case manifest = 1
        case imageConfig = 2
    }

    static func encode(_ m: Manifest) -> [UInt8]? {
        guard m.schema1 == nil, !m.format.isSchema1, let format = ManifestFormat.allCases.firstIndex(of: m.format) else { return nil }
        var w = FactsWriter()
        w.u8(UInt8(format))
        w.i64(Int64(m.schemaVersion))
        w.optionalString(m.declaredMediaType)
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
            let schemaVersion = try r.i64()
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
        optionalString(d.mediaType)
        string(d.digestText)
        optional(d.size) { $0.i64($1) }
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
            mediaType: try mediaType(), digestText: try string(),
            size: try optional { (r) throws(Malformed) in try r.i64() },
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

    /// A media type, sharing the parser's constants for the common ones (as `JSONDocument.mediaType` does).
    mutating func mediaType() throws(Malformed) -> String? {
        guard let text = try optional({ (r) throws(Malformed) in try r.raw(Int(try r.u32())) }) else { return nil }
        let known = JSONDocument.commonMediaTypes
        if let i = known.utf8.firstIndex(where: { $0.elementsEqual(text) }) { return known.strings[i] }
        return String(decoding: text, as: UTF8.self)
    }
}
