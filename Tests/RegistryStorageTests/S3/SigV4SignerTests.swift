import Crypto
import Foundation
import Testing

@testable import RegistryStorage

/// AWS's published examples ("Signature Calculations for the Authorization Header", Amazon S3 API reference).
@Suite struct SigV4SignerTests {
    static let signer = SigV4Signer(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1")
    /// 2013-05-24T00:00:00Z
    static let date = Date(timeIntervalSince1970: 1_369_353_600)
    static let host = "examplebucket.s3.amazonaws.com"
    static let empty = SigV4Signer.emptyPayloadHash

    @Test func getObjectWithRange() {
        let signed = Self.signer.sign(
            method: "GET", encodedPath: "/test.txt", query: [], headers: ["Host": Self.host, "Range": "bytes=0-9"],
            payloadHash: Self.empty, date: Self.date)
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(signed.headers["x-amz-date"] == "20130524T000000Z")
        #expect(signed.headers["x-amz-content-sha256"] == Self.empty)
        #expect(signed.headers["Authorization"] == signed.authorization)
    }

    @Test func putObjectWithAnEncodedKey() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let payload = SigV4Signer.sha256Hex(body)
        #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let path = SigV4Signer.encodePath("/test$file.text")
        #expect(path == "/test%24file.text")
        let signed = Self.signer.sign(
            method: "PUT", encodedPath: path, query: [],
            headers: [
                "Host": Self.host, "Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY",
            ],
            payloadHash: payload, date: Self.date)
        #expect(
            SigV4Signer.sha256Hex(Array(signed.canonicalRequest.utf8))
                == "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d")
        #expect(signed.authorization.contains("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"))
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleHasAnEmptyQueryValue() {
        let signed = Self.signer.sign(
            method: "GET", encodedPath: "/", query: [("lifecycle", "")], headers: ["Host": Self.host],
            payloadHash: Self.empty, date: Self.date)
        #expect(signed.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "lifecycle=")
        #expect(
            SigV4Signer.sha256Hex(Array(signed.canonicalRequest.utf8))
                == "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca")
        #expect(signed.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsSortsTheQuery() {
        // Given out of order on purpose: the canonical query is sorted.
        let signed = Self.signer.sign(
            method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: ["Host": Self.host],
            payloadHash: Self.empty, date: Self.date)
        #expect(
            SigV4Signer.sha256Hex(Array(signed.canonicalRequest.utf8))
                == "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7")
        #expect(signed.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    /// The signing-key example of the AWS general reference (IAM, 2015-08-30).
    @Test func signingKeyDerivation() {
        let key = SigV4Signer.signingKey(
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", day: "20150830", region: "us-east-1", service: "iam")
        let hex = key.withUnsafeBytes { SigV4Signer.hex($0) }
        #expect(hex == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test func continuationTokensAreEncodedUnreservedOnly() {
        let query = SigV4Signer.canonicalQuery([
            ("list-type", "2"), ("continuation-token", "1a+b/c=d=="), ("prefix", "docker/registry/v2/"),
            ("delimiter", "/"),
        ])
        #expect(
            query
                == "continuation-token=1a%2Bb%2Fc%3Dd%3D%3D&delimiter=%2F&list-type=2&prefix=docker%2Fregistry%2Fv2%2F")
        #expect(SigV4Signer.uriEncode("A-Z_a.z~0 9", keepSlash: false) == "A-Z_a.z~0%209")
        #expect(SigV4Signer.uriEncode("*'()!", keepSlash: false) == "%2A%27%28%29%21")
    }

    @Test func queryPairsSortByEncodedNameThenValue() {
        #expect(SigV4Signer.canonicalQuery([("b", "2"), ("a", "z"), ("a", "y"), ("A", "1")]) == "A=1&a=y&a=z&b=2")
    }

    @Test func keysWithSpacesAndUnicodeKeepTheirSlashes() {
        #expect(SigV4Signer.encodePath("/my bucket/ä ö/x+y/") == "/my%20bucket/%C3%A4%20%C3%B6/x%2By/")
        #expect(SigV4Signer.encodePath("a//b") == "a//b")
        #expect(SigV4Signer.encodePath("日本") == "%E6%97%A5%E6%9C%AC")
    }

    /// Each byte outside `A-Z a-z 0-9 - . _ ~` becomes `%XX` once, per UTF-8 byte; `/` separates segments.
    @Test func pathSegmentsAreEncodedExactlyOnce() {
        #expect(SigV4Signer.encodePath("a/%41/%") == "a/%2541/%25", "`%` is data, never an escape")
        #expect(SigV4Signer.encodePath(SigV4Signer.encodePath("a b")) == "a%2520b", "encoding twice shows")
        #expect(SigV4Signer.encodePath("x+y z") == "x%2By%20z")
        #expect(SigV4Signer.encodePath("\u{1}/\u{7F}/\u{85}/\t") == "%01/%7F/%C2%85/%09")
        #expect(SigV4Signer.encodePath("é~-_.Az9") == "%C3%A9~-_.Az9")
        // Dots are unreserved, so dot segments stay as they are: S3Location.url refuses to send them.
        #expect(SigV4Signer.encodePath("a/./b/../c/.d/..e") == "a/./b/../c/.d/..e")
    }

    @Test func sessionTokenIsSigned() {
        var signer = Self.signer
        signer.sessionToken = "token/with+chars="
        let signed = signer.sign(
            method: "GET", encodedPath: "/k", query: [], headers: ["host": Self.host],
            payloadHash: SigV4Signer.unsignedPayload, date: Self.date)
        #expect(signed.headers["x-amz-security-token"] == "token/with+chars=")
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
        #expect(signed.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
    }

    @Test func headerValuesAreTrimmedAndSpacesCollapsed() {
        let signed = Self.signer.sign(
            method: "GET", encodedPath: "/", query: [], headers: ["Host": Self.host, "X-Custom": "  a   b  c "],
            payloadHash: Self.empty, date: Self.date)
        #expect(signed.canonicalRequest.contains("\nx-custom:a b c\n"))
    }

    @Test func amzDateIsUTC() {
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 1_709_251_199)) == "20240229T235959Z")
    }
}
