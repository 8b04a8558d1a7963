import Crypto
import Foundation
import Testing
@testable import RegistryStorage

@Suite struct JSONValueTests {
    static func parse(_ text: String) throws(JSONDocument.SyntaxError) -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    static func syntaxError(_ bytes: [UInt8]) -> JSONDocument.SyntaxError? {
        do {
            _ = try JSONDocument.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    static func syntaxError(_ text: String) -> JSONDocument.SyntaxError? { syntaxError(Array(text.utf8)) }

    static func manifestError(_ text: String) -> ManifestParseError? {
        if case .failure(let e) = ManifestParser.parse(Array(text.utf8)) { return e }
        return nil
    }

    // MARK: valid documents

    @Test func scalarsAtTheTop() throws {
        #expect(try Self.parse("null") == .null)
        #expect(try Self.parse("true") == .bool(true))
        #expect(try Self.parse(" false ") == .bool(false))
        #expect(try Self.parse("-12.5e+3") == .number("-12.5e+3"))
        #expect(try Self.parse("0") == .number("0"))
        #expect(try Self.parse("\"x\"") == .string("x"))
        #expect(try Self.parse("\"\"") == .string(""))
    }

    @Test func containersInDocumentOrder() throws {
        let v = try Self.parse(#"{"b":[1,{"c":null},[],{}],"a":"x","e":{"f":[true,false]}}"#)
        #expect(
            v == .object([
                .init(key: "b", value: .array([.number("1"), .object([.init(key: "c", value: .null)]), .array([]), .object([])])),
                .init(key: "a", value: .string("x")),
                .init(key: "e", value: .object([.init(key: "f", value: .array([.bool(true), .bool(false)]))])),
            ]))
        #expect(v["a"] == .string("x"))
        #expect(v["missing"] == nil)
        #expect(try Self.parse("[]") == .array([]))
        #expect(try Self.parse("{}") == .object([]))
        #expect(try Self.parse("[[[]]]") == .array([.array([.array([])])]))
    }

    @Test func whitespaceVariants() throws {
        let expected = try Self.parse(#"{"a":[1,2],"b":{}}"#)
        for text in [
            " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n",
            "{\n\t\"a\":\r\n[1,\n2],\"b\"\t:{\r}}",
            "\n\n\n{\"a\":[1,2],\"b\":{}}\r\n\r\n",
        ] {
            #expect(try Self.parse(text) == expected)
        }
        // Only the four RFC 8259 whitespace bytes count.
        for space in ["\u{0B}", "\u{0C}", "\u{A0}", "\u{2028}", "\u{00}"] {
            #expect(Self.syntaxError("[1,\(space)2]") != nil, "\(Array(space.utf8))")
            #expect(Self.syntaxError("[1]\(space)") != nil, "\(Array(space.utf8))")
        }
    }

    @Test func tapeCountsAndSkips() throws {
        let d = try JSONDocument.parse(Array(#"{"a":[1,[2,3],{"x":4}],"b":5}"#.utf8))
        #expect(d.kind(d.root) == .object)
        #expect(d.count(d.root) == 2)
        let a = try #require(d.member(d.root, "a"))
        #expect(d.count(a) == 3)
        #expect(Array(d.elements(a)).map { d.kind($0) } == [.number, .array, .object])
        #expect(d.member(d.root, "b").map { d.integer($0) } == .value(5))
        #expect(d.next(d.root) == d.nodes.count)
    }

    // MARK: strings

    @Test func stringEscapes() throws {
        #expect(try Self.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try Self.parse(#""\u0041\u00e9\u00E9\u65e5\u0000""#) == .string("Aéé日\u{0}"))
        #expect(try Self.parse(#""a\u0022b""#) == .string("a\"b"))
        // Surrogate pairs, upper or lower case hex.
        #expect(try Self.parse(#""\ud83d\udc33\uD83D\uDE00""#) == .string("🐳😀"))
        #expect(try Self.parse(#""\udbff\udfff""#) == .string("\u{10FFFF}"))
    }

    @Test func loneSurrogatesReadAsReplacementCharacterLikeGo() throws {
        #expect(try Self.parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try Self.parse(#""\ude00x""#) == .string("\u{FFFD}x"))
        #expect(try Self.parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
        // A high surrogate followed by something other than a low one: both escapes read on their own.
        #expect(try Self.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try Self.parse(#""\ud800\ud83d\udc33""#) == .string("\u{FFFD}🐳"))
        #expect(try Self.parse(#""\udc33\ud83d""#) == .string("\u{FFFD}\u{FFFD}"))
        #expect(try Self.parse(#""\ud83d\n""#) == .string("\u{FFFD}\n"))
    }

    @Test func utf8PassesThrough() throws {
        let text = "é ß 日本 🐳 \u{10FFFF} \u{FEFF} \u{7F} \u{2028}"
        #expect(try Self.parse("\"\(text)\"") == .string(text))
        #expect(try Self.parse("{\"\(text)\":\"\(text)\"}")[text] == .string(text))
        // Long strings take the eight-bytes-at-a-time path; escapes and UTF-8 at every alignment.
        for shift in 0..<9 {
            let pad = String(repeating: "a", count: shift)
            let long = pad + String(repeating: "0123456789abcdef", count: 5) + "é\\n\\u00e9" + pad + "🐳" + String(repeating: "z", count: 17)
            let expected = pad + String(repeating: "0123456789abcdef", count: 5) + "é\né" + pad + "🐳" + String(repeating: "z", count: 17)
            #expect(try Self.parse("\"\(long)\"") == .string(expected))
        }
    }

    @Test func invalidUTF8IsRejected() {
        let cases: [[UInt8]] = [
            [0x80],  // lone continuation byte
            [0xC3],  // truncated
            [0xC3, 0x28],  // bad continuation
            [0xC0, 0x80], [0xC1, 0xBF],  // overlong two-byte
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],  // overlong three-byte
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // UTF-16 surrogates encoded directly
            [0xF0, 0x8F, 0xBF, 0xBF],  // overlong four-byte
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE],
            [0xE6, 0x97],  // truncated three-byte
            [0xF0, 0x9F, 0x90],  // truncated four-byte
        ]
        for bad in cases {
            let error = Self.syntaxError(Array("[\"ok".utf8) + bad + Array("\"]".utf8))
            #expect(error?.message.contains("UTF-8") == true, "\(bad)")
            #expect(error?.offset == 4, "\(bad)")
            // Also in a key, in an ignored field, and past an eight-byte run.
            #expect(Self.syntaxError(Array("{\"".utf8) + bad + Array("\":1}".utf8)) != nil, "\(bad)")
            #expect(Self.syntaxError(Array("{\"x\":\"12345678901234567".utf8) + bad + Array("\",\"schemaVersion\":2}".utf8)) != nil, "\(bad)")
        }
        // Outside strings a non-ASCII byte is just an unexpected character.
        #expect(Self.syntaxError([0x5B, 0xC3, 0xA9, 0x5D])?.offset == 1)
    }

    @Test func controlCharactersInStringsAreRejected() {
        for b in UInt8(0)..<0x20 {
            let error = Self.syntaxError(Array("[\"a".utf8) + [b] + Array("b\"]".utf8))
            #expect(error?.message.contains("control character") == true, "\(b)")
            #expect(error?.offset == 3)
        }
        #expect(Self.syntaxError("\"a\tb\"")?.description == "control character 0x09 in string (must be escaped) at byte offset 2")
        // Also where the scanner reads eight bytes at a time, at every position in the word.
        for b: UInt8 in [0x00, 0x01, 0x0A, 0x1F] {
            for at in 0..<24 {
                var text = Array("\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 40) + Array("\"".utf8)
                text[1 + at] = b
                #expect(Self.syntaxError(text)?.offset == 1 + at, "\(b) at \(at)")
                text[1 + at] = UInt8(ascii: "\"")
                #expect(Self.syntaxError(text)?.offset == 2 + at, "quote at \(at)")
                text[1 + at] = UInt8(ascii: "\\")
                text[2 + at] = UInt8(ascii: "n")
                #expect(Self.syntaxError(text) == nil, "escape at \(at)")
            }
        }
    }

    @Test func invalidEscapesAreRejected() {
        for bad in [#""\x""#, #""\U0041""#, #""\u12""#, #""\u12G4""#, #""\'""#, #""\a""#, #""\0""#, #""\ ""#, "\"\\", "\"\\u00"] {
            #expect(Self.syntaxError(bad) != nil, "\(bad)")
        }
        #expect(Self.syntaxError(#"["ab\x"]"#)?.description == "invalid escape: 'x' after a backslash at byte offset 4")
        #expect(Self.syntaxError(#"["\u12G4"]"#)?.description == "invalid \\u escape: expected four hex digits at byte offset 2")
    }

    // MARK: numbers

    @Test func numberSyntax() throws {
        for good in ["0", "-0", "1", "-1", "10", "0.5", "-0.0", "1e5", "1E5", "1e+5", "1e-5", "1.25E-10", "123456789012345678901234567890", "1e400"] {
            #expect(try Self.parse(good) == .number(good), "\(good)")
            #expect(try Self.parse("[\(good)]") == .array([.number(good)]), "\(good)")
        }
        for bad in ["01", "-01", "00", "-", "+1", ".5", "1.", "1.e5", "1e", "1e+", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1_000", "1.5.5"] {
            #expect(Self.syntaxError(bad) != nil, "\(bad)")
            #expect(Self.syntaxError("{\"a\":\(bad)}") != nil, "\(bad)")
        }
        #expect(Self.syntaxError("[01]")?.description == "invalid number: leading zero at byte offset 1")
        #expect(Self.syntaxError("[1.]")?.description == "invalid number: expected a digit after '.', found ']' at byte offset 3")
    }

    @Test func integersAreExact() throws {
        func integer(_ text: String) throws -> JSONDocument.IntegerValue {
            let d = try JSONDocument.parse(Array(text.utf8))
            return d.integer(d.root)
        }
        #expect(try integer("0") == .value(0))
        #expect(try integer("-0") == .value(0))
        #expect(try integer("42") == .value(42))
        #expect(try integer("-42") == .value(-42))
        #expect(try integer("999999999999999999") == .value(999_999_999_999_999_999))
        #expect(try integer("9223372036854775807") == .value(.max))
        #expect(try integer("-9223372036854775808") == .value(.min))
        #expect(try integer("9223372036854775808") == .outOfRange)
        #expect(try integer("-9223372036854775809") == .outOfRange)
        #expect(try integer("18446744073709551616") == .outOfRange)
        #expect(try integer("123456789012345678901234567890") == .outOfRange)
        #expect(try integer("1e400") == .outOfRange)
        #expect(try integer("-1e19") == .outOfRange)
        // Integral values in other spellings are integers, as JSONDecoder reads them.
        #expect(try integer("2.0") == .value(2))
        #expect(try integer("1e2") == .value(100))
        #expect(try integer("1E+2") == .value(100))
        #expect(try integer("100e-2") == .value(1))
        #expect(try integer("0.0001e4") == .value(1))
        #expect(try integer("1.5e1") == .value(15))
        #expect(try integer("-0.0e-7") == .value(0))
        #expect(try integer("9.223372036854775807e18") == .value(.max))
        #expect(try integer("1e18") == .value(1_000_000_000_000_000_000))
        #expect(try integer("0e999999999999999999999") == .value(0))
        #expect(try integer("2.5") == .notInteger)
        #expect(try integer("1e-2") == .notInteger)
        #expect(try integer("1.0000000000000000000001") == .notInteger)
        #expect(try integer("1e-999999999999999999999") == .notInteger)
        let d = try JSONDocument.parse(Array("[1.5e3, -2.25, 1e400]".utf8))
        #expect(Array(d.elements(d.root)).map { d.double($0) } == [1500, -2.25, .infinity])
    }

    // MARK: structure

    @Test func malformedStructureIsRejectedWithOffsets() {
        let cases: [(String, String)] = [
            ("", "unexpected end of input, expected a JSON value at byte offset 0"),
            ("   ", "unexpected end of input, expected a JSON value at byte offset 3"),
            ("{\"a\":1,}", "expected a string as object key, found '}' at byte offset 7"),
            ("[1,]", "expected a JSON value, found ']' at byte offset 3"),
            ("[1 2]", "expected ',' or ']' after an array element, found '2' at byte offset 3"),
            ("{\"a\" 1}", "expected ':' after an object key, found '1' at byte offset 5"),
            ("{\"a\":1 \"b\":2}", "expected ',' or '}' after an object member, found '\"' at byte offset 7"),
            ("{a:1}", "expected a string as object key, found 'a' at byte offset 1"),
            ("{'a':1}", "expected a string as object key, found ''' at byte offset 1"),
            ("{\"a\":1} x", "unexpected 'x' after the JSON value at byte offset 8"),
            ("{}{}", "unexpected '{' after the JSON value at byte offset 2"),
            ("{\"a\":1}\u{0}", "unexpected byte 0x00 after the JSON value at byte offset 7"),
            ("{\"a\":[1,2", "unexpected end of input inside an array at byte offset 9"),
            ("{\"a\":", "unexpected end of input inside an object at byte offset 5"),
            ("{\"a\"", "expected ':' after an object key, found end of input at byte offset 4"),
            ("[\"abc", "unterminated string at byte offset 1"),
            ("tru", "invalid literal, expected true at byte offset 0"),
            ("[nul]", "invalid literal, expected null at byte offset 1"),
            ("True", "expected a JSON value, found 'T' at byte offset 0"),
            ("]", "expected a JSON value, found ']' at byte offset 0"),
            ("\u{FEFF}{}", "byte order mark before the JSON value at byte offset 0"),
            ("[,1]", "expected a JSON value, found ',' at byte offset 1"),
            ("{,}", "expected a string as object key, found ',' at byte offset 1"),
            ("{\"a\":1,,\"b\":2}", "expected a string as object key, found ',' at byte offset 7"),
        ]
        for (text, message) in cases {
            #expect(Self.syntaxError(text)?.description == message, "\(text)")
        }
        #expect(Self.syntaxError("truex") != nil)
        #expect(Self.syntaxError("nullnull") != nil)
        #expect(Self.syntaxError("[true false]") != nil)
    }

    @Test func duplicateKeysAreKeptAndTheLastWins() throws {
        let v = try Self.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(v == .object([.init(key: "a", value: .number("1")), .init(key: "b", value: .number("2")), .init(key: "a", value: .number("3"))]))
        #expect(v["a"] == .number("3"))
        let d = try JSONDocument.parse(Array(#"{"a":1,"a":{"x":[1]},"a":null}"#.utf8))
        #expect(d.member(d.root, "a").map { d.kind($0) } == .null)
        // An escaped key is the same key.
        #expect(try Self.parse(#"{"ab":1,"\u0061b":2}"#)["ab"] == .number("2"))
    }

    // MARK: depth

    @Test func nestingIsLimited() throws {
        func nested(_ depth: Int, _ open: String = "[", _ close: String = "]") -> [UInt8] {
            Array((String(repeating: open, count: depth) + String(repeating: close, count: depth)).utf8)
        }
        #expect(throws: Never.self) { try JSONDocument.parse(nested(JSONShape.maxDepth)) }
        #expect(Self.syntaxError(nested(JSONShape.maxDepth + 1))?.isTooDeep == true)
        #expect(Self.syntaxError(nested(JSONShape.maxDepth + 1))?.offset == JSONShape.maxDepth)
        // Objects count as well as arrays.
        let objects = Array((String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)).utf8)
        #expect(Self.syntaxError(objects)?.isTooDeep == true)
        let sixtyFour = Array((String(repeating: #"{"a":["#, count: 32) + String(repeating: "]}", count: 32)).utf8)
        #expect(throws: Never.self) { try JSONDocument.parse(sixtyFour) }
        // Hostile depth fails cleanly, wherever it is and whether or not it is closed.
        for hostile in [nested(100_000), Array(String(repeating: "[", count: 100_000).utf8), nested(100_000, #"{"a":"#, "}")] {
            #expect(Self.syntaxError(hostile)?.isTooDeep == true)
        }
        #expect(throws: Never.self) { try JSONDocument.parse(nested(200), maxDepth: 512) }
        // The parsers report it as the nesting error.
        let deepManifest = Array(#"{"schemaVersion":2,"x":"#.utf8) + nested(100_000) + Array("}".utf8)
        #expect(ManifestParser.parse(deepManifest).failure == .nestedTooDeeply)
        #expect(ManifestParser.parse(nested(100_000)).failure == .nestedTooDeeply)
        #expect(ImageConfig.parse(nested(100_000, #"{"a":"#, "}")).failure == .nestedTooDeeply)
        #expect(ManifestParser.parse(Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","x":"#.utf8) + nested(63) + Array("}".utf8)).failure == nil)
    }

    // MARK: manifests and configs

    @Test func manifestFieldTypesAreChecked() {
        let base = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","#
        let cases: [(String, String)] = [
            (#""config":{"size":"12"}}"#, "config.size: expected an integer, found a string at byte offset 93"),
            (#""config":{"size":1e400}}"#, "config.size: expected a 64-bit integer, found 1e400 at byte offset 93"),
            (#""config":{"size":2.5}}"#, "config.size: expected an integer, found 2.5 at byte offset 93"),
            (#""config":[]}"#, "config: expected an object, found an array at byte offset 85"),
            (#""layers":[{"digest":"a"},null]}"#, "layers[1]: expected an object, found null at byte offset 101"),
            (#""layers":{}}"#, "layers: expected an array, found an object at byte offset 85"),
            (#""annotations":{"a":null}}"#, "annotations.a: expected a string, found null at byte offset 95"),
            (#""annotations":{"a b":1}}"#, #"annotations["a b"]: expected a string, found a number at byte offset 97"#),
            (#""layers":[{"urls":["u",7]}]}"#, "layers[0].urls[1]: expected a string, found a number at byte offset 99"),
            (#""layers":[{"platform":{"os.features":"x"}}]}"#, #"layers[0].platform["os.features"]: expected an array, found a string at byte offset 113"#),
            (#""artifactType":false}"#, "artifactType: expected a string, found a boolean at byte offset 91"),
        ]
        for (tail, message) in cases {
            #expect(Self.manifestError(base + tail) == .invalidJSON(message), "\(tail)")
        }
        #expect(Self.manifestError(#"{"schemaVersion":"2"}"#) == .invalidJSON("schemaVersion: expected an integer, found a string at byte offset 17"))
        #expect(Self.manifestError(#"{"schemaVersion":9223372036854775808}"#) == .invalidJSON("schemaVersion: expected a 64-bit integer, found 9223372036854775808 at byte offset 17"))
        #expect(Self.manifestError("[]") == .invalidJSON("top-level value: expected an object, found an array at byte offset 0"))
        #expect(Self.manifestError(#"{"schemaVersion":1,"signatures":{}}"#) == .invalidJSON("signatures: expected an array, found an object at byte offset 32"))
        #expect(Self.manifestError(#"{"schemaVersion":1,"fsLayers":["x"]}"#) == .invalidJSON("fsLayers[0]: expected an object, found a string at byte offset 31"))
        // Syntax errors name the offset too; user text in messages is escaped.
        #expect(Self.manifestError(#"{"schemaVersion":2,}"#) == .invalidJSON("expected a string as object key, found '}' at byte offset 19"))
        #expect(Self.manifestError("{\"\\u001b[31m\":{\"size\":1},\"config\":{\"size\":true}}") == .invalidJSON("config.size: expected an integer, found a boolean at byte offset 42"))
        #expect(Self.manifestError("{\"annotations\":{\"\\u001b[2J\":1}}") == .invalidJSON(#"annotations["\x1b[2J"]: expected a string, found a number at byte offset 28"#))
    }

    @Test func manifestFieldsReadAsBefore() throws {
        let m = try ManifestParser.parse(Array(#"""
            {"schemaVersion":2.0,"mediaType":null,"unknown":{"deep":[1,{"x":"\ud83d"}]},"annotations":{"k":"v1","k":"v2"},
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:\#(String(repeating: "a", count: 64))","size":1e3,"extra":[]},
             "layers":[{"digest":"x","size":null,"urls":null,"platform":{"architecture":"arm64","os":"linux","os.version":"10","os.features":["f"],"variant":"v8","features":["g"]}}],
             "subject":null,"artifactType":"a/b","mediaType":"application/vnd.oci.image.manifest.v1+json"}
            """#.utf8)).get()
        #expect(m.format == .ociManifest)
        #expect(m.schemaVersion == 2)
        #expect(m.declaredMediaType == MediaType.ociManifest)
        #expect(m.annotations == ["k": "v2"])
        #expect(m.config?.size == 1000)
        #expect(m.config?.digest != nil)
        #expect(m.layers.count == 1)
        #expect(m.layers[0].size == nil)
        #expect(m.layers[0].digest == nil)
        #expect(m.layers[0].digestText == "x")
        var platform = Platform(architecture: "arm64", os: "linux", variant: "v8")
        platform.osVersion = "10"
        platform.osFeatures = ["f"]
        platform.features = ["g"]
        #expect(m.layers[0].platform == platform)
        #expect(m.subject == nil)
        #expect(m.artifactType == "a/b")
        // `manifests: null` is no index; an empty list is.
        #expect(try ManifestParser.parse(Array(#"{"schemaVersion":2,"manifests":null}"#.utf8)).get().format == .ociManifest)
        #expect(try ManifestParser.parse(Array(#"{"schemaVersion":2,"manifests":[]}"#.utf8)).get().format == .ociIndex)
        #expect(Self.manifestError(#"{"schemaVersion":null}"#) == .unknownSchemaVersion(nil))
        #expect(Self.manifestError(#"{"schemaVersion":2.5}"#) == .invalidJSON("schemaVersion: expected an integer, found 2.5 at byte offset 17"))
        // Unsigned schema1 with a null `signatures`: not signed; signatures of any values are counted.
        let s1 = try ManifestParser.parse(Array(#"{"schemaVersion":1,"name":"n","fsLayers":[{"blobSum":"b"},{}],"history":[{"v1Compatibility":null}],"signatures":null}"#.utf8)).get()
        #expect(s1.format == .schema1)
        #expect(s1.schema1?.fsLayers.map(\.digestText) == ["b", ""])
        #expect(s1.schema1?.historyCount == 1)
        #expect(s1.schema1?.config == nil, "an empty top entry is no config")
        #expect(s1.schema1?.name == "n")
        if case .failure(.invalidSchema1(let why)) = ManifestParser.parse(Array(#"{"schemaVersion":1,"signatures":[1,null,{}]}"#.utf8)) {
            #expect(why.hasPrefix("cannot read the signed payload"))
        } else {
            Issue.record("a document with signatures is read as signed")
        }
    }

    @Test func signedSchema1PayloadIsReadFromTheSignature() throws {
        let key = SigningKey.p256(P256.Signing.PrivateKey())
        let document = try SignatureSamples.sign(SignatureSamples.indentedPayload, [key])
        let m = try ManifestParser.parse(document).get()
        #expect(m.format == .schema1Signed)
        #expect(m.schema1?.signedPayload == SignatureSamples.indentedPayload)
        #expect(m.schema1?.signatureCount == 1)
        #expect(m.schema1?.name == "demo/app")
        #expect(m.schema1?.historyCount == 1)
        #expect(m.schema1?.config?.history.count == 1)
        #expect(m.schema1?.config?.architecture == "amd64")
        // The whole document is read before the payload, as JSONDecoder read it.
        let bad = try SignatureSamples.sign(Array("{\n   \"schemaVersion\": 1,\n   \"name\": 7\n}".utf8), [key])
        #expect(ManifestParser.parse(bad).failure == .invalidJSON("name: expected a string, found a number at byte offset 36"))
    }

    @Test func configFieldsReadAsBefore() throws {
        let c = try ImageConfig.parse(Array(#"""
            {"created":"2024-01-01T00:00:00Z","architecture":"amd64","os":"linux","variant":null,
             "config":{"Labels":{"a":"1","b":null,"c":"3","c":"4"},"Env":["X=1"]},
             "history":[{"created":"t","created_by":"sh","comment":"c","empty_layer":true},{"empty_layer":null},{}],
             "rootfs":{"type":"layers","diff_ids":["sha256:1","sha256:2"]}}
            """#.utf8)).get()
        #expect(c.created == "2024-01-01T00:00:00Z")
        #expect(c.architecture == "amd64")
        #expect(c.os == "linux")
        #expect(c.variant == nil)
        #expect(c.labels == ["a": "1", "c": "4"])
        #expect(c.history == [
            .init(created: "t", createdBy: "sh", comment: "c", emptyLayer: true),
            .init(created: nil, createdBy: nil, comment: nil, emptyLayer: false),
            .init(created: nil, createdBy: nil, comment: nil, emptyLayer: false),
        ])
        #expect(c.diffIDs == ["sha256:1", "sha256:2"])
        #expect(try ImageConfig.parse(Array(#"{"config":null,"history":null,"rootfs":null}"#.utf8)).get().labels == [:])
        #expect(ImageConfig.parse(Array(#"{"config":{"Labels":{"a":1}}}"#.utf8)).failure == .invalidJSON("config.Labels.a: expected a string, found a number at byte offset 25"))
        #expect(ImageConfig.parse(Array(#"{"history":[{"empty_layer":"yes"}]}"#.utf8)).failure == .invalidJSON("history[0].empty_layer: expected a boolean, found a string at byte offset 27"))
        #expect(ImageConfig.parse(Array(#"{"rootfs":{"diff_ids":"x"}}"#.utf8)).failure == .invalidJSON("rootfs.diff_ids: expected an array, found a string at byte offset 22"))
        #expect(ImageConfig.parse(Array("\"x\"".utf8)).failure == .invalidJSON("top-level value: expected an object, found a string at byte offset 0"))
    }

    @Test func schema1HistoryReadsEachEntry() throws {
        let config = try #require(ImageConfig.fromSchema1(
            history: [
                #"{"architecture":"","created":"2","container_config":{"Cmd":["/bin/sh","-c","x"]},"throwaway":true}"#,
                #"{"created":"1","comment":"base","throwaway":"no"}"#,
            ],
            architecture: "arm"))
        #expect(config.architecture == "arm")
        #expect(config.created == "2")
        // An entry of the wrong shape is shown empty, as before.
        #expect(config.history == [
            .init(created: nil, createdBy: nil, comment: nil, emptyLayer: false),
            .init(created: "2", createdBy: "/bin/sh -c x", comment: nil, emptyLayer: true),
        ])
    }
}

// MARK: - Against the JSONDecoder reading it replaced

/// Varied manifests and configs, written with random spacing and escaping (and some through
/// JSONSerialization), must read the same as `JSONDecoder` read them.
@Suite struct JSONDifferentialTests {
    /// Deterministic, so a failure names a reproducible seed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    enum Outcome: Equatable {
        case manifest(Manifest)
        case config(ImageConfig)
        /// Messages differ between the readers; that both refuse is what counts.
        case invalidJSON
        case other(ManifestParseError)

        init(_ result: Result<Manifest, ManifestParseError>) {
            switch result {
            case .success(let m): self = .manifest(m)
            case .failure(.invalidJSON): self = .invalidJSON
            case .failure(let e): self = .other(e)
            }
        }

        init(_ result: Result<ImageConfig, ManifestParseError>) {
            switch result {
            case .success(let c): self = .config(c)
            case .failure(.invalidJSON): self = .invalidJSON
            case .failure(let e): self = .other(e)
            }
        }
    }

    // MARK: writing

    static let spaces = ["", "", "", " ", "\n", "\n   ", "\t", "\r\n", "  "]

    static func write(_ value: JSONValue, _ r: inout Random) -> String {
        var out = ""
        write(value, &r, into: &out)
        return out
    }

    static func write(_ value: JSONValue, _ r: inout Random, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): out += escape(s, &r)
        case .array(let items):
            out += "[" + r.pick(spaces)
            for (k, item) in items.enumerated() {
                if k > 0 { out += r.pick(spaces) + "," + r.pick(spaces) }
                write(item, &r, into: &out)
            }
            out += r.pick(spaces) + "]"
        case .object(let members):
            out += "{" + r.pick(spaces)
            for (k, m) in members.enumerated() {
                if k > 0 { out += r.pick(spaces) + "," + r.pick(spaces) }
                out += escape(m.key, &r) + r.pick(spaces) + ":" + r.pick(spaces)
                write(m.value, &r, into: &out)
            }
            out += r.pick(spaces) + "}"
        }
    }

    static func hex4(_ v: UInt32, upper: Bool) -> String {
        let h = String(v, radix: 16, uppercase: upper)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }

    /// Escapes what must be, and a random share of what may be.
    static func escape(_ s: String, _ r: inout Random) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            let v = scalar.value
            let upper = r.chance(50)
            let escapeAnyway = r.chance(15)
            switch v {
            case 0x22: out += escapeAnyway ? hex4(v, upper: upper) : "\\\""
            case 0x5C: out += escapeAnyway ? hex4(v, upper: upper) : "\\\\"
            case 0x2F: out += escapeAnyway ? "\\/" : "/"
            case 0x08: out += escapeAnyway ? hex4(v, upper: upper) : "\\b"
            case 0x0C: out += escapeAnyway ? hex4(v, upper: upper) : "\\f"
            case 0x0A: out += escapeAnyway ? hex4(v, upper: upper) : "\\n"
            case 0x0D: out += escapeAnyway ? hex4(v, upper: upper) : "\\r"
            case 0x09: out += escapeAnyway ? hex4(v, upper: upper) : "\\t"
            case ..<0x20: out += hex4(v, upper: upper)
            case 0x1_0000...:
                if escapeAnyway {
                    let u = v - 0x1_0000
                    out += hex4(0xD800 + (u >> 10), upper: upper) + hex4(0xDC00 + (u & 0x3FF), upper: upper)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            default:
                if escapeAnyway { out += hex4(v, upper: upper) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A JSONSerialization object for the same tree (numbers as Int64 or Double).
    static func foundationObject(_ value: JSONValue) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let b): b
        case .number(let n): Int64(n).map { $0 as Any } ?? Double(n)! as Any
        case .string(let s): s
        case .array(let items): items.map(foundationObject)
        case .object(let members): Dictionary(members.map { ($0.key, foundationObject($0.value)) }, uniquingKeysWith: { $1 })
        }
    }

    // MARK: generating

    static let pieces = [
        "a", "layer", "sha256:", "0123456789abcdef", "é", "ß", "日本", "🐳", "😀", "\u{10FFFF}", "\u{FFFD}", "\u{FEFF}",
        "\u{2028}", "\u{7F}", "\u{0}", "\u{1B}[31m", "\"", "\\", "/", "\n", "\t", "\r", "\u{8}", "\u{C}", "\u{1F}", " ", "{", "}",
        "[", ",", ":", "null", "true", "1e5", "\\u0041", "org.opencontainers.image.title", "e\u{301}",
    ]

    static func text(_ r: inout Random) -> String {
        (0..<r.below(6)).map { _ in r.pick(pieces) }.joined()
    }

    static func digest(_ r: inout Random) -> String {
        if r.chance(10) { return text(&r) }
        return "sha256:" + (0..<64).map { _ in String(r.below(16), radix: 16) }.joined()
    }

    static func integer(_ v: Int64, _ r: inout Random) -> JSONValue {
        // Integral values in other spellings, while a Double still holds them exactly.
        if v.magnitude < 1 << 40, r.chance(15) { return .number(r.chance(50) ? "\(v).0" : "\(v)e0") }
        if v > 0, v % 1000 == 0, v.magnitude < 1 << 40, r.chance(30) { return .number("\(v / 1000)e3") }
        return .number("\(v)")
    }

    static func junk(_ r: inout Random, depth: Int = 0) -> JSONValue {
        switch r.below(depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(r.chance(50))
        case 2: return .number(r.pick(["0", "-1", "3.25", "-0.5e-3", "1E+2", "123456789", "-0"]))
        case 3, 4: return .string(text(&r))
        case 5: return .array((0..<r.below(4)).map { _ in junk(&r, depth: depth + 1) })
        default: return .object((0..<r.below(4)).map { k in .init(key: "x\(k)" + text(&r), value: junk(&r, depth: depth + 1)) })
        }
    }

    /// Members from `fields` in random order, some null, some left out, with unknown ones mixed in.
    static func object(_ fields: [(String, JSONValue)], _ r: inout Random, nulls: Bool = true) -> JSONValue {
        var members = [JSONValue.Member]()
        for (key, value) in fields where r.chance(80) {
            members.append(.init(key: key, value: nulls && r.chance(8) ? .null : value))
        }
        for k in 0..<r.below(3) { members.append(.init(key: "x-unknown\(k)" + text(&r), value: junk(&r))) }
        for k in members.indices.reversed() { members.swapAt(k, r.below(k + 1)) }
        return .object(members)
    }

    /// Now and then a field of the wrong type, which both readers must refuse.
    static func maybeWrong(_ value: JSONValue, _ r: inout Random) -> JSONValue {
        guard r.chance(2) else { return value }
        switch value {
        case .string: return r.pick([.number("1"), .bool(true), .array([]), .object([])])
        case .number: return r.pick([.string("1"), .number("1.5"), .number("99999999999999999999"), .bool(false)])
        case .bool: return r.pick([.string("true"), .number("0")])
        case .array: return r.pick([.object([]), .string("[]")])
        case .object: return r.pick([.array([]), .string("{}"), .number("0")])
        case .null: return .null
        }
    }

    /// `fields`, each now and then of the wrong type (except `keep`).
    static func sometimesWrong(_ fields: [(String, JSONValue)], _ r: inout Random, keep: String = "") -> [(String, JSONValue)] {
        fields.map { ($0.0, $0.0 == keep ? $0.1 : maybeWrong($0.1, &r)) }
    }

    static func strings(_ r: inout Random) -> JSONValue { .array((0..<r.below(3)).map { _ in maybeWrong(.string(text(&r)), &r) }) }

    static func stringMap(_ r: inout Random) -> JSONValue {
        .object((0..<r.below(4)).map { k in .init(key: "\(k)" + text(&r), value: maybeWrong(.string(text(&r)), &r)) })
    }

    static func descriptor(_ r: inout Random) -> JSONValue {
        let size: Int64 = r.pick([0, 1, 2, 527, 1000, 32_654, 7_340_032, .max, .min, -1, Int64(r.next() >> 20)])
        let platform = object(
            [
                ("architecture", .string(r.pick(["amd64", "arm64", "", text(&r)]))), ("os", .string(r.pick(["linux", "windows"]))),
                ("os.version", .string(text(&r))), ("os.features", strings(&r)), ("variant", .string(r.pick(["v8", "v7", text(&r)]))),
                ("features", strings(&r)),
            ], &r)
        return object(
            sometimesWrong([
                ("mediaType", .string(r.pick([MediaType.dockerLayer, MediaType.ociConfig, MediaType.schema2, text(&r)]))),
                ("digest", .string(digest(&r))), ("size", integer(size, &r)), ("urls", strings(&r)), ("annotations", stringMap(&r)),
                ("platform", platform), ("artifactType", .string(text(&r))),
            ], &r), &r)
    }

    static func descriptors(_ r: inout Random) -> JSONValue { .array((0..<r.below(5)).map { _ in descriptor(&r) }) }

    static func manifest(_ r: inout Random) -> JSONValue {
        let types = [MediaType.schema2, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.ociIndex, "", "text/plain"]
        let version: JSONValue = r.chance(95) ? integer(2, &r) : .number(r.pick(["3", "1.5", "0"]))
        return object(
            sometimesWrong([
                ("schemaVersion", version), ("mediaType", .string(r.pick(types))), ("config", descriptor(&r)), ("layers", descriptors(&r)),
                ("manifests", descriptors(&r)), ("subject", descriptor(&r)), ("artifactType", .string(text(&r))), ("annotations", stringMap(&r)),
            ], &r, keep: "schemaVersion"), &r)
    }

    static func v1Layer(_ r: inout Random) -> JSONValue {
        object(
            sometimesWrong([
                ("id", .string(digest(&r))), ("created", .string(text(&r))), ("comment", .string(text(&r))),
                ("throwaway", .bool(r.chance(50))), ("architecture", .string(r.pick(["", "amd64", text(&r)]))),
                ("container_config", object([("Cmd", strings(&r)), ("Env", strings(&r))], &r)),
            ], &r), &r)
    }

    static func schema1(_ r: inout Random) -> JSONValue {
        let layers = (0..<r.below(4)).map { _ in object([("blobSum", maybeWrong(.string(digest(&r)), &r))], &r) }
        let history = (0..<r.below(4)).map { _ in
            let layer = v1Layer(&r)
            let entry = write(layer, &r)
            return object([("v1Compatibility", maybeWrong(.string(entry), &r))], &r)
        }
        return object(
            sometimesWrong([
                ("schemaVersion", .number("1")), ("name", .string(text(&r))), ("tag", .string(text(&r))),
                ("architecture", .string(text(&r))), ("fsLayers", .array(layers)), ("history", .array(history)),
            ], &r, keep: "schemaVersion"), &r, nulls: false)
    }

    static func config(_ r: inout Random) -> JSONValue {
        let labels = JSONValue.object(
            (0..<r.below(4)).map { k in .init(key: "\(k)" + text(&r), value: r.chance(20) ? .null : maybeWrong(.string(text(&r)), &r)) })
        let history = JSONValue.array(
            (0..<r.below(4)).map { _ in
                object(
                    sometimesWrong([
                        ("created", .string(text(&r))), ("created_by", .string(text(&r))), ("comment", .string(text(&r))),
                        ("empty_layer", .bool(r.chance(50))),
                    ], &r), &r)
            })
        return object(
            sometimesWrong([
                ("created", .string(r.pick(["2024-01-02T03:04:05.123456789Z", text(&r)]))), ("architecture", .string(text(&r))),
                ("os", .string(text(&r))), ("variant", .string(text(&r))),
                ("config", object([("Labels", labels), ("Env", strings(&r)), ("Cmd", strings(&r))], &r)),
                ("history", history),
                ("rootfs", object([("type", .string("layers")), ("diff_ids", .array((0..<r.below(4)).map { _ in .string(digest(&r)) }))], &r)),
            ], &r), &r)
    }

    /// The document, mostly from our writer, every fifth through JSONSerialization.
    static func bytes(_ value: JSONValue, _ r: inout Random) throws -> [UInt8] {
        if r.chance(20) {
            let options: JSONSerialization.WritingOptions = r.pick([[], [.prettyPrinted], [.sortedKeys], [.withoutEscapingSlashes, .prettyPrinted]])
            return Array(try JSONSerialization.data(withJSONObject: foundationObject(value), options: options))
        }
        return Array(write(value, &r).utf8)
    }

    // MARK: comparing

    // Round counts are kept modest: these tests share the few test threads with the store tests
    // that run under a time limit.

    @Test func manifestsReadAsJSONDecoderReadThem() throws {
        var r = Random(state: 0x5EED_0001)
        var readBoth = 0, refusedBoth = 0
        for round in 0..<400 {
            let value = round % 4 == 3 ? Self.schema1(&r) : Self.manifest(&r)
            let bytes = try Self.bytes(value, &r)
            let new = Outcome(ManifestParser.parse(bytes))
            let old = Outcome(LegacyJSONDecoding.parseManifest(bytes))
            #expect(new == old, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            // Schema1 manifests carry the config their history describes, so `new == old` compares it too.
            if case .manifest = new { readBoth += 1 } else { refusedBoth += 1 }
        }
        // The mix exercises both sides.
        #expect(readBoth > 120, "\(readBoth) read")
        #expect(refusedBoth > 20, "\(refusedBoth) refused")
    }

    @Test func signedSchema1ReadsAsJSONDecoderReadIt() throws {
        var r = Random(state: 0x5EED_0002)
        let key = SigningKey.p256(P256.Signing.PrivateKey())
        var signed = 0
        for round in 0..<20 {
            var value = Self.schema1(&r)
            // libtrust signs a compact or indented payload: keep to its layout.
            if case .object(var members) = value {
                members.removeAll { $0.key == "schemaVersion" }
                members.append(.init(key: "schemaVersion", value: .number("1")))
                value = .object(members)
            }
            let payload = Array(try JSONSerialization.data(withJSONObject: Self.foundationObject(value), options: round % 2 == 0 ? [] : [.prettyPrinted]))
            guard case .success(let document) = LibtrustJWS.sign(payload: payload, with: [key], time: SignatureSamples.fixedTime) else { continue }
            let new = Outcome(ManifestParser.parse(document))
            let old = Outcome(LegacyJSONDecoding.parseManifest(document))
            signed += 1
            if case .other(.invalidSchema1) = old {
                // Both refuse the payload; the messages differ.
                guard case .other(.invalidSchema1) = new else {
                    Issue.record("round \(round): \(new) where JSONDecoder refused the payload")
                    continue
                }
            } else {
                #expect(new == old, "round \(round): \(String(decoding: document, as: UTF8.self))")
            }
            if case .manifest(let m) = new { #expect(m.format == .schema1Signed) }
        }
        #expect(signed > 10)
    }

    @Test func configsReadAsJSONDecoderReadThem() throws {
        var r = Random(state: 0x5EED_0003)
        var readBoth = 0
        for round in 0..<300 {
            let bytes = try Self.bytes(Self.config(&r), &r)
            let new = Outcome(ImageConfig.parse(bytes))
            #expect(new == Outcome(LegacyJSONDecoding.parseConfig(bytes)), "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            if case .config = new { readBoth += 1 }
        }
        #expect(readBoth > 150, "\(readBoth) read")
    }
}
