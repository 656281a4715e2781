import KubeletAccess
import KubeletModel
import RBAC

/// The default, human output of map, explain and who-can.
public enum KubeletAccessText {
    static func routingLine(_ r: KubeletRouting) -> String {
        switch r {
        case .ok: return "ok (reaches authentication and authorization)"
        case .redirect(let status, let location): return "redirect \(status) to \(location), before authentication"
        case .notFound: return "404 page not found, before authentication (no route registered)"
        }
    }

    static func endpointLines(_ e: KubeletEndpoint?) -> [String] {
        guard let e else { return ["Endpoint:     (not a known kubelet endpoint)"] }
        var lines = ["Endpoint:     \(e.path) [\(e.methods.joined(separator: ","))]", "Exposes:      \(e.exposes)"]
        if e.canExecuteCommands { lines.append("Power:        COMMAND EXECUTION in containers on the node") }
        return lines
    }

    public static func map(_ r: KubeletRequest) -> String {
        var lines = [
            "Request:      \(r.method) \(r.path.decodedPath)",
            "Kubernetes:   \(r.profile.version) (KubeletFineGrainedAuthz=\(r.profile.fineGrainedAuthz))",
            "Verb:         \(r.verb.isEmpty ? "\"\" (empty: \(r.method) is not mapped)" : r.verb)",
            "Routing:      \(routingLine(r.routing))",
        ]
        lines += endpointLines(r.endpoint)
        lines.append("")
        var t = Table(headers: ["ORDER", "VERB", "RESOURCE", "SUBRESOURCE"])
        for (i, c) in r.checks.enumerated() {
            t.rows.append(["\(i + 1)\(i > 0 ? " (fallback)" : "")", c.verb.isEmpty ? "\"\"" : c.verb, c.resource, c.subresource])
        }
        return lines.joined(separator: "\n") + "\n" + t.render()
    }

    /// What the user should know beside a `map` answer; the command prints it to stderr, so
    /// that stdout holds only the answer.
    public static func warnings(_ r: KubeletRequest) -> [String] {
        r.profile.warnings.map { "Warning: \($0)" }
    }

    /// Bindings that grant nothing, a permission no kubelet of the release checks, and the
    /// profile's warnings, for stderr.
    public static func warnings(_ a: KubeletWhoCanAnswer) -> [String] {
        let question: [String] = switch a.question {
        case .request(let r): warnings(r)
        case .permission(let p): p.warnings.map { "Warning: \($0)" }
        }
        return a.unresolvedBindings.map { b, e in "Warning: ClusterRoleBinding \(b.name) grants nothing: \(e)" } + question
    }

    static func permissionLines(_ p: KubeletPermission) -> [String] {
        [
            "Permission:   \(p.check.verb) nodes/\(p.check.subresource) on \(p.node.map { "node \($0)" } ?? "any node")",
            "Kubernetes:   \(p.profile.version) (KubeletFineGrainedAuthz=\(p.profile.fineGrainedAuthz))",
            "Opens:        \(p.paths.isEmpty ? "no kubelet path on this release" : p.paths.joined(separator: ", "))",
        ]
    }

    static func checkTable(_ checks: [EvaluatedCheck]) -> String {
        var t = Table(headers: ["CHECK", "VERB", "SUBRESOURCE", "ALLOWED", "REASON"])
        for (i, c) in checks.enumerated() {
            let reason = c.reason.isEmpty ? (c.allowed ? "(system:masters)" : "no rule matches") : c.reason
            t.rows.append(["\(i + 1)\(c.performed ? "" : " (not sent)")", c.check.verb.isEmpty ? "\"\"" : c.check.verb,
                           "nodes/\(c.check.subresource)", c.allowed ? "yes" : "no", reason])
        }
        return t.render()
    }

    public static func explain(_ e: KubeletPermissionExplanation) -> String {
        var lines = permissionLines(e.permission)
        lines.insert("As:           \(e.user.name) (groups: \(e.user.groups.joined(separator: ", ")))", at: 1)
        lines.append("Result:       \(e.allowed ? "ALLOWED" : "DENIED")")
        var out = lines.joined(separator: "\n") + "\n\n" + checkTable([e.check])
        for n in e.notes { out += "Note: \(n)\n" }
        return out
    }

    public static func explain(_ e: KubeletExplanation) -> String {
        let r = e.request
        var lines = [
            "Request:      \(r.method) \(r.path.decodedPath) on \(r.node.map { "node \($0)" } ?? "any node")",
            "As:           \(e.user.name) (groups: \(e.user.groups.joined(separator: ", ")))",
            "Kubernetes:   \(r.profile.version) (KubeletFineGrainedAuthz=\(r.profile.fineGrainedAuthz))",
            "Routing:      \(routingLine(r.routing))",
            "Result:       \(e.allowed ? "ALLOWED" : "DENIED") — HTTP \(e.status)\(e.usedFallback ? " (through the nodes/proxy fallback)" : "")",
        ]
        if !e.body.isEmpty { lines.append("Body:         \(e.body.trimmingCharacters(in: .newlines))") }
        lines += endpointLines(r.endpoint)
        lines.append("")
        var out = lines.joined(separator: "\n") + "\n" + checkTable(e.checks)
        for n in e.notes { out += "Note: \(n)\n" }
        return out
    }

    public static func whoCan(_ a: KubeletWhoCanAnswer) -> String {
        var out: String
        switch a.question {
        case .request(let r):
            out = "Request:      \(r.method) \(r.path.decodedPath) on \(r.node.map { "node \($0)" } ?? "any node")\n"
            out += "Checks:       \(r.checks.map { "\($0.verb.isEmpty ? "\"\"" : $0.verb) nodes/\($0.subresource)" }.joined(separator: ", then "))\n"
            out += "Routing:      \(routingLine(r.routing))\n"
            out += endpointLines(r.endpoint).joined(separator: "\n") + "\n\n"
        case .permission(let p):
            out = permissionLines(p).joined(separator: "\n") + "\n\n"
        }
        // KIND, NAMESPACE, NAME: the order of every subject table (scan, evidence).
        var t = Table(headers: ["KIND", "NAMESPACE", "NAME", "SUBRESOURCE", "NODES", "VIA"])
        for h in a.holders {
            let subresources = Array(Set(h.via.map(\.subresource))).sorted().joined(separator: ",")
            let nodes: String = h.via.contains { $0.nodes == nil } ? "*" : Array(Set(h.via.flatMap { $0.nodes ?? [] })).sorted().joined(separator: ",")
            let via = h.via.map { v in
                v.grant.map { "\($0.binding.kind.rawValue)/\($0.binding.name) → \($0.role.kind.rawValue)/\($0.role.name)" } ?? "system:masters authorizer"
            }
            var unique: [String] = []
            for v in via where !unique.contains(v) { unique.append(v) }
            t.rows.append([h.subject.kind, h.subject.namespace.isEmpty ? "-" : h.subject.namespace, h.subject.name,
                           subresources + (h.onlyViaFallback && a.question.checks.count > 1 ? " (fallback only)" : ""), nodes,
                           unique.joined(separator: "; ")])
        }
        out += t.render()
        return out
    }
}

import Foundation
