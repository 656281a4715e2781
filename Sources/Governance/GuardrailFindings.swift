import Cluster
import RBAC

/// KA048: an installed guardrail whose exceptions expired. The policy cannot see the date
/// itself (admission CEL has no clock), so the scan reads the expiry it was stamped with.
/// KA049: a ClusterRole that grants nodes/proxy now, unknown to the installed binding policy.
enum GuardrailFindings {
    static func findings(policies: [AdmissionPolicy], policy: RBACPolicy, now: Day) -> [Finding] {
        let installed = policies.filter { GuardrailManifest.isGuardrail(labels: $0.labels) }
        guard !installed.isEmpty else { return [] }
        var out = expired(installed, now: now)
        for p in installed {
            guard let text = p.annotations[GuardrailManifest.reachingRolesAnnotation] else { continue }
            let known = Set(text.split(separator: ",").map(String.init))
            for name in policy.clusterRoles.keys.sorted() where !known.contains(name) {
                guard let role = policy.clusterRoles[name], NodesProxyReach.reaches(role.rules) else { continue }
                out.append(Finding(.guardrailMissesReachingRole,
                                   message: "ClusterRole \(name) grants nodes/proxy, but the installed ValidatingAdmissionPolicy \(p.name) does not know it: new ClusterRoleBindings to it are not judged; regenerate the guardrail",
                                   locations: [.of(role), Finding.Location(kind: "ValidatingAdmissionPolicy", name: p.name, source: p.source)]))
            }
        }
        return out
    }

    static func expired(_ installed: [AdmissionPolicy], now: Day) -> [Finding] {
        var out: [Finding] = []
        for p in installed {
            guard let text = p.annotations[GuardrailManifest.expiresAnnotation] else { continue }
            let location = Finding.Location(kind: "ValidatingAdmissionPolicy", name: p.name, source: p.source)
            guard let expiry = Day(text) else {
                out.append(Finding(.guardrailExceptionsExpired,
                                   message: "ValidatingAdmissionPolicy \(p.name): annotation \(GuardrailManifest.expiresAnnotation) \(goQuote(text)) is not a date (YYYY-MM-DD), so whether its exceptions lapsed cannot be told; regenerate it with kubelet-authz guardrail",
                                   locations: [location]))
                continue
            }
            guard expiry < now else { continue }
            out.append(Finding(.guardrailExceptionsExpired,
                               message: "ValidatingAdmissionPolicy \(p.name) still lets through register exceptions, the first of which expired on \(expiry) (admission CEL has no clock); regenerate it with kubelet-authz guardrail",
                               locations: [location]))
        }
        return out
    }
}
