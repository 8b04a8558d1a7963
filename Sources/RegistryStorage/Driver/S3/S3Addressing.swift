/// How bucket and key go into the request URL.
public enum S3Addressing: Sendable, Equatable {
    /// `https://endpoint/BUCKET/KEY`
    case pathStyle
    /// `https://BUCKET.endpoint/KEY`
    case virtualHosted
}
