import RegistryStorage

// JSON as Go writes it, for the demo's documents: struct-like objects keep the order given, map-like ones sort as
// Go's map encoding does, and descriptors come in the two field orders real tools write.

typealias J = JSONValue

func str(_ s: String) -> J { .string(s) }
func num(_ n: Int) -> J { .number(String(n)) }
func strings(_ xs: [String]) -> J { .array(xs.map { J.string($0) }) }
/// Struct order (the order given).
func obj(_ pairs: [(String, J)]) -> J { .goStruct(pairs) }
/// Map order (sorted keys), as Go writes `map[string]...`.
func map(_ pairs: [(String, J)]) -> J { .goMap(pairs) }
func compact(_ v: J) -> [UInt8] { GoJSONWriter.marshal(v) }
func indented(_ v: J, _ indent: String) -> [UInt8] { GoJSONWriter.marshalIndent(v, prefix: "", indent: indent) }

/// A blob as a descriptor sees it.
struct Described {
    var mediaType: String
    var digest: Digest
    var size: Int
}

/// docker/distribution and go-containerregistry write `mediaType, size, digest`; the OCI image-spec Go types (buildkit,
/// oras, notation) write `mediaType, digest, size`.
enum Dialect { case docker, oci }

func descriptor(
    _ d: Described, _ dialect: Dialect, annotations: [(String, String)] = [], platform: J? = nil, artifactType: String? = nil
) -> J {
    var f: [(String, J)] = [("mediaType", str(d.mediaType))]
    switch dialect {
    case .docker: f += [("size", num(d.size)), ("digest", str(d.digest.description))]
    case .oci: f += [("digest", str(d.digest.description)), ("size", num(d.size))]
    }
    if !annotations.isEmpty { f.append(("annotations", map(annotations.map { ($0.0, str($0.1)) }))) }
    if let platform { f.append(("platform", platform)) }
    if let artifactType { f.append(("artifactType", str(artifactType))) }
    return obj(f)
}
