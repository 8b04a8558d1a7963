import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough structure for S3's small, flat answers.
struct XMLNode: Sendable, Equatable {
    var name: String
    var text: String = ""
    var children: [XMLNode] = []

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    func value(_ name: String) -> String? { child(name)?.text }

    /// Parses a document; nil when it is not well-formed XML.
    static func parse(_ bytes: [UInt8]) -> XMLNode? {
        guard !bytes.isEmpty else { return nil }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(XMLNode(name: elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !stack.isEmpty { stack[stack.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if !stack.isEmpty { stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let done = stack.popLast() else { return }
        if stack.isEmpty {
            root = done
        } else {
            stack[stack.count - 1].children.append(done)
        }
    }
}

/// One page of a ListObjectsV2 answer, keys already decoded.
struct ListObjectsPage: Sendable, Equatable {
    struct Object: Sendable, Equatable {
        var key: String
        var size: Int64
        var lastModified: String?
        /// Quotes kept as S3 sends them (`"<md5 hex>"` for a single-part upload without SSE-KMS).
        var etag: String? = nil
    }

    var objects: [Object] = []
    var commonPrefixes: [String] = []
    var isTruncated = false
    var nextContinuationToken: String?

    /// Nil when the body is not a `ListBucketResult`.
    static func parse(_ bytes: [UInt8]) -> ListObjectsPage? {
        guard let root = XMLNode.parse(bytes), root.name == "ListBucketResult" else { return nil }
        let urlEncoded = root.value("EncodingType")?.lowercased() == "url"
        func decode(_ s: String) -> String? { urlEncoded ? S3URLDecoding.decode(s) : s }
        var page = ListObjectsPage()
        for item in root.all("Contents") {
            // A key that cannot be decoded is reported as one that cannot be a path (never guessed at).
            let raw = item.value("Key") ?? ""
            let key = decode(raw) ?? S3URLDecoding.undecodableMarker(raw)
            page.objects.append(
                Object(
                    key: key, size: Int64(item.value("Size") ?? "") ?? -1, lastModified: item.value("LastModified"),
                    etag: item.value("ETag")))
        }
        for prefix in root.all("CommonPrefixes") {
            let raw = prefix.value("Prefix") ?? ""
            page.commonPrefixes.append(decode(raw) ?? S3URLDecoding.undecodableMarker(raw))
        }
        page.isTruncated = root.value("IsTruncated")?.lowercased() == "true"
        page.nextContinuationToken = root.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        return page
    }
}

/// An S3 `<Error>` document.
struct S3ErrorBody: Sendable, Equatable {
    var code: String
    var message: String
    var bucketName: String?

    static func parse(_ bytes: [UInt8]) -> S3ErrorBody? {
        guard let root = XMLNode.parse(bytes) else { return nil }
        // Some servers wrap it: <ErrorResponse><Error>...</Error></ErrorResponse> (IAM-style).
        guard let error = root.name == "Error" ? root : root.child("Error") else { return nil }
        return S3ErrorBody(
            code: error.value("Code") ?? "", message: error.value("Message") ?? "", bucketName: error.value("BucketName"))
    }
}

/// The per-key failures in a DeleteObjects answer (quiet mode lists only those).
struct DeleteObjectsResult: Sendable, Equatable {
    struct Failure: Sendable, Equatable {
        var key: String
        var code: String
        var message: String
    }

    var deleted: [String] = []
    var errors: [Failure] = []

    static func parse(_ bytes: [UInt8]) -> DeleteObjectsResult? {
        guard let root = XMLNode.parse(bytes), root.name == "DeleteResult" else { return nil }
        var result = DeleteObjectsResult()
        result.deleted = root.all("Deleted").compactMap { $0.value("Key") }
        result.errors = root.all("Error").map {
            Failure(key: $0.value("Key") ?? "", code: $0.value("Code") ?? "", message: $0.value("Message") ?? "")
        }
        return result
    }

    /// The request body: `<Delete><Quiet>true</Quiet><Object><Key>…</Key></Object>…</Delete>`.
    static func requestBody(keys: [String]) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
        xml += "<Quiet>true</Quiet>"
        for key in keys { xml += "<Object><Key>\(S3URLDecoding.xmlEscaped(key))</Key></Object>" }
        xml += "</Delete>"
        return Array(xml.utf8)
    }
}

enum S3URLDecoding {
    /// `encoding-type=url` values: percent-encoded UTF-8, with `+` for a space (S3 form-encodes).
    static func decode(_ s: String) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Stands for a listed key that did not decode: a NUL (which no store path holds) and the key as listed, so
    /// it can still be shown.
    static func undecodableMarker(_ raw: String) -> String { "\u{0}" + raw }

    static func isUndecodableMarker(_ key: String) -> Bool { key.utf8.first == 0 }

    static func xmlEscaped(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// XML 1.0 cannot carry these characters at all (not even as references).
    static func isXMLRepresentable(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { v in
            v == "\t" || v == "\n" || v == "\r" || (v.value >= 0x20 && v.value <= 0xD7FF)
                || (v.value >= 0xE000 && v.value <= 0xFFFD) || v.value >= 0x10000
        }
    }
}
