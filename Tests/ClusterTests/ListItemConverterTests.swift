import Foundation
import TestSupport
import Testing
@testable import Cluster

/// A large List is read and converted on every core; the result must be what one thread gives,
/// item by item: the same objects in the same order, the same warnings, the first bad item's
/// error. `ListItemConverter.parallelFrom` set out of reach is that one thread.
@Suite("Large Lists on every core agree with one thread")
struct ListItemConverterTests {
    typealias Outcome = JSONObjectReaderTests.Outcome

    static func decode(_ data: Data, parallel: Bool, yamlReader: ClusterDocumentDecoder.YAMLReader = .fast) -> Result<Outcome, ClusterInputError> {
        ListItemConverter.$parallelFrom.withValue(parallel ? 2048 : .max) {
            Result { () throws(ClusterInputError) in Outcome(try ClusterDocumentDecoder.decode(data, source: "in", yamlReader: yamlReader)) }
        }
    }

    /// A kubectl-style YAML List of `count` generated objects, with `replace` items swapped in.
    static func yamlList(count: Int, seed: UInt64, replace: [Int: String] = [:]) -> Data {
        var rng = SplitMix(state: seed)
        var out = "apiVersion: v1\nitems:\n"
        for n in 0..<count {
            if let item = replace[n] { out += item; continue }
            out += KubectlStyleCluster.render(KubectlStyleCluster.object(n, &rng), indent: 0, step: 2, indentless: true, firstPrefix: "- ")
        }
        return Data((out + "kind: List\nmetadata:\n  resourceVersion: \"\"\n").utf8)
    }

    static let nameless = "- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    namespace: a\n"
    static let kindless = "- apiVersion: v1\n  metadata:\n    name: x\n"

    @Test("kubectl-style YAML: the same snapshot, and the reference reader's too")
    func yaml() {
        let data = Self.yamlList(count: 2300, seed: 1)
        #expect(YAMLObjectReader.read(data) != nil, "the fast reader stepped aside")
        let outcome = Self.decode(data, parallel: true)
        #expect(outcome == Self.decode(data, parallel: false))
        #expect((try? outcome.get())?.workloads.isEmpty == false)
        YAMLReaderDifferentialTests.compare(data, "2300 generated objects")
    }

    @Test("the first bad item's error, wherever the runs are cut", arguments: [
        [2000: nameless], [5: kindless, 2000: nameless], [1500: nameless, 1400: kindless], [2299: kindless, 1151: nameless],
    ])
    func yamlErrors(_ bad: [Int: String]) {
        let data = Self.yamlList(count: 2300, seed: 2, replace: bad)
        let outcome = Self.decode(data, parallel: true)
        #expect(outcome == Self.decode(data, parallel: false))
        guard case .failure(let error) = outcome else { Issue.record("no error for \(bad.keys.sorted())"); return }
        let first = bad.keys.min()!
        #expect(error.message.contains(bad[first] == Self.kindless ? "items[\(first)]: missing kind" : "has no metadata.name"), "\(error)")
    }

    @Test("JSON, read by the byte reader and by JSONDecoder")
    func json() {
        var g = JSONObjectReaderTests.Generator(rng: SplitMix(state: 3))
        let items = (0..<2500).map { _ in g.object() }
        for indent in [0, 2] {
            let text = JSONObjectReaderTests.Writer(indent: indent).write(.o([("apiVersion", .s("v1")), ("kind", .s("List")), ("items", .a(items))]))
            let data = Data(text.utf8)
            let outcome = Self.decode(data, parallel: true)
            #expect(outcome == Self.decode(data, parallel: false), "indent \(indent)")
            let byDecoder = ClusterDocumentDecoder.$useByteReader.withValue(false) { Self.decode(data, parallel: true) }
            #expect(byDecoder == Self.decode(data, parallel: false), "indent \(indent), JSONDecoder")
        }
    }
}
