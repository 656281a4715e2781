import Foundation
import KubeClient
import Testing

/// The watch wire read without a server: WatchEvent lines, lines split across chunks, and the
/// store of one resource's objects.
@Suite("Watch events, lines and the watched objects")
struct WatchWireTests {
    static let binding = #"{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"netdata","resourceVersion":"4712"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"netdata"}}"#

    @Test func eventsOfEveryType() throws {
        let added = try WatchEvent.decode(Data(#"{"type":"ADDED","object":\#(Self.binding)}"#.utf8))
        #expect(added.type == .added && added.key == "netdata" && added.resourceVersion == "4712")
        let pod = try WatchEvent.decode(Data(#"{"type":"DELETED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"ns","resourceVersion":"9"}}}"#.utf8))
        #expect(pod.type == .deleted && pod.key == "ns/p")
        let bookmark = try WatchEvent.decode(Data(#"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12746","creationTimestamp":null}}}"#.utf8))
        #expect(bookmark.type == .bookmark && bookmark.key == nil && bookmark.resourceVersion == "12746")
        let expired = try WatchEvent.decode(Data(#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}}"#.utf8))
        #expect(expired.status?.expired == true && expired.status?.code == 410)
        let serverError = try WatchEvent.decode(Data(#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"InternalError","code":500}}"#.utf8))
        #expect(serverError.status?.expired == false)
    }

    @Test(arguments: [
        "not json", "[1,2]", #"{"object":{}}"#, #"{"type":"SIDEWAYS","object":{}}"#, #"{"type":"ADDED"}"#,
        #"{"type":"ADDED","object":{"metadata":{}}}"#, #"{"type":"BOOKMARK","object":{"metadata":{}}}"#, #"{"type":"ADDED","object":"#,
    ])
    func malformedLinesAreErrors(_ line: String) {
        #expect(throws: WatchEventError.self) { try WatchEvent.decode(Data(line.utf8)) }
    }

    @Test func linesSpanChunks() throws {
        var splitter = LineSplitter(limit: 1 << 20)
        #expect(try splitter.append(Array(#"{"type":"AD"#.utf8)).isEmpty)
        let lines = try splitter.append(Array("DED\"}\r\n\n{\"a\":1}\n{\"b\"".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [#"{"type":"ADDED"}"#, #"{"a":1}"#])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == #"{"b""#)
        var small = LineSplitter(limit: 4)
        #expect(throws: LineSplitter.LineTooLong.self) { _ = try small.append(Array("0123456789".utf8)) }
    }

    @Test func storeFollowsListAndEvents() throws {
        var store = WatchedObjects(path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings")
        let page1 = #"{"kind":"ClusterRoleBindingList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"100","continue":"c"},"items":[{"metadata":{"name":"a"}}]}"#
        let page2 = #"{"kind":"ClusterRoleBindingList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"100"},"items":[{"metadata":{"name":"b"}}]}"#
        try store.replace(withPages: [Data(page1.utf8), Data(page2.utf8)])
        #expect(store.objects.keys.sorted() == ["a", "b"] && store.resourceVersion == "100")
        #expect(store.apply(try WatchEvent.decode(Data(#"{"type":"ADDED","object":\#(Self.binding)}"#.utf8))))
        #expect(store.objects.keys.sorted() == ["a", "b", "netdata"] && store.resourceVersion == "4712")
        #expect(store.apply(try WatchEvent.decode(Data(#"{"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"4713"}}}"#.utf8))))
        #expect(!store.apply(try WatchEvent.decode(Data(#"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"5000"}}}"#.utf8))))
        #expect(store.objects.keys.sorted() == ["b", "netdata"] && store.resourceVersion == "5000")
        // Given back as a typed list, in key order.
        let document = try JSONSerialization.jsonObject(with: store.listDocument(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding")) as! [String: Any]
        #expect(document["kind"] as? String == "ClusterRoleBindingList")
        #expect((document["items"] as? [[String: Any]])?.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String } == ["b", "netdata"])
        #expect(throws: WatchEventError.self) { try store.replace(withPages: [Data(#"{"items":[{"metadata":{}}]}"#.utf8)]) }
    }
}
