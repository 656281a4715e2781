import CLITestSupport
import Cluster
import Foundation
import Governance
import KubeJSON
import KubeletModel
import Reports
import TestSupport
import Testing
import Yams

/// `scan -o json|yaml|csv` write subject by subject and finding by finding; the report they
/// write must be the one the whole tree would have printed, byte for byte for JSON.
@Suite("Streamed scan reports (schema version 2)")
struct StreamedReportTests {
    static let day = Day(year: 2026, month: 11, day: 27)

    static func demo() throws -> ScanReport {
        let url = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster")
        var s = ClusterSnapshot()
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".yaml") {
            s.merge(try ClusterDocumentDecoder.decode(try Data(contentsOf: url.appendingPathComponent(name)), source: name))
        }
        s.resolveDuplicates()
        let register = try GovernanceRegister.decode(try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("examples/register.yaml")),
                                                     source: "register.yaml")
        return ClusterScanner.scan(s, options: ScanOptions(now: day, register: register))
    }

    static func generated(seed: UInt64) throws -> ScanReport {
        var s = try ClusterDocumentDecoder.decode(Data(GeneratedCluster.yaml(seed: seed).utf8), source: "generated-\(seed).yaml")
        s.resolveDuplicates()
        return ClusterScanner.scan(s, options: ScanOptions(now: day))
    }

    static func streamedJSON(_ document: StreamedObject, chunk: Int) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.pretty(document, chunk: chunk) { out += $0 }
        return out
    }

    static func cases() throws -> [(String, ScanReport)] {
        try [("demo", demo())] + [3, 11, 2026].map { ("generated \($0)", try generated(seed: $0)) }
    }

    @Test("streamed JSON is byte for byte the whole tree's, whatever the piece size")
    func jsonBytes() throws {
        for (name, report) in try Self.cases() {
            let document = ScanJSON.document(report, input: .object([("files", .integer(1))]))
            let whole = Array(JSONWriter.pretty(document.tree).utf8)
            #expect(report.subjects.count > 3 && report.findings.count > 3, "\(name): too small to prove anything")
            for chunk in [1, 100, 1 << 20] {
                #expect(Self.streamedJSON(document, chunk: chunk) == whole, "\(name), pieces of \(chunk)")
            }
        }
    }

    @Test("streamed YAML reads back as the JSON report")
    func yamlValue() throws {
        for (name, report) in try Self.cases() {
            let document = ScanJSON.document(report)
            var pieces: [String] = []
            try YAMLWriter.yaml(document, chunk: 4096) { pieces.append($0) }
            let yaml = pieces.joined()
            #expect(pieces.count > 1, "\(name): not written in pieces")
            let read = try #require(try Yams.compose(yaml: yaml), "\(name)")
            let json = try JSONSerialization.jsonObject(with: Data(JSONWriter.pretty(document.tree).utf8))
            #expect(NSDictionary(dictionary: try #require(try Yams.load(yaml: yaml) as? [String: Any])).isEqual(to: try #require(json as? [String: Any])),
                    "\(name)")
            // Key order as well: the same members in the same order as the JSON.
            #expect(Self.keys(read) == Self.keys(document.tree), "\(name)")
            #expect(yaml == (try YAMLWriter.yaml(document.tree)), "\(name): the fragments do not join into the whole document")
        }
    }

    @Test("CSV written in pieces is the same text")
    func csvPieces() throws {
        for (name, report) in try Self.cases() {
            var pieces: [String] = []
            ScanCSV.render(report, chunk: 200) { pieces.append($0) }
            #expect(pieces.count > 1, "\(name)")
            #expect(pieces.joined() == ScanCSV.render(report), "\(name)")
            let rows = ScanCSV.render(report).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.count - 1 == report.subjects.reduce(0) { $0 + $1.inventory.access.count }, "\(name)")
        }
    }

    @Test("v2: schemaVersion first, each chain said once, via indices name the chains the inventory holds")
    func grantsOnce() throws {
        for (name, report) in try Self.cases() {
            let tree = ScanJSON.report(report)
            guard case .object(let members) = tree else { Issue.record("not an object"); continue }
            #expect(members.first?.0 == "schemaVersion" && members.first?.1 == .integer(2), "\(name)")
            #expect(ScanJSON.schemaVersion == FindingBaseline.newestSchemaVersion, "the reader must know what the writer writes")
            guard case .array(let subjects)? = tree["subjects"] else { Issue.record("no subjects"); continue }
            #expect(subjects.count == report.subjects.count)
            var shared = 0
            for (s, json) in zip(report.subjects, subjects) {
                guard case .array(let grants)? = json["grants"] else { Issue.record("\(name): no grants"); continue }
                #expect(Set(grants).count == grants.count, "\(name) \(s.key): a chain said twice")
                var used = Set<Int>()
                for (sub, access) in s.inventory.access {
                    guard case .array(let via)? = json["access"]?[sub]?["via"] else { Issue.record("\(name) \(s.key) \(sub): no via"); continue }
                    let chains = via.compactMap { v -> JSONValue? in
                        guard case .integer(let i) = v, grants.indices.contains(i) else { return nil }
                        used.insert(i)
                        return grants[i]
                    }
                    #expect(chains.count == access.via.count, "\(name) \(s.key) \(sub): an index outside grants")
                    for (chain, path) in zip(chains, access.via) {
                        #expect(chain["binding"]?.stringValue == path.binding.name && chain["role"]?.stringValue == path.role.name
                                && chain["ruleIndex"] == .integer(path.ruleIndex) && chain["rule"]?.stringValue == path.rule.summary,
                                "\(name) \(s.key) \(sub)")
                    }
                }
                #expect(used.count == grants.count, "\(name) \(s.key): a grant no subresource uses")
                let mentions = s.inventory.access.values.reduce(0) { $0 + $1.via.count }
                if mentions > grants.count { shared += 1 }
            }
            // Otherwise the data never exercises saying a chain once.
            #expect(shared > 0, "\(name): no subject reaches two subresources through one rule")
        }
    }

    @Test("all nodes (no resourceNames) stays distinct from a list that names every node today")
    func allNodes() throws {
        let report = try Self.generated(seed: 5)
        guard case .array(let list)? = ScanJSON.report(report)["subjects"] else { Issue.record("no subjects"); return }
        let subjects = Dictionary(list.filter { $0["kind"] == .string("User") }.map { ($0["name"]!.stringValue!, $0) }) { a, _ in a }
        let everyNode = GeneratedCluster.nodes.sorted()
        let unpinned = try #require(subjects["all-nodes-reader"]?["access"]?["log"]?["nodes"])
        let pinned = try #require(subjects["every-node-today"]?["access"]?["log"]?["nodes"])
        #expect(unpinned == .string("*"))
        #expect(pinned == .strings(everyNode))
        // The same in YAML: a string and a sequence, not two sequences.
        let yaml = try YAMLWriter.yaml(ScanJSON.report(report))
        let read = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let byName = Dictionary((read["subjects"] as! [[String: Any]]).filter { $0["kind"] as? String == "User" }.map { ($0["name"] as! String, $0) }) { a, _ in a }
        #expect(((byName["all-nodes-reader"]?["access"] as? [String: Any])?["log"] as? [String: Any])?["nodes"] as? String == "*")
        #expect(((byName["every-node-today"]?["access"] as? [String: Any])?["log"] as? [String: Any])?["nodes"] as? [String] == everyNode)
    }

    @Test("scan -o json, yaml and jsonpath: the command streams the same report")
    func command() async throws {
        let file = try Fixtures.temporaryFile("generated-\(UUID().uuidString).yaml", GeneratedCluster.yaml(seed: 9))
        let j = await kubeletAuthz(["scan", "-f", file, "-o", "json", "--now", "2026-11-27"])
        #expect(j.code == 0, "\(j.err)")
        let object = try jsonObject(j.out)
        #expect(object["schemaVersion"] as? Int == 2)
        #expect(j.out.hasPrefix("{\n    \"schemaVersion\": 2,\n"))
        let y = await kubeletAuthz(["scan", "-f", file, "-o", "yaml", "--now", "2026-11-27"])
        #expect(y.out.hasPrefix("schemaVersion: 2\n"))
        #expect(NSDictionary(dictionary: try #require(try Yams.load(yaml: y.out) as? [String: Any])).isEqual(to: object))
        let p = await kubeletAuthz(["scan", "-f", file, "-o", "jsonpath={.schemaVersion} {.subjects[*].grants[0].binding}", "--now", "2026-11-27"])
        let bindings = (object["subjects"] as! [[String: Any]]).map { (($0["grants"] as! [[String: Any]])[0]["binding"] as! String) }
        #expect(p.out == "2 " + bindings.joined(separator: " "))
    }

    /// Keys of every object, in order, depth first: what a reordering would change.
    static func keys(_ v: JSONValue) -> [String] {
        switch v {
        case .object(let pairs): pairs.flatMap { [$0.0] + keys($0.1) }
        case .array(let items): items.flatMap(keys)
        default: []
        }
    }

    static func keys(_ n: Yams.Node) -> [String] {
        switch n {
        case .mapping(let m): m.flatMap { [$0.key.string ?? ""] + keys($0.value) }
        case .sequence(let s): s.flatMap(keys)
        default: []
        }
    }
}

/// A seeded RBAC cluster: roles whose rules reach several kubelet subresources at once (so one
/// chain serves many), pinned and unpinned node scopes, subjects of every kind, and names that
/// need escaping in JSON and quoting in YAML.
enum GeneratedCluster {
    static let nodes = ["node-a", "node-b", "node-c"]
    static let subresources = ["nodes/proxy", "nodes/log", "nodes/stats", "nodes/metrics", "nodes/pods", "nodes/healthz", "nodes/configz", "nodes/checkpoint"]
    static let verbs = ["get", "create", "list", "watch", "*"]
    static let oddNames = ["a<b>&c", "quote\"d", "colon: name", "- dash", "ünïcode", "#hash", "yes", "1.0", "null", "~"]

    static func yaml(seed: UInt64) -> String {
        var rng = SplitMix(state: seed)
        var docs: [String] = []
        for node in nodes {
            docs.append("""
            apiVersion: v1
            kind: Node
            metadata:
              name: \(node)
            status:
              nodeInfo:
                kubeletVersion: v1.35.2
            """)
        }
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        for r in 0..<12 {
            var rules: [String] = []
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                var subs = Set<String>()
                for _ in 0..<(1 + Int(rng.next() % 4)) { subs.insert(pick(subresources)) }
                var verbSet = Set<String>()
                for _ in 0..<(1 + Int(rng.next() % 2)) { verbSet.insert(pick(verbs)) }
                let pinned = rng.next() % 4 == 0 ? "\n  resourceNames: [\(pick(nodes))]" : ""
                rules.append("""
                - apiGroups: [""]
                  resources: [\(subs.sorted().map(quoted).joined(separator: ", "))]
                  verbs: [\(verbSet.sorted().map(quoted).joined(separator: ", "))]\(pinned)
                """)
            }
            docs.append("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: role-\(r)\nrules:\n" + rules.joined(separator: "\n"))
        }
        for b in 0..<30 {
            let subject: String
            switch rng.next() % 3 {
            case 0: subject = "- kind: ServiceAccount\n  name: \(quoted("sa-\(b % 9)"))\n  namespace: \(quoted("ns-\(b % 4)"))"
            case 1: subject = "- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: \(quoted(pick(oddNames) + "-\(b % 7)"))"
            default: subject = "- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: \(quoted("group-\(b % 5)"))"
            }
            docs.append("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: \(quoted("binding-\(b)-" + pick(oddNames)))
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: role-\(Int(rng.next() % 12))
            subjects:
            \(subject)
            """)
        }
        // "All nodes" and "every node there is today" are different grants: a node that joins
        // tomorrow is in the first and not in the second.
        for (name, names) in [("all-nodes-reader", ""), ("every-node-today", "\n  resourceNames: [\(nodes.joined(separator: ", "))]")] {
            docs.append("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: \(name)
            rules:
            - apiGroups: [""]
              resources: [nodes/log]
              verbs: [get]\(names)
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: \(name)
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: \(name)
            subjects:
            - kind: User
              apiGroup: rbac.authorization.k8s.io
              name: \(name)
            """)
        }
        return docs.joined(separator: "\n---\n") + "\n"
    }
}
