import Foundation
import KubeJSON
@testable import RBAC
import TestSupport
import Testing

/// The webhook's fast SubjectAccessReview reader must say exactly what `JSONDecoder` says, or
/// step aside (nil) and let it decide.
@Suite("SubjectAccessReview field reader agrees with JSONDecoder")
struct SubjectAccessReviewFieldReaderTests {
    /// The reviews the API server itself sent, as its audit log recorded them (v1.36.2), plus
    /// the kubelet review of the serve benchmark and the spec's example with `extra`.
    static let realBodies: [[UInt8]] = {
        var bodies: [[UInt8]] = []
        for line in Fixtures.data("audit-kube-apiserver-1.36.jsonl").split(separator: 0x0A) {
            guard let event = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  (event["objectRef"] as? [String: Any])?["resource"] as? String == "subjectaccessreviews",
                  let request = event["requestObject"] else { continue }
            bodies.append(Array(try! JSONSerialization.data(withJSONObject: request, options: .withoutEscapingSlashes)))
        }
        bodies.append(Array(#"{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"verb":"get","version":"v1","resource":"nodes","subresource":"proxy","name":"gpu-node-1"},"user":"system:serviceaccount:monitoring:netdata","groups":["system:serviceaccounts","system:serviceaccounts:monitoring","system:authenticated"],"uid":"6f1b2a3c-0000-4000-8000-000000000001"},"status":{"allowed":false}}"#.utf8))
        bodies.append(Array(#"""
        {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":{"creationTimestamp":null},
         "spec":{"resourceAttributes":{"verb":"get","version":"v1","resource":"nodes","subresource":"stats","name":"worker-1"},
                 "user":"system:serviceaccount:monitoring:prom",
                 "groups":["system:serviceaccounts","system:serviceaccounts:monitoring","system:authenticated"],
                 "uid":"4f1c","extra":{"authentication.kubernetes.io/pod-name":["prom-0"]}},
         "status":{"allowed":false}}
        """#.utf8))
        bodies.append(Array(#"{"apiVersion":"authorization.k8s.io/v1beta1","kind":"SubjectAccessReview","spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"},"group":["system:masters"]}}"#.utf8))
        return bodies
    }()

    enum Outcome: Equatable {
        case review(SubjectAccessReview)
        case error
    }

    static func viaDecoder(_ body: [UInt8]) -> Outcome {
        (try? SubjectAccessReview.decodeWithJSONDecoder(Data(body))).map(Outcome.review) ?? .error
    }

    static func viaReader(_ body: [UInt8]) -> Outcome? {
        body.withUnsafeBytes(SubjectAccessReviewFieldReader.read).map(Outcome.review)
    }

    @Test("every real review is read by the fast path, with the same result")
    func realBodies() {
        #expect(Self.realBodies.count >= 10)
        for (i, body) in Self.realBodies.enumerated() {
            let fast = Self.viaReader(body)
            #expect(fast != nil, "body \(i) fell back")
            #expect(fast == Self.viaDecoder(body), "body \(i)")
        }
    }

    /// What a client may send: escapes, unicode, nulls where lists and objects go, numbers and
    /// arrays in metadata, selectors, duplicate keys, other types, unknown members of every
    /// kind, spaces, truncation, and JSON that is not JSON.
    static func mutation(of body: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var s = String(decoding: body, as: UTF8.self)
        func first(_ a: String, _ b: String) { if let r = s.range(of: a) { s.replaceSubrange(r, with: b) } }
        switch Int.random(in: 0..<31, using: &rng) {
        case 0: first("\"user\":\"", "\"user\":\"a\\u0062")
        case 1: first(":", " : "); s = s.replacingOccurrences(of: ",", with: "\n,\t")
        case 2: first("\"groups\":[", "\"groups\":[null,")
        case 3: first("\"groups\":[", "\"groups\":null,\"g\":[")
        case 4: first("\"metadata\":{", "\"metadata\":{\"generation\":3,")
        case 5: first("\"metadata\":{", "\"metadata\":{\"labels\":{\"b\":\"1\",\"a\":\"2\"},\"x\":true,")
        case 6: first("\"metadata\":{", "\"metadata\":{\"finalizers\":[\"a\"],")
        case 7: first("\"spec\":{", "\"spec\":{\"user\":\"dup\",")
        case 8: first("{", "{\"kind\":\"Pod\",")
        case 9: first("\"spec\":{", "\"spec\":{\"x\":[1,-2.5e+3,{\"y\":[]},\"z\",null,true,false],")
        case 10: first("\"spec\":{", "\"spec\":{\"x\":01,")
        case 11: first("\"spec\":{", "\"spec\":{\"x\":1.,")
        case 12: first("\"spec\":{", "\"spec\":{\"x\":nul,")
        case 13: first("\"resourceAttributes\":{", "\"resourceAttributes\":{\"fieldSelector\":{\"requirements\":[null]},")
        case 14: first("\"resourceAttributes\":{", "\"resourceAttributes\":{\"labelSelector\":null,\"verb\":7,")
        case 15: first("\"spec\":{", "\"spec\":{\"extra\":{\"k\":null,\"j\":[\"v\"]},")
        case 16: first("\"spec\":{", "\"spec\":{\"extra\":{\"k\":[null]},")
        case 17: first("\"spec\":{", "\"spec\":{\"uid\":null,\"nonResourceAttributes\":null,")
        case 18: first("\"authorization.k8s.io/v1\"", "\"authorization.k8s.io/v1beta1\"")
        case 19: first("\"spec\":{", "\"spec\":{\"group\":[\"g1\"],")
        case 20: s += " x"
        case 21: s = " \r\n" + s + "\n "
        case 22: first("\"user\":\"", "\"user\":\"\u{00E9}t\u{00E9}\u{1F600}")
        case 23: first("\"spec\":{", "\"spec\":{\"x\":\"\u{01}\",")
        case 24: first("\"metadata\":{", "\"metadata\":null,\"m\":{")
        case 25: first("{", "[")
        case 26: first("\"spec\":{", "\"spec\":null,\"s\":{")
        // Names read by their bytes: a known one twice, an unknown one twice, one not UTF-8.
        case 27: first("\"resourceAttributes\":{", "\"resourceAttributes\":{\"verb\":\"delete\",")
        case 28: first("\"spec\":{", "\"spec\":{\"x\":1,\"x\":{\"x\":2,\"x\":3},")
        case 29: first("\"spec\":{", "\"spec\":{\"\u{00E9}\":1,\"x\u{00FF}\":2,")
        default: first("}", "")
        }
        var bytes = Array(s.utf8)
        // A name that is not UTF-8: ÿ is C3 BF; C3 followed by "x" is no character.
        if let r = s.range(of: "\"x\u{00FF}\"") {
            bytes[s.utf8.distance(from: s.utf8.startIndex, to: r.lowerBound) + 3] = UInt8(ascii: "x")
        }
        // Now and then a byte that is not UTF-8, or a cut anywhere.
        if Int.random(in: 0..<8, using: &rng) == 0, !bytes.isEmpty {
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [0x80, 0xFF, 0xC0, 0x22, 0x5C, 0x7D][Int.random(in: 0..<6, using: &rng)]
        }
        if Int.random(in: 0..<8, using: &rng) == 0 { bytes.removeLast(Int.random(in: 0...bytes.count, using: &rng)) }
        return bytes
    }

    @Test("mutated reviews: the fast path agrees or steps aside", arguments: [1, 2, 3, 4])
    func mutated(seed: UInt64) {
        var rng = SplitMix(state: seed)
        var read = 0
        for _ in 0..<600 {
            var body = Self.realBodies[Int.random(in: 0..<Self.realBodies.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...3, using: &rng) { body = Self.mutation(of: body, &rng) }
            let reference = Self.viaDecoder(body)
            if let fast = Self.viaReader(body) {
                read += 1
                #expect(fast == reference, "\(String(decoding: body, as: UTF8.self))")
            }
        }
        // Most mutations send a review to the reference; enough stay on the fast path.
        #expect(read > 40)
    }

    /// Deep nesting in a member nobody reads, or in metadata: the reader steps aside before it
    /// recurses far (a body of a million `[` must not run the stack out), and JSONDecoder decides.
    @Test(arguments: [10, 63, 64, 65, 600, 200_000])
    func deepNesting(depth: Int) {
        let review = String(decoding: Self.realBodies[Self.realBodies.count - 3], as: UTF8.self)
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let deep = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            for body in [review.replacingOccurrences(of: "\"status\":", with: "\"x\":\(deep),\"status\":"),
                         review.replacingOccurrences(of: "\"metadata\":{", with: "\"metadata\":{\"m\":\(deep),")] {
                let bytes = Array(body.utf8)
                let fast = Self.viaReader(bytes)
                if depth > SubjectAccessReviewFieldReader.maxDepth { #expect(fast == nil) }
                if let fast { #expect(fast == Self.viaDecoder(bytes)) }
            }
        }
    }

    @Test("every cut of a real review: the fast path agrees or steps aside")
    func truncated() {
        for body in Self.realBodies {
            for end in 0..<body.count {
                let cut = Array(body[..<end])
                if let fast = Self.viaReader(cut) { #expect(fast == Self.viaDecoder(cut)) }
            }
        }
    }
}
