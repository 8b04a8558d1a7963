/// The cosign "simple signing" payload a `.sig` layer carries (storage-format §9).
public struct SimpleSigningPayload: Sendable, Equatable {
    /// `critical.image.docker-manifest-digest`: the manifest this signature is about.
    public var dockerManifestDigest: Digest
    /// `critical.type`, normally `cosign container image signature`.
    public var type: String
    /// `critical.identity.docker-reference`, when present.
    public var dockerReference: String?
    /// String-valued members of `optional` (annotations given at signing time).
    public var optional: [String: String]

    public var isCosignImageSignature: Bool { type == CosignVerifier.simpleSigningType }
}
