import Foundation
import RBAC
import Yams

/// An `audit.k8s.io/v1` Policy, and the API server's rule matching (audit/policy/checker.go):
/// rules in order, first match wins, no match is `None`.
public struct AuditPolicy: Sendable {
    public enum Level: String, Sendable, Comparable, CaseIterable {
        case none = "None", metadata = "Metadata", request = "Request", requestResponse = "RequestResponse"
        var rank: Int { Level.allCases.firstIndex(of: self)! }
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    public struct GroupResources: Sendable {
        public var group: String
        public var resources: [String]
        public var resourceNames: [String]
    }

    public struct Rule: Sendable {
        public var level: Level
        public var users: [String] = []
        public var userGroups: [String] = []
        public var verbs: [String] = []
        public var resources: [GroupResources] = []
        public var namespaces: [String] = []
        public var nonResourceURLs: [String] = []
        public var omitStages: [String] = []
        public var line: Int?
    }

    /// The attributes a rule is matched against.
    public struct Request: Sendable {
        public var user: String
        public var groups: [String]
        public var verb: String
        public var isResourceRequest: Bool
        public var namespace: String = ""
        public var apiGroup: String = ""
        public var resource: String = ""
        public var subresource: String = ""
        public var name: String = ""
        public var path: String = ""

        public init(user: String, groups: [String], verb: String, isResourceRequest: Bool, namespace: String = "",
                    apiGroup: String = "", resource: String = "", subresource: String = "", name: String = "", path: String = "") {
            self.user = user; self.groups = groups; self.verb = verb; self.isResourceRequest = isResourceRequest
            self.namespace = namespace; self.apiGroup = apiGroup; self.resource = resource; self.subresource = subresource
            self.name = name; self.path = path
        }
    }

    public var rules: [Rule]
    public var omitStages: [String]
    public var source: String

    public init(rules: [Rule], omitStages: [String] = [], source: String = "") {
        self.rules = rules
        self.omitStages = omitStages
        self.source = source
    }

    /// The first matching rule's index, or nil (level None).
    public func firstMatch(_ r: Request) -> Int? { rules.firstIndex { Self.matches($0, r) } }

    public func level(_ r: Request) -> Level { firstMatch(r).map { rules[$0].level } ?? .none }

    public func omittedStages(_ r: Request) -> Set<String> {
        Set(omitStages).union(firstMatch(r).map { rules[$0].omitStages } ?? [])
    }

    public static func matches(_ rule: Rule, _ a: Request) -> Bool {
        if !rule.users.isEmpty && !rule.users.contains(a.user) { return false }
        if !rule.userGroups.isEmpty && !a.groups.contains(where: rule.userGroups.contains) { return false }
        if !rule.verbs.isEmpty && !rule.verbs.contains(a.verb) { return false }
        if !rule.namespaces.isEmpty || !rule.resources.isEmpty {
            guard a.isResourceRequest else { return false }
            if !rule.namespaces.isEmpty && !rule.namespaces.contains(a.namespace) { return false }
            if rule.resources.isEmpty { return true }
            let combined = a.subresource.isEmpty ? a.resource : a.resource + "/" + a.subresource
            for gr in rule.resources where gr.group == a.apiGroup {
                if gr.resources.isEmpty { return true }
                for res in gr.resources where gr.resourceNames.isEmpty || gr.resourceNames.contains(a.name) {
                    if res == combined || res == "*" { return true }
                    if !a.subresource.isEmpty && res.hasPrefix("*/") && a.subresource == String(res.drop(while: { $0 == "*" || $0 == "/" })) { return true }
                    if res.hasSuffix("/*") && a.resource == String(res.reversed().drop(while: { $0 == "*" || $0 == "/" }).reversed()) { return true }
                }
            }
            return false
        }
        if !rule.nonResourceURLs.isEmpty {
            guard !a.isResourceRequest else { return false }
            return rule.nonResourceURLs.contains { spec in
                spec == "*" || spec == a.path || (spec.hasSuffix("*") && a.path.hasPrefix(String(spec.dropLast())))
            }
        }
        return true
    }

    public typealias DecodeError = FileLineError

    static let ruleKeys: Set<String> = ["level", "users", "userGroups", "verbs", "resources", "namespaces", "nonResourceURLs", "omitStages", "omitManagedFields"]

    public static func decode(_ data: Data, source: String) throws(DecodeError) -> AuditPolicy {
        func fail(_ n: Node?, _ m: String) -> DecodeError { DecodeError(file: source, line: n?.mark?.line, message: m) }
        guard let text = String(data: data, encoding: .utf8) else { throw fail(nil, "not UTF-8 text") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw fail(nil, "invalid YAML: \(error)") }
        guard let root, case .mapping = root, root["kind"]?.string == "Policy" else {
            throw fail(root, "expected an audit Policy (apiVersion audit.k8s.io/v1, kind Policy)")
        }
        func strings(_ n: Node?, _ what: String) throws(DecodeError) -> [String] {
            guard let n else { return [] }
            guard case .sequence(let s) = n else { throw fail(n, "\(what) must be a list") }
            return s.map { $0.string ?? "" }
        }
        guard let rulesNode = root["rules"], case .sequence(let ruleNodes) = rulesNode, !ruleNodes.isEmpty else {
            throw fail(root, "rules: Required value (a policy needs at least one rule)")
        }
        var rules: [Rule] = []
        for (i, n) in ruleNodes.enumerated() {
            guard case .mapping(let m) = n else { throw fail(n, "rules[\(i)] must be a mapping") }
            for k in m.keys where !ruleKeys.contains(k.string ?? "") { throw fail(k, "rules[\(i)]: unknown field \(k.string ?? "")") }
            guard let levelText = n["level"]?.string, let level = Level(rawValue: levelText) else {
                throw fail(n, "rules[\(i)].level must be None, Metadata, Request or RequestResponse")
            }
            var rule = Rule(level: level, line: n.mark?.line)
            rule.users = try strings(n["users"], "rules[\(i)].users")
            rule.userGroups = try strings(n["userGroups"], "rules[\(i)].userGroups")
            rule.verbs = try strings(n["verbs"], "rules[\(i)].verbs")
            rule.namespaces = try strings(n["namespaces"], "rules[\(i)].namespaces")
            rule.nonResourceURLs = try strings(n["nonResourceURLs"], "rules[\(i)].nonResourceURLs")
            rule.omitStages = try strings(n["omitStages"], "rules[\(i)].omitStages")
            if let res = n["resources"] {
                guard case .sequence(let gs) = res else { throw fail(res, "rules[\(i)].resources must be a list") }
                for g in gs {
                    rule.resources.append(GroupResources(group: g["group"]?.string ?? "",
                                                         resources: try strings(g["resources"], "rules[\(i)].resources[].resources"),
                                                         resourceNames: try strings(g["resourceNames"], "rules[\(i)].resources[].resourceNames")))
                }
            }
            rules.append(rule)
        }
        return AuditPolicy(rules: rules, omitStages: try strings(root["omitStages"], "omitStages"), source: source)
    }
}
