/// What the API server's validation (pkg/apis/rbac/validation) would reject. Such objects
/// can still arrive in Helm output or hand-written files; kubelet-authz evaluates them as
/// the authorizer would (an empty `apiGroups` matches nothing) and warns.
public enum RBACObjectValidation {
    public static func validate(_ role: Role) -> [String] {
        var out: [String] = []
        let what = "\(role.kind.rawValue) \(role.name)"
        for (i, rule) in role.rules.enumerated() {
            let at = "\(what): rules[\(i)]"
            if rule.verbs.isEmpty { out.append("\(at).verbs: Required value: verbs must contain at least one value (the API server rejects this role)") }
            if !rule.nonResourceURLs.isEmpty {
                if role.kind == .role { out.append("\(at).nonResourceURLs: Invalid value: namespaced rules cannot apply to non-resource URLs (the API server rejects this role)") }
                if !rule.apiGroups.isEmpty || !rule.resources.isEmpty || !rule.resourceNames.isEmpty {
                    out.append("\(at).nonResourceURLs: Invalid value: rules cannot apply to both regular resources and non-resource URLs (the API server rejects this role)")
                }
            } else {
                if rule.apiGroups.isEmpty { out.append("\(at).apiGroups: Required value: resource rules must supply at least one api group (the API server rejects this role; as written it matches nothing)") }
                if rule.resources.isEmpty { out.append("\(at).resources: Required value: resource rules must supply at least one resource (the API server rejects this role; as written it matches nothing)") }
            }
        }
        return out
    }

    public static func validate(_ binding: Binding) -> [String] {
        var out: [String] = []
        let what = "\(binding.kind.rawValue) \(binding.name)"
        if binding.kind == .clusterRoleBinding && binding.roleRef.kind != "ClusterRole" {
            out.append("\(what): roleRef.kind: Unsupported value: \(goQuote(binding.roleRef.kind)): supported values: \"ClusterRole\" (the API server rejects this binding)")
        } else if binding.kind == .roleBinding && binding.roleRef.kind != "Role" && binding.roleRef.kind != "ClusterRole" {
            out.append("\(what): roleRef.kind: Unsupported value: \(goQuote(binding.roleRef.kind)): supported values: \"Role\", \"ClusterRole\" (the API server rejects this binding)")
        }
        if binding.roleRef.name.isEmpty { out.append("\(what): roleRef.name: Required value (the API server rejects this binding)") }
        for (i, s) in binding.subjects.enumerated() {
            let at = "\(what): subjects[\(i)]"
            switch s.kind {
            case Subject.userKind, Subject.groupKind:
                if s.name.isEmpty { out.append("\(at).name: Required value (the API server rejects this binding)") }
            case Subject.serviceAccountKind:
                if s.name.isEmpty { out.append("\(at).name: Required value (the API server rejects this binding)") }
                if s.namespace.isEmpty && binding.kind == .clusterRoleBinding {
                    out.append("\(at).namespace: Required value (the API server rejects this binding; as written it matches no one)")
                }
            default:
                out.append("\(at).kind: Unsupported value: \(goQuote(s.kind)): supported values: \"ServiceAccount\", \"User\", \"Group\" (the API server rejects this binding; as written it matches no one)")
            }
        }
        return out
    }
}
