public enum S3Regions {
    /// The regions registry 2.8.2 (Debian's 2.8.2+ds1 build) accepts without a `regionendpoint`: every region of the
    /// default partitions of the aws-sdk-go it was built with. Checked against the binary: ap-south-2, eu-central-2,
    /// eu-south-2, il-central-1 and ca-west-1 are refused ("invalid region provided").
    public static let registryKnown: Set<String> = [
        "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
        "ap-southeast-2", "ap-southeast-3", "ca-central-1", "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-north-1",
        "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-central-1", "me-south-1", "sa-east-1", "us-east-1",
        "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-west-1",
        "us-west-2",
    ]

    /// Safe to put in a host name and a signature scope.
    public static func isWellFormed(_ region: String) -> Bool {
        !region.isEmpty && region.count <= 64
            && region.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}
