@testable import AuditInput
import CompressNIO
import Evidence
import Foundation
import NIOCore
import TestSupport
import Testing

/// A line longer than the maximum is counted malformed with its file and line, the lines after
/// it are still read, and the reader's memory does not grow with it.
@Suite("Lines longer than the maximum")
struct LongLineTests {
    static let sample = Fixtures.data("audit-kube-apiserver-1.36.jsonl")

    func gzip(_ data: Data) throws -> Data {
        var buffer = ByteBuffer(bytes: data)
        return Data(try buffer.compress(with: .gzip()).readableBytesView)
    }

    /// The sample with `long` inserted as its third line.
    func log(inserting long: Data) -> Data {
        let lines = Self.sample.split(separator: 0x0A)
        var out = Data()
        for (i, line) in lines.enumerated() {
            if i == 2 { out += long + Data([0x0A]) }
            out += line + Data([0x0A])
        }
        return out
    }

    func ingest(_ data: Data, name: String, maxLineLength: Int, blockSize: Int) throws -> MemoryEvidenceStore {
        let path = Fixtures.temporaryDirectory().appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        var ingestor = AuditIngestor()
        ingestor.maxLineLength = maxLineLength
        ingestor.blockSize = blockSize
        let sink = MemoryEvidenceStore()
        _ = try ingestor.ingest([AuditSource(path: path)], into: sink)
        return sink
    }

    /// Longer than the limit and than the block (skipped by the reader), and longer than the
    /// limit inside one block (caught by the scanner); a long line of zeros, and a long event.
    @Test("a too-long line among valid ones, plain and gzip: counted malformed at its line, the rest read",
          arguments: [(false, 100_000, 4096), (true, 100_000, 4096), (false, 100_000, 1 << 20), (true, 100_000, 1 << 20)])
    func longLineAmongValid(gzipped: Bool, length: Int, blockSize: Int) throws {
        let zeros = Data(repeating: 0, count: length)
        let event = Data(("{\"kind\":\"Event\",\"objectRef\":{\"resource\":\"subjectaccessreviews\"},\"x\":\"" + String(repeating: "a", count: length) + "\"}").utf8)
        let reference = try ingest(Self.sample, name: "ref.log", maxLineLength: 64 << 10, blockSize: blockSize)
        for long in [zeros, event] {
            let data = log(inserting: long)
            let sink = try ingest(gzipped ? try gzip(data) : data, name: gzipped ? "long.log.gz" : "long.log",
                                  maxLineLength: 64 << 10, blockSize: blockSize)
            #expect(sink.allMalformed.map(\.line) == [3])
            #expect(sink.allMalformed.first?.file.hasSuffix(gzipped ? "long.log.gz" : "long.log") == true)
            #expect(sink.allMalformed.first?.reason.contains("a line of \(long.count) bytes, longer than the maximum line length of 65536") == true,
                    "\(sink.allMalformed)")
            #expect(sink.counts.lines == 22)
            #expect(sink.counts.malformed == 1)
            #expect(sink.counts.bytes == data.count)
            // The same records as without the long line, each one line further on after it.
            let records = sink.all
            #expect(records.count == reference.all.count)
            #expect(records.map(\.source.line) == reference.all.map { $0.source.line > 2 ? $0.source.line + 1 : $0.source.line })
        }
    }

    @Test("a line of zeros without a newline, plain and gzip: one malformed line, the buffer stays small", arguments: [false, true])
    func zerosWithoutNewline(gzipped: Bool) throws {
        let zeros = Data(repeating: 0, count: 24 << 20)
        let path = Fixtures.temporaryDirectory().appendingPathComponent(gzipped ? "zeros.gz" : "zeros").path
        try (gzipped ? try gzip(zeros) : zeros).write(to: URL(fileURLWithPath: path))
        let reader = try LineChunkReader(AuditSource(path: path), blockSize: 64 << 10, maxLineLength: 1 << 20)
        var chunks: [String] = []
        var largest = 0
        while let chunk = try reader.nextChunk() {
            largest = max(largest, reader.capacity)
            switch chunk {
            case .lines(let b): chunks.append("lines \(b.count)")
            case .overlongLine(let length, _): chunks.append("overlong \(length)")
            }
        }
        #expect(chunks == ["overlong \(24 << 20)"])
        #expect(reader.consumed == 24 << 20)
        #expect(largest <= 4 << 20, "the buffer grew to \(largest) bytes")
    }

    @Test("after a skipped line, the lines that came in the same read are handed out")
    func linesAfterSkippedLine() throws {
        var data = Data(repeating: 0x61, count: 300_000)
        data += Data("\n{\"a\":1}\n{\"b\":2}\nlast".utf8)
        let path = Fixtures.temporaryDirectory().appendingPathComponent("after.log").path
        try data.write(to: URL(fileURLWithPath: path))
        let reader = try LineChunkReader(AuditSource(path: path), blockSize: 64 << 10, maxLineLength: 100_000)
        var overlong: [Int] = [], text = ""
        while let chunk = try reader.nextChunk() {
            switch chunk {
            case .lines(let b):
                #expect(!overlong.isEmpty, "no lines before the long one")
                text += String(decoding: b, as: UTF8.self)
            case .overlongLine(let length, _): overlong.append(length)
            }
        }
        #expect(overlong == [300_000])
        #expect(text == "{\"a\":1}\n{\"b\":2}\nlast")
        #expect(reader.consumed == data.count)
    }

    @Test("a JSON document longer than the maximum is one malformed line, not held")
    func longDocument() throws {
        let doc = Data(("{\n\"kind\":\"EventList\",\"items\":[],\"x\":\"" + String(repeating: "b", count: 200_000) + "\"\n}\n").utf8)
        let sink = try ingest(doc, name: "doc.json", maxLineLength: 100_000, blockSize: 4096)
        #expect(sink.allMalformed.map(\.line) == [1])
        #expect(sink.allMalformed.first?.reason.contains("longer than the maximum of 100000") == true)
        #expect(sink.counts.bytes == doc.count)
    }

    @Test("a webhook body of JSON lines with a too-long line: malformed at its line of the batch, the rest read")
    func longLineInBody() throws {
        let body = log(inserting: Data(repeating: 0x61, count: 5000))
        var ingestor = AuditIngestor()
        ingestor.maxLineLength = 4096
        let store = MemoryEvidenceStore()
        let counts = try ingestor.ingest(body: Array(body), stream: "webhook", batch: "3", into: store)
        #expect(counts.lines == 22 && counts.malformed == 1)
        #expect(store.allMalformed.map { "\($0.file):\($0.line)" } == ["webhook batch 3:3"])
        #expect(store.all.count == 15)
    }
}
