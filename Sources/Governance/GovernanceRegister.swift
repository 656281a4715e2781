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

    /// A role approved to reach `nodes/proxy`, which the guardrail lets through by name.
    public struct ApprovedRole: Sendable, Hashable {
        public var kind: Role.Kind
        /// Empty for ClusterRoles.
        public var namespace: String
        public var name: String
        public var owner: String?
        public var purpose: String?
        public var ticket: String?
        /// The earlier of `nextReview` and `expires`: the approval lapses after it.
        public var expires: Day?
        public var location: SourceLocation

        public init(kind: Role.Kind, name: String, namespace: String = "", owner: String? = nil, purpose: String? = nil,
                    ticket: String? = nil, expires: Day? = nil, location: SourceLocation) {
            self.kind = kind
            self.namespace = kind == .clusterRole ? "" : namespace
            self.name = name
            self.owner = owner
            self.purpose = purpose
            self.ticket = ticket
            self.expires = expires
            self.location = location
        }

        /// `ClusterRole/NAME` or `Role/NS/NAME`.
        public var description: String { kind == .clusterRole ? "ClusterRole/\(name)" : "Role/\(namespace)/\(name)" }
    }

    public var entries: [Entry]
    public var roles: [ApprovedRole]
    public var source: String

    public init(entries: [Entry] = [], roles: [ApprovedRole] = [], source: String = "") {
        self.entries = entries
        self.roles = roles
        self.source = source
    }

    public typealias DecodeError = FileLineError

    static let entryKeys: Set<String> = ["subject", "owner", "purpose", "access", "reviewed", "nextReview", "expires", "ticket", "notes"]
    static let subjectKeys: Set<String> = ["kind", "name", "namespace"]
    static let accessKeys: Set<String> = ["subresources", "verbs", "nodes"]
    static let subjectKinds: Set<String> = ["ServiceAccount", "User", "Group"]
    static let topKeys: Set<String> = ["apiVersion", "kind", "entries", "roles"]
    static let roleEntryKeys: Set<String> = ["role", "owner", "purpose", "reviewed", "nextReview", "expires", "ticket", "notes"]
    static let roleKeys: Set<String> = ["kind", "name", "namespace"]

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
        if case .mapping(let top) = root {
            for key in top.keys where !topKeys.contains(key.string ?? "") {
                throw fail(key, "unknown key \(goQuote(key.string ?? "")) (known: \(topKeys.sorted().joined(separator: ", ")))")
            }
        }
        var register = GovernanceRegister(source: source)
        register.roles = try decodeRoles(root["roles"], source: source)
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

            let fields = Fields(node: node, at: at, source: source)
            func string(_ key: String) throws(DecodeError) -> String? { try fields.string(key) }
            func day(_ key: String) throws(DecodeError) -> Day? { try fields.day(key) }
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

    /// The `roles:` list: roles the guardrail lets reach `nodes/proxy`, each with why and until when.
    static func decodeRoles(_ node: Node?, source: String) throws(DecodeError) -> [ApprovedRole] {
        func fail(_ node: Node?, _ message: String) -> DecodeError { DecodeError(file: source, line: node?.mark?.line, message: message) }
        guard let node else { return [] }
        guard case .sequence(let seq) = node else { throw fail(node, "roles must be a list") }
        var out: [ApprovedRole] = []
        for (i, item) in seq.enumerated() {
            let at = "roles[\(i)]"
            guard case .mapping(let m) = item else { throw fail(item, "\(at) must be a mapping") }
            for key in m.keys where !roleEntryKeys.contains(key.string ?? "") {
                throw fail(key, "\(at): unknown key \(goQuote(key.string ?? "")) (known: \(roleEntryKeys.sorted().joined(separator: ", ")))")
            }
            guard let r = item["role"], case .mapping(let rm) = r else { throw fail(item, "\(at).role is required: {kind: ClusterRole, name}") }
            for key in rm.keys where !roleKeys.contains(key.string ?? "") {
                throw fail(key, "\(at).role: unknown key \(goQuote(key.string ?? "")) (known: kind, name, namespace)")
            }
            let kindText = r["kind"]?.string ?? ""
            // A Role never grants nodes/proxy (the authorizer consults Roles only for namespaced
            // requests), so approving one would approve nothing: say so rather than accept it.
            if kindText == "Role" { throw fail(r, "\(at).role.kind: a Role cannot grant nodes/proxy (nodes are cluster-scoped), so it needs no approval; list ClusterRoles") }
            guard kindText == "ClusterRole" else { throw fail(r, "\(at).role.kind must be ClusterRole, not \(goQuote(kindText))") }
            let kind = Role.Kind.clusterRole
            guard let name = r["name"]?.string, !name.isEmpty else { throw fail(r, "\(at).role.name is required") }
            let namespace = r["namespace"]?.string ?? ""
            if !namespace.isEmpty { throw fail(r, "\(at).role.namespace: a ClusterRole has no namespace") }
            let fields = Fields(node: item, at: at, source: source)
            func string(_ key: String) throws(DecodeError) -> String? { try fields.string(key) }
            func day(_ key: String) throws(DecodeError) -> Day? { try fields.day(key) }
            _ = try day("reviewed")
            let location = SourceLocation(file: source, line: item.mark?.line)
            let role = ApprovedRole(kind: kind, name: name, namespace: namespace, owner: try string("owner"), purpose: try string("purpose"),
                                    ticket: try string("ticket"), expires: [try day("nextReview"), try day("expires")].compactMap { $0 }.min(),
                                    location: location)
            if let earlier = out.first(where: { $0.description == role.description }) {
                throw fail(item, "\(at): \(role.description) already has an entry at line \(earlier.location.line ?? 0)")
            }
            out.append(role)
        }
        return out
    }

    /// An entry's optional scalar fields, read strictly: a mapping where a string belongs, or a
    /// date that is not a date, is an error at its line.
    struct Fields {
        let node: Node
        let at: String
        let source: String

        func string(_ key: String) throws(DecodeError) -> String? {
            guard let v = node[key] else { return nil }
            guard case .scalar(let sc) = v else { throw DecodeError(file: source, line: v.mark?.line, message: "\(at).\(key) must be a string") }
            return sc.string.isEmpty ? nil : sc.string
        }

        func day(_ key: String) throws(DecodeError) -> Day? {
            guard let text = try string(key) else { return nil }
            guard let d = Day(text) else {
                throw DecodeError(file: source, line: node[key]?.mark?.line, message: "\(at).\(key): \(goQuote(text)) is not a date (YYYY-MM-DD)")
            }
            return d
        }
    }
}
