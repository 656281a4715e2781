import Cluster
import Foundation
import Testing

/// The kube-system Namespace's `metadata.uid` names the cluster for saved scans: every reader
/// (YAML's fast path and Yams, JSON's item reader, typed lists whose items carry no kind) keeps it.
@Suite("Namespace UIDs")
struct NamespaceUIDTests {
    static let uid = "6e75707e-2a56-592f-8eb1-3afa974e67d9"

    @Test("read from block YAML, flow YAML, a JSON object, a JSON List and a typed NamespaceList", arguments: [
        ("block.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n  uid: \(uid)\n"),
        ("flow.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system, uid: \"\(uid)\"}\n"),
        ("object.json", #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system", "uid": "\#(uid)"}}"#),
        ("list.json", #"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"uid": "\#(uid)", "name": "kube-system"}}]}"#),
        ("typed.json", #"{"apiVersion": "v1", "kind": "NamespaceList", "items": [{"metadata": {"name": "kube-system", "uid": "\#(uid)"}}]}"#),
    ])
    func read(_ source: String, _ text: String) throws {
        let s = try ClusterDocumentDecoder.decode(Data(text.utf8), source: source)
        #expect(s.namespaces.map(\.name) == ["kube-system"])
        #expect(s.namespaces.first?.uid == Self.uid)
    }

    @Test("absent or null: none")
    func absent() throws {
        let yaml = try ClusterDocumentDecoder.decode(Data("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n".utf8), source: "a.yaml")
        #expect(yaml.namespaces.first?.uid == nil)
        let json = try ClusterDocumentDecoder.decode(Data(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system", "uid": null}}"#.utf8), source: "a.json")
        #expect(json.namespaces.first?.uid == nil)
    }

    @Test("the demo's kube-system has its UID")
    func demo() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/ai-cluster/namespaces.yaml")
        let s = try ClusterDocumentDecoder.decode(try Data(contentsOf: url), source: url.path)
        #expect(s.namespaces.first { $0.name == "kube-system" }?.uid == Self.uid)
    }
}
