import DemoRegistry
import Foundation
import StoreGenerator
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `drydock ls --json` for a whole store reads each repository's parked text back from its temporary file into a
/// 1 MiB buffer, between the sizes spliced in, and writes the buffer whenever it is full. Whatever standard output
/// is (a file, one already written to, one opened for appending as `>>` opens it, a pipe), the document must be the
/// same bytes, with DEL and C1 controls escaped in the parked text as everywhere else; and the same where no
/// temporary file can be made (the text then waits in memory).
@Suite struct ListOutputSinkTests {
    enum Sink: CaseIterable { case file, fileAfterOtherOutput, appendingFile, pipe, fileWithoutTemporaryFolder }

    static func run(_ arguments: [String], into sink: Sink, scratch: String) throws -> (status: Int32, stdout: [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DrydockBinary.path())
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let path = "\(scratch)/stdout-\(sink)"
        let prefix = Array("lines already in the file\n".utf8)
        if sink == .fileWithoutTemporaryFolder {
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = "\(scratch)/no-such-folder"
            process.environment = environment
        }
        switch sink {
        case .file, .fileWithoutTemporaryFolder:
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            process.standardOutput = handle
            try process.run()
            try handle.close()
            process.waitUntilExit()
            return (process.terminationStatus, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        case .fileAfterOtherOutput:
            // `{ echo …; drydock ls --json; } > file`: the copies go on from the descriptor's offset, not from 0.
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.write(contentsOf: Data(prefix))
            process.standardOutput = handle
            try process.run()
            try handle.close()
            process.waitUntilExit()
            let all = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(all.starts(with: prefix), "the document overwrote what was written before it")
            return (process.terminationStatus, Array(all.dropFirst(prefix.count)))
        case .appendingFile:
            _ = FileManager.default.createFile(atPath: path, contents: Data(prefix))
            let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            process.standardOutput = handle
            try process.run()
            try handle.close()
            process.waitUntilExit()
            let all = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(all.starts(with: prefix), "an appending write replaced what the file held")
            return (process.terminationStatus, Array(all.dropFirst(prefix.count)))
        case .pipe:
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            try pipe.fileHandleForWriting.close()
            // Read to the end before waiting: the document is larger than a pipe's buffer.
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, [UInt8](out))
        }
    }

    /// `drydock ls --json ROOT` into every kind of standard output, each expected to succeed.
    static func documents(_ root: String) throws -> [Sink: [UInt8]] {
        var documents: [Sink: [UInt8]] = [:]
        for sink in Sink.allCases {
            let result = try run(["ls", "--json", root], into: sink, scratch: root)
            #expect(result.status == 0, "\(sink)")
            documents[sink] = result.stdout
        }
        return documents
    }

    @Test func everyKindOfStandardOutputGetsTheSameDocument() async throws {
        // Tags on a stored manifest: their names are in that manifest's `tags`, so in the parked text too.
        let root = try await ListJSONOracleTests.demoStore(label: "sinks", tags: [[0x64, 0x7F, 0x65], Array("c1\u{85}\u{9B}x".utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }

        let documents = try Self.documents(root)
        let file = try #require(documents[.file])
        #expect(file.count > 10_000)
        let (piped, appended) = (documents[.pipe] == file, documents[.appendingFile] == file)
        let unparked = documents[.fileWithoutTemporaryFolder] == file
        let afterOther = documents[.fileAfterOtherOutput] == file
        #expect(afterOther, "a file already written to got another document")
        #expect(unparked, "the document kept in memory differs from the parked one")
        #expect(piped, "a pipe got another document than a file")
        #expect(appended, "a file opened for appending got another document")
        let encoderWritesIt = try ListJSONOracleTests.oracle(file) == file
        #expect(encoderWritesIt, "the document is not what the encoder writes")
        // DEL and the C1 controls are escaped wherever they were written from, the parked text included.
        let rawDEL = file.contains(0x7F)
        let rawC1 = zip(file, file.dropFirst()).contains { $0 == 0xC2 && (0x80...0x9F).contains($1) }
        #expect(!rawDEL, "a raw DEL reached standard output")
        #expect(!rawC1, "a raw C1 control reached standard output")
        let text = String(decoding: file, as: UTF8.self)
        #expect(text.components(separatedBy: "d\\u007fe").count >= 3, "the tag and the manifest's own list of it")
        #expect(text.components(separatedBy: "c1\\u0085\\u009bx").count >= 3)
    }

    /// A document of several MiB where each repository's text is larger than the output buffer: pieces are read
    /// back across several writes and sizes land at every offset of a buffer.
    @Test func aDocumentLargerThanTheBufferIsWrittenWhole() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drydock-sinks-large-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var shape = StoreGenerator.Shape(repositories: 3, tagsPerRepository: 400, layersPerImage: 2)
        shape.orphanBlobs = 2
        let prediction = try StoreGenerator(shape: shape, root: root).generate()
        let documents = try Self.documents(root)
        let file = try #require(documents[.file])
        #expect(file.count > 3 << 20, "\(file.count) bytes: the buffer would not fill")
        for sink in Sink.allCases where sink != .file {
            let same = documents[sink] == file
            #expect(same, "\(sink) got another document than a file")
        }
        let encoderWritesIt = try ListJSONOracleTests.oracle(file) == file
        #expect(encoderWritesIt, "the document is not what the encoder writes")
        // Every repository is there with its sizes, in catalog order.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(file)) as? [String: Any])
        let repositories = try #require(object["repositories"] as? [[String: Any]])
        #expect(repositories.compactMap { $0["name"] as? String } == prediction.repositoryNames.sorted())
        #expect(repositories.allSatisfy { ($0["size"] as? Int ?? 0) > 0 && $0["uniqueSize"] is Int })
    }
}
