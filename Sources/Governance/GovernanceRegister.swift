import Foundation
import RBAC
import Yams

/// The reviewed, version-controlled record of approved kubelet access
/// (`kind: KubeletAccessRegister`, schema in docs/GOVERNANCE.md).
public struct GovernanceRegister: Sendable {
    public struct Entry: Sendable {
        public var subject: SubjectKey
        public var record: GovernanceRecord
        public var location: SourceLocation

        public init(subject: SubjectKey, record: GovernanceRecord, location: SourceLocation) {
            self.subject = subject
            self.record = record
            self.location = location
        }
    }

    public var entries: [Entry]
    public var source: String

    public init(entries: [Entry] = [], source: String = "") {
        self.entries = entries
        self.source = source
    }

    public typealias DecodeError = FileLineError

    static let entryKeys: Set<String> = ["subject", "owner", "purpose", "access", "reviewed", "nextReview", "expires", "ticket", "notes"]
    static let subjectKeys: Set<String> = ["kind", "name", "namespace"]
    static let accessKeys: Set<String> = ["subresources", "verbs", "nodes"]
    static let subjectKinds: Set<String> = ["ServiceAccount", "User", "Group"]

    /// Parses a register strictly: an unknown key is an error, not a silently ignored typo.
    public static func decode(_ data: Data, source: String) throws(DecodeError) -> GovernanceRegister {
        func fail(_ node: Node?, _ message: String) -> DecodeError { DecodeError(file: source, line: node?.mark?.line, message: message) }
        let root = try YAMLComposer.root(data, source: source)
        guard let root, case .mapping = root else { throw fail(root, "expected a mapping with kind: KubeletAccessRegister") }
        guard root["kind"]?.string == "KubeletAccessRegister" else {
            throw fail(root["kind"] ?? root, "kind must be KubeletAccessRegister (apiVersion kubelet-authz.io/v1alpha1)")
        }
        if let v = root["apiVersion"]?.string, v != "kubelet-authz.io/v1alpha1" {
            throw fail(root["apiVersion"], "apiVersion \(goQuote(v)) is not supported (expected kubelet-authz.io/v1alpha1)")
        }
        var register = GovernanceRegister(source: source)
        guard let entries = root["entries"] else { return register }
        guard case .sequence(let seq) = entries else { throw fail(entries, "entries must be a list") }
        for (i, node) in seq.enumerated() {
            let at = "entries[\(i)]"
            guard case .mapping(let m) = node else { throw fail(node, "\(at) must be a mapping") }
            for key in m.keys where !entryKeys.contains(key.string ?? "") {
                throw fail(key, "\(at): unknown key \(goQuote(key.string ?? "")) (known: \(entryKeys.sorted().joined(separator: ", ")))")
            }
            guard let s = node["subject"], case .mapping(let sm) = s else { throw fail(node, "\(at).subject is required: {kind, name, namespace}") }
            for key in sm.keys where !subjectKeys.contains(key.string ?? "") {
                throw fail(key, "\(at).subject: unknown key \(goQuote(key.string ?? "")) (known: kind, name, namespace)")
            }
            let kind = s["kind"]?.string ?? ""
            guard subjectKinds.contains(kind) else { throw fail(s, "\(at).subject.kind must be ServiceAccount, User or Group, not \(goQuote(kind))") }
            guard let name = s["name"]?.string, !name.isEmpty else { throw fail(s, "\(at).subject.name is required") }
            let namespace = s["namespace"]?.string ?? ""
            if kind == "ServiceAccount" && namespace.isEmpty { throw fail(s, "\(at).subject.namespace is required for a ServiceAccount") }

            func string(_ key: String) throws(DecodeError) -> String? {
                guard let v = node[key] else { return nil }
                guard case .scalar(let sc) = v else { throw fail(v, "\(at).\(key) must be a string") }
                return sc.string.isEmpty ? nil : sc.string
            }
            func day(_ key: String) throws(DecodeError) -> Day? {
                guard let text = try string(key) else { return nil }
                guard let d = Day(text) else { throw fail(node[key], "\(at).\(key): \(goQuote(text)) is not a date (YYYY-MM-DD)") }
                return d
            }
            var record = GovernanceRecord(owner: try string("owner"), purpose: try string("purpose"),
                                          reviewed: try day("reviewed"), ticket: try string("ticket"),
                                          origin: .register(SourceLocation(file: source, line: node.mark?.line)))
            record.nextReview = [try day("nextReview"), try day("expires")].compactMap { $0 }.min()
            if let access = node["access"] {
                guard case .sequence(let items) = access else { throw fail(access, "\(at).access must be a list") }
                var approved: [ApprovedAccess] = []
                for (j, item) in items.enumerated() {
                    let ap = "\(at).access[\(j)]"
                    guard case .mapping(let im) = item else { throw fail(item, "\(ap) must be a mapping") }
                    for key in im.keys where !accessKeys.contains(key.string ?? "") {
                        throw fail(key, "\(ap): unknown key \(goQuote(key.string ?? "")) (known: subresources, verbs, nodes)")
                    }
                    func list(_ key: String) throws(DecodeError) -> [String]? {
                        guard let v = item[key] else { return nil }
                        if case .scalar(let sc) = v { return [sc.string] }
                        guard case .sequence(let xs) = v else { throw fail(v, "\(ap).\(key) must be a list") }
                        return xs.compactMap(\.string)
                    }
                    guard let subs = try list("subresources"), !subs.isEmpty else { throw fail(item, "\(ap).subresources is required") }
                    for sub in subs where !KubeletPermissions.subresources.contains(sub) && sub != "*" {
                        throw fail(item, "\(ap).subresources: \(goQuote(sub)) is not a kubelet subresource (\(KubeletPermissions.subresources.joined(separator: ", ")))")
                    }
                    guard let verbs = try list("verbs"), !verbs.isEmpty else { throw fail(item, "\(ap).verbs is required") }
                    var nodes = try list("nodes")
                    if nodes == ["*"] { nodes = nil }
                    approved.append(ApprovedAccess(subresources: subs, verbs: verbs, nodes: nodes))
                }
                record.approved = approved
            }
            let subjectKey = SubjectKey(kind: kind, name: name, namespace: namespace)
            if let earlier = register.entries.first(where: { $0.subject == subjectKey }) {
                throw fail(node, "\(at): \(subjectKey) already has an entry at line \(earlier.location.line ?? 0)")
            }
            register.entries.append(Entry(subject: subjectKey, record: record,
                                          location: SourceLocation(file: source, line: node.mark?.line)))
        }
        return register
    }
}
