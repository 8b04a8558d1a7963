import Crypto
import Foundation
import Testing
@testable import RegistryStorage

/// The flat listing a scan of an S3 store answers from (`S3ListingSnapshot`): folder listings and walks as the live
/// driver gives them, and a tag link's content only when its ETag proves it.
@Suite struct S3ListingSnapshotTests {
    static let root = StoragePath(trusted: ["repositories"])

    static func path(_ s: String) -> StoragePath { StoragePath(trusted: s.split(separator: "/").map(String.init)) }

    static func md5(_ text: String) -> String {
        "\"" + Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined() + "\""
    }

    @Test func listsAndWalksLikeTheLiveDriver() throws {
        var s = S3ListingSnapshot(root: Self.root)
        s.add(Self.path("repositories/team/app/_layers/sha256/aa/link"), .init(size: 71))
        s.add(Self.path("repositories/team/app/_manifests/revisions/sha256/bb/link"), .init(size: 71))
        s.add(Self.path("repositories/team/tool/_uploads/u1"), nil)  // a folder marker
        s.add(Self.path("repositories/odd"), .init(size: 3))  // a file and a folder under one name
        s.add(Self.path("repositories/odd/_layers/x"), .init(size: 1))
        #expect(try s.list(Self.root).map { "\($0.name) \($0.kind)" } == ["odd file", "odd directory", "team directory"])
        #expect(try s.list(Self.path("repositories/team")).map(\.name) == ["app", "tool"])
        #expect(try s.list(Self.path("repositories/team/tool/_uploads")).map(\.name) == ["u1"])
        #expect(throws: DriverError.self) { try s.list(Self.path("repositories/none")) }
        #expect(throws: DriverError.self) { try s.list(Self.path("repositories/team/tool/_uploads/u1")) }
        #expect(try s.walk(Self.path("repositories/team/app")).map(\.path.description) == [
            "repositories/team/app/_layers/sha256/aa/link", "repositories/team/app/_manifests/revisions/sha256/bb/link",
        ])
        #expect(s.covers(Self.path("repositories/team")) && !s.covers(Self.path("blobs/sha256")))
    }

    @Test func aTagLinkIsKnownOnlyWhenItsETagIsTheMD5OfADigestInItsHistory() {
        let current = Digest.sha256(of: Array("current".utf8))
        let older = Digest.sha256(of: Array("older".utf8))
        let elsewhere = Digest.sha256(of: Array("elsewhere".utf8))
        let tags = "repositories/app/_manifests/tags"
        var s = S3ListingSnapshot(root: Self.root)
        for (tag, etag) in [
            ("good", Self.md5(current.description)), ("multipart", "\"0123456789abcdef0123456789abcdef-2\""),
            ("garbage", Self.md5("sha256:" + String(repeating: "0", count: 64))), ("foreign", Self.md5(elsewhere.description)),
        ] {
            s.add(Self.path("\(tags)/\(tag)/current/link"), .init(size: 71, etag: etag))
            for d in [current, older] { s.add(Self.path("\(tags)/\(tag)/index/sha256/\(d.hex)/link"), .init(size: 71)) }
        }
        // The digest is right but the object is larger than `sha256:<hex>`: not provable.
        s.add(Self.path("\(tags)/padded/current/link"), .init(size: 72, etag: Self.md5(current.description)))
        s.add(Self.path("\(tags)/padded/index/sha256/\(current.hex)/link"), .init(size: 71))
        #expect(s.tagLinkContent(Self.path("\(tags)/good/current/link")) == Array(current.description.utf8))
        for tag in ["multipart", "garbage", "foreign", "padded", "missing"] {
            #expect(s.tagLinkContent(Self.path("\(tags)/\(tag)/current/link")) == nil, "\(tag)")
        }
        // Only tag links: other files with a matching ETag are still read.
        s.add(Self.path("repositories/app/_layers/sha256/\(current.hex)/link"), .init(size: 71, etag: Self.md5(current.description)))
        #expect(s.tagLinkContent(Self.path("repositories/app/_layers/sha256/\(current.hex)/link")) == nil)
    }
}
