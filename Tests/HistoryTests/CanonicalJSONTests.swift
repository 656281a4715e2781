import Foundation
import History
import Store
import Testing

/// A saved part's bytes are exactly what `JSONEncoder` (keys sorted, slashes unescaped) wrote
/// for it before the hand-written writer, and its address is the SHA-256 of its kind and those
/// bytes: databases saved by earlier builds keep their addresses (an unchanged re-save after an
/// upgrade still stores nothing) and `JSONDecoder` reads both.
@Suite("Canonical content")
struct CanonicalJSONTests {
    /// Every optional present and absent, and strings that need escaping (quotes, backslash,
    /// every short escape, other control characters) or must not be (slash, `<>&`, U+2028,
    /// non-ASCII).
    static let tricky = "q\"b\\s/t\tn\nr\rb\u{8}f\u{C}c\u{1}\u{1F}\u{7F}<>&\u{2028}é🙂"
    static let content = ScanContent(
        release: "1.36",
        subjects: [
            SubjectAccessRecord(subject: SubjectRef(kind: "ServiceAccount", namespace: "ns", name: tricky), execCapable: true,
                                access: [.init(subresource: "proxy", verbs: ["get", "create"], nodes: ["n2", "n1"]),
                                         .init(subresource: "metrics", verbs: ["get"])],
                                grants: [.init(binding: "ClusterRoleBinding/b", role: "ClusterRole/r", subresources: ["proxy", "metrics"])]),
            SubjectAccessRecord(subject: SubjectRef(kind: "User", name: "alice"), execCapable: false, access: [], grants: []),
        ],
        findings: [
            FindingRecord(fingerprint: "f1", rule: "KA001", severity: "high", subject: SubjectRef(kind: "User", name: "alice"), message: tricky,
                          locations: [.init(kind: "ClusterRoleBinding", namespace: "", name: "b", file: "rbac/a.yaml", line: 12),
                                      .init(kind: "ClusterRole", namespace: "", name: "r", file: nil, line: nil)]),
            FindingRecord(fingerprint: "f2", rule: "KA002", severity: "info", subject: nil, message: "m", locations: []),
        ],
        governance: [
            GovernanceEntryRecord(subject: SubjectRef(kind: "User", name: "alice"), owner: "team", purpose: tricky, reviewed: "2026-01-01",
                                  nextReview: "2026-04-01", ticket: "T-1", approved: ["proxy=get@n1"], origin: "register r.yaml"),
            GovernanceEntryRecord(subject: SubjectRef(kind: "User", name: "bob"), owner: nil, purpose: nil, reviewed: nil,
                                  nextReview: nil, ticket: nil, approved: nil, origin: "ServiceAccount annotations"),
        ])

    struct Inventory: Encodable { var release: String; var subjects: [SubjectAccessRecord] }

    @Test("bytes and addresses are JSONEncoder's, sorted keys")
    func sameAsJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected: [ContentBlob.Kind: Data] = [
            .inventory: try encoder.encode(Inventory(release: Self.content.release, subjects: Self.content.subjects)),
            .findings: try encoder.encode(Self.content.findings),
            .governance: try encoder.encode(Self.content.governance),
        ]
        let blobs = Self.content.blobs(hashedWith: .sha256)
        #expect(blobs.map(\.kind) == [.inventory, .findings, .governance])
        for blob in blobs {
            #expect(String(decoding: blob.body, as: UTF8.self) == String(decoding: expected[blob.kind]!, as: UTF8.self))
            #expect(blob.hash == ContentHash.sha256(Array((blob.kind.rawValue + "\n").utf8) + Array(expected[blob.kind]!)))
        }
    }

    @Test("the parts read back as the content")
    func roundTrip() throws {
        let blobs = Self.content.blobs(hashedWith: .sha256)
        let back = try ScanContent.assemble(Dictionary(uniqueKeysWithValues: blobs.map { ($0.kind, $0) }))
        #expect(back == Self.content)
    }
}
